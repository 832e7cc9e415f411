"""ASGI middleware of the server: auth before any body is read, and security headers.

Both work on raw ASGI messages, so they run before FastAPI parses a form (FastAPI reads and
spools a multipart body before it runs a route's dependencies) and they see every response,
including the ones other middleware answers by itself (413 from :class:`BodyLimit`).
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsloom.api.settings import ApiSettings
from newsloom.views.access import token_refusal

#: Everything from this origin only. Scripts never inline (pages keep data in JSON blocks,
#: which are not executed); styles allow inline because ECharts, Swagger UI and ReDoc set
#: element styles at run time. ReDoc's search runs in a worker made from a blob.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: Routes that write; their token is checked before the body is touched.
WRITE_PREFIX = "/api/ingest"


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (an endpoint's own win)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class AuthBeforeBody:
    """Refuses a write with a missing or wrong token before one byte of its body is read.

    The route's own ``require_write`` dependency stays (and documents the security scheme);
    this only makes the refusal happen first, so an anonymous client cannot make the server
    read and spool a large upload just to be told 401.
    """

    def __init__(self, app: ASGIApp, settings: ApiSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] == "POST"
                and str(scope["path"]).startswith(WRITE_PREFIX)):
            refusal = token_refusal(self.settings, Headers(scope=scope))
            if refusal is not None:
                code, detail, headers = refusal
                await _answer(send, code, detail, headers)
                return
        await self.app(scope, receive, send)


async def _answer(send: Send, code: int, detail: str, headers: dict[str, str]) -> None:
    # "connection: close": the unread body must not be taken for the next request.
    data = json.dumps({"detail": detail, "status": code}).encode()
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            (b"connection", b"close"),
                            *((k.lower().encode(), v.encode()) for k, v in headers.items())]})
    await send({"type": "http.response.body", "body": data})
