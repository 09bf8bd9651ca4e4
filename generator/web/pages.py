"""Rendering pages: the Jinja environment and what every page is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from generator.dates import format_date
from generator.web.security import csrf_token

TEMPLATES = Path(__file__).with_name("templates")

ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters["date"] = format_date


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Return the page ``name`` rendered with ``context`` plus the user, CSRF token and flash message."""
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    base = {
        "request": request,
        "user": request.scope.get("user"),
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "flash": flash,
        "title": "",
    }
    html = ENV.get_template(name).render(**(base | context))
    return HTMLResponse(html, status_code=status_code)


def flash(request: Request, message: str) -> None:
    """Show ``message`` once, on the next page (a "success" banner)."""
    request.session["flash"] = message
