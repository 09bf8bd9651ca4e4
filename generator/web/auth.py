"""Signing in and out, and who the current user is.

Sessions are Starlette's signed cookies (HttpOnly, SameSite=strict); the
cookie holds only the user's name, and each request looks the account up
again, so a removed account is signed out at once. With no accounts on the
loopback interface, ``policygen serve`` prints a one-time link that signs in
as a local adviser, as Jupyter does.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from generator.web.accounts import User, authenticate, load_users
from generator.web.pages import render
from generator.web.security import RateLimiter, check_csrf

LOCAL_ADVISER = User("local adviser", "adviser")
SIGN_IN_LIMIT = RateLimiter(limit=5, window=60.0)  # failures per name and address
ADDRESS_LIMIT = RateLimiter(limit=20, window=60.0)  # failures per address, over every name



def new_link_token() -> str:
    """Return a fresh one-time sign-in token."""
    return secrets.token_urlsafe(24)


def current_user(request: Request) -> User | None:
    """Return the signed-in user, or None."""
    name = request.session.get("user")
    if not name:
        return None
    if name == LOCAL_ADVISER.name and request.session.get("local"):
        return LOCAL_ADVISER
    return load_users(request.app.state.config.users_file).get(name)


def _safe_next(target: str | None) -> str:
    """Return ``target`` when it is a path on this site, else the dashboard."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def sign_in_page(request: Request) -> Response:
    return render(request, "signin.html", title="Sign in", errors={}, username="",
                  next=_safe_next(request.query_params.get("next")))


async def sign_in(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    name = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    errors = {}
    client = request.client.host if request.client else "?"
    key = f"{client}|{name.lower()}"
    if SIGN_IN_LIMIT.blocked(key) or ADDRESS_LIMIT.blocked(client):
        errors["username"] = "Too many sign-in attempts. Wait a minute, then try again."
        return render(request, "signin.html", 429, title="Sign in", errors=errors, username=name, next=target)
    if not name:
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    user = authenticate(load_users(request.app.state.config.users_file), name, password) if not errors else None
    if user is None and not errors:
        errors["username"] = "The username or password is not right"
    if errors:
        SIGN_IN_LIMIT.failed(key)
        ADDRESS_LIMIT.failed(client)
        return render(request, "signin.html", 400, title="Sign in", errors=errors, username=name, next=target)
    request.session.clear()  # a fresh session (and CSRF token) on sign-in
    request.session["user"] = user.name
    return RedirectResponse(target, status_code=303)


async def sign_in_with_link(request: Request) -> Response:
    """Sign in as the local adviser with the one-time token printed at start-up."""
    token = request.app.state.link_token
    given = request.path_params["token"]
    if not token or not hmac.compare_digest(token, given):
        return render(request, "error.html", 404, title="Page not found", message="This sign-in link has been used "
                      "or is not right. Restart `policygen serve` for a new one.")
    request.app.state.link_token = None  # one time only
    request.session.clear()
    request.session["user"] = LOCAL_ADVISER.name
    request.session["local"] = True
    return RedirectResponse("/", status_code=303)


async def sign_out(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)
