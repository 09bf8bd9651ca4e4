"""Headers, CSRF tokens and sign-in rate limits: the web app's guards.

Every response gets a strict Content-Security-Policy (no scripts at all, no
inline styles, nothing from other sites) and headers that stop framing and
content sniffing. Every form that changes something carries the session's
CSRF token, and :func:`check_csrf` refuses a POST without it.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware that adds :data:`HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CsrfError(Exception):
    """A changing request came without the session's CSRF token: answer 403."""


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, making one on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: FormData) -> None:
    """Refuse ``form`` unless it carries the session's CSRF token.

    Raises:
        CsrfError: the token is missing or wrong.
    """
    sent = form.get("csrf_token")
    want = request.session.get("csrf")
    if not want or not isinstance(sent, str) or not hmac.compare_digest(sent, want):
        raise CsrfError()


class RateLimiter:
    """At most ``limit`` failed attempts per key in any ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 60.0):
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        """Return whether ``key`` has used up its failed attempts for now."""
        now = time.monotonic()
        with self._lock:
            seen = self._seen[key]
            while seen and now - seen[0] > self.window:
                seen.popleft()
            return len(seen) >= self.limit

    def failed(self, key: str) -> None:
        """Record a failed attempt for ``key``."""
        with self._lock:
            self._seen[key].append(time.monotonic())
