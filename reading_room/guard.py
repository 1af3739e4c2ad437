"""What every answer of the reading room goes through: only reading methods, bounded request lines, and the
security headers (a Content-Security-Policy that lets no script but the reading room's own run)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders, State
from starlette.types import Message, Receive, Scope, Send

ALLOWED_METHODS = ("GET", "HEAD")
MAX_TARGET = 4096  # bytes of path and query string together
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class Guard:
    """ASGI middleware: 405 for methods that would change something, 414 for an overlong request target,
    and the security headers on every response (a route that sets its own policy, as raw captures do,
    keeps it)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    @property
    def state(self) -> State:
        """The application's state (its archive session factory, engine, base path)."""
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ALLOWED_METHODS:
            await _plain(send, 405, "405 Method Not Allowed: the reading room only reads (GET, HEAD)\n", allow=True)
            return
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > MAX_TARGET:
            await _plain(send, 414, f"414 URI Too Long: at most {MAX_TARGET} bytes of path and query\n")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("content-security-policy", PAGE_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, status: int, text: str, *, allow: bool = False) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((name.encode(), value.encode()) for name, value in COMMON_HEADERS.items()),
        (b"content-security-policy", PAGE_POLICY.encode()),
    ]
    if allow:
        headers.append((b"allow", ", ".join(ALLOWED_METHODS).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
