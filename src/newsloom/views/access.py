"""Who may read and write: the API token (Bearer header, X-API-Token, or for reads the
cookie the pages send) checked against the server's settings."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import unquote

from fastapi import HTTPException, Request, status

#: Cookie the web pages send when reads are protected (set on the upload page).
TOKEN_COOKIE = "newsloom_token"


class AccessSettings(Protocol):
    """The part of the server settings (``newsloom.api.ApiSettings``) access depends on."""

    @property
    def api_token(self) -> str | None: ...

    @property
    def protect_reads(self) -> bool: ...


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


def token_refusal(settings: AccessSettings, headers: Mapping[str, str],
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


def _check(settings: AccessSettings, request: Request, allow_cookie: bool) -> None:
    refusal = token_refusal(settings, request.headers, request.cookies if allow_cookie else None)
    if refusal is not None:
        code, detail, headers = refusal
        raise HTTPException(code, detail, headers=headers or None)


def require_write(request: Request) -> None:
    _check(request.app.state.settings, request, allow_cookie=False)


def require_read(request: Request) -> None:
    settings: AccessSettings = request.app.state.settings
    if settings.protect_reads:
        _check(settings, request, allow_cookie=True)
