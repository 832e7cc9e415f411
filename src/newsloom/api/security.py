"""Token checks and the upload size limit."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from fastapi import HTTPException, Request, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsloom.api.settings import ApiSettings

#: Cookie the web pages send when reads are protected (set on the upload page).
TOKEN_COOKIE = "newsloom_token"


def presented_token(headers: Mapping[str, str], cookies: Mapping[str, str] | None) -> str | None:
    """The token a request carries: Bearer header, X-API-Token, or (reads only) the cookie."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    header = headers.get("x-api-token")
    if header:
        return header.strip()
    # Only reads take the cookie: a cookie rides along on cross-site form posts.
    cookie = cookies.get(TOKEN_COOKIE) if cookies is not None else None
    return unquote(cookie) if cookie else None


Refusal = tuple[int, str, dict[str, str]]


def token_refusal(settings: ApiSettings, headers: Mapping[str, str],
                  cookies: Mapping[str, str] | None = None) -> Refusal | None:
    """(status, detail, headers) when a request with these headers may not pass, else None.

    Plain headers in, so the ASGI middleware can refuse before a body is read."""
    expected = settings.api_token
    if expected is None:
        return (status.HTTP_403_FORBIDDEN,
                "writes are disabled: the server has no API token configured "
                "(set NEWSLOOM_API_TOKEN and restart)", {})
    given = presented_token(headers, cookies)
    if given is None:
        return (status.HTTP_401_UNAUTHORIZED,
                "an API token is required: send 'Authorization: Bearer TOKEN'",
                {"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return status.HTTP_403_FORBIDDEN, "the API token is wrong", {}
    return None


def _check(settings: ApiSettings, request: Request, allow_cookie: bool) -> None:
    refusal = token_refusal(settings, request.headers, request.cookies if allow_cookie else None)
    if refusal is not None:
        code, detail, headers = refusal
        raise HTTPException(code, detail, headers=headers or None)


def require_write(request: Request) -> None:
    _check(request.app.state.settings, request, allow_cookie=False)


def require_read(request: Request) -> None:
    settings: ApiSettings = request.app.state.settings
    if settings.protect_reads:
        _check(settings, request, allow_cookie=True)


class _TooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on instead of answering 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, _too_large(limit))


def _too_large(limit: int) -> str:
    return f"request body larger than the limit of {limit} bytes"


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413.

    The declared Content-Length is checked before anything is read; a chunked body is
    counted as it streams, so an upload never has to be parsed (or spooled) past the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body: dict[str, Any] = {
            "detail": _too_large(self.limit),
            "status": 413}
        data = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(data)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": data})
