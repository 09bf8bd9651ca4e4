"""The web app: routes, sign-in gate, error pages and the LibreOffice pool's lifetime."""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import date
from pathlib import Path
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator.errors import ConverterError, InputError, PolicygenError
from generator.web import auth, dashboard, downloads, editor, jobs, library_pages, review_pages, school_pages
from generator.web.access import Forbidden
from generator.web.office import OfficePool
from generator.web.pages import render
from generator.web.security import CsrfError, SecurityHeaders
from generator.web.workspace import NotFound, WebConfig, Workspace

LOG = logging.getLogger("policygen.web")
STATIC = Path(__file__).with_name("static")
Handler = Callable[[Request], Awaitable[Response]]


def signed_in(handler: Handler) -> Handler:
    """Wrap ``handler`` so it runs only for a signed-in user (others go to the sign-in page)."""
    async def gate(request: Request) -> Response:
        user = auth.current_user(request)
        if user is None:
            if request.method != "GET":
                return render(request, "error.html", 403, title="Sign in first",
                              message="Your session has ended. Sign in again, then repeat what you were doing.")
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        request.scope["user"] = user
        return await handler(request)
    return gate


def routes() -> list:
    s = "/schools/{school_id}"
    p = s + "/policies/{policy_id}"
    return [
        Route("/", signed_in(dashboard.dashboard)),
        Route("/signin", auth.sign_in_page),
        Route("/signin", auth.sign_in, methods=["POST"]),
        Route("/signin/link/{token}", auth.sign_in_with_link),
        Route("/signout", auth.sign_out, methods=["POST"]),
        Route("/library", signed_in(library_pages.library_index)),
        Route("/library/{policy_id}", signed_in(library_pages.library_policy)),
        Route("/build", signed_in(jobs.build_page)),
        Route("/build", signed_in(jobs.start_build), methods=["POST"]),
        Route("/build/{job_id}", signed_in(jobs.job_page)),
        Route("/build/{job_id}/policies.zip", signed_in(jobs.job_zip)),
        Route(s, signed_in(school_pages.school_page)),
        Route(s + "/logo", signed_in(school_pages.logo)),
        Route(s + "/brand.css", signed_in(school_pages.brand_css)),
        Route(s + "/details", signed_in(editor.details_page)),
        Route(s + "/details", signed_in(editor.details_save), methods=["POST"]),
        Route(p + "/choices", signed_in(editor.policy_page)),
        Route(p + "/choices", signed_in(editor.policy_save), methods=["POST"]),
        Route(p + "/preview", signed_in(school_pages.preview)),
        Route(p + "/download/{filename}", signed_in(downloads.download)),
        Route(p + "/review", signed_in(review_pages.review_page)),
        Route(p + "/review/check", signed_in(review_pages.approve_check), methods=["POST"]),
        Route(p + "/review/approve", signed_in(review_pages.approve_confirm), methods=["POST"]),
        Route(p + "/review/redline.{ext}", signed_in(review_pages.redline_download)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


async def not_found(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", 404, title="Page not found",
                  message="There is no such page, or it is not one you can see.")


async def forbidden(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", 403, title="You cannot do this",
                  message="Your account does not allow this. Ask your HR adviser if you need it.")


async def csrf_refused(request: Request, exc: Exception) -> Response:
    return render(request, "error.html", 403, title="The form has expired",
                  message="This form was sent without its security token, or from an old page. Go back, reload "
                          "the page and try again.")


async def input_problem(request: Request, exc: InputError) -> Response:
    lines = [f"{Path(p.path).name} line {p.line}: {p.message}" if p.line else f"{Path(p.path).name}: {p.message}"
             for p in exc.problems]
    return render(request, "error.html", 422, title="The files have problems",
                  message="This page needs files that do not pass `policygen check`: " + "; ".join(lines))


async def converter_problem(request: Request, exc: PolicygenError) -> Response:
    status = 503 if isinstance(exc, ConverterError) else 500
    return render(request, "error.html", status, title="The document could not be made",
                  message=str(exc).splitlines()[0])


async def http_problem(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return await not_found(request, exc)
    return render(request, "error.html", exc.status_code, title="Something went wrong",
                  message=str(exc.detail) if exc.status_code < 500 else "Please try again.")


async def server_error(request: Request, exc: Exception) -> Response:
    LOG.exception("error serving %s", request.url.path)
    return render(request, "error.html", 500, title="Sorry, something went wrong",
                  message="The error has been logged on the server. Please try again.")


def create_app(config: WebConfig, *, secret: str | None = None, link_token: str | None = None,
               workers: int = 1, start_office: bool = True, today: Callable[[], date] = date.today) -> Starlette:
    """Return the web app over ``config``'s files.

    ``link_token`` enables the one-time sign-in link; ``start_office``
    starts the LibreOffice pool with the app (stopped when it stops).
    """
    office = OfficePool(workers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if start_office:
            office.start()
        try:
            yield
        finally:
            office.stop()

    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders),
                    Middleware(SessionMiddleware, secret_key=secret or secrets.token_urlsafe(32),
                               session_cookie="policygen_session", same_site="strict", max_age=12 * 3600)],
        exception_handlers={NotFound: not_found, Forbidden: forbidden, CsrfError: csrf_refused,
                            InputError: input_problem, PolicygenError: converter_problem,
                            HTTPException: http_problem, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.workspace = Workspace(config)
    app.state.office = office
    app.state.jobs = {}
    app.state.link_token = link_token
    app.state.today = today
    return app
