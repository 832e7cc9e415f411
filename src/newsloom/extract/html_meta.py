"""Title, authors and outlet of an HTML page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from newsloom.model import RawDocument


def page_title(doc: RawDocument, data: dict[str, Any]) -> str | None:
    """The container's title if it declares one, else trafilatura's."""
    title = doc.title or (data.get("title") or None)
    return title.strip() if isinstance(title, str) and title.strip() else None


def page_authors(doc: RawDocument, value: str | None) -> list[str]:
    if doc.authors:
        return list(doc.authors)
    if not value:
        return []
    return [name.strip() for name in value.replace(" and ", ";").split(";") if name.strip()]


def page_outlet(data: dict[str, Any], url: str | None) -> str | None:
    sitename = data.get("sitename")
    if isinstance(sitename, str) and sitename.strip() and "http" not in sitename:
        return sitename.strip()
    host = data.get("hostname") or (urlparse(url).hostname if url else None)
    return host.removeprefix("www.") if isinstance(host, str) and host else None
