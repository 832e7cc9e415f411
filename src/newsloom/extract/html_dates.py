"""The publication date of an HTML page, with its provenance and confidence."""

from __future__ import annotations

from typing import Any

from newsloom.extract.dates import date_from_url, declared_date, find_byline_date
from newsloom.model import PublicationDate, RawDocument


def page_published(doc: RawDocument, data: dict[str, Any], text: str) -> PublicationDate | None:
    """Container date first, then page metadata (htmldate quick), the URL, a byline line."""
    from_container = declared_date(doc.published)
    if from_container:
        return from_container
    url = doc.url or data.get("url")
    from_url = date_from_url(url if isinstance(url, str) else None)
    meta = declared_date(data.get("date"))
    if meta:
        agrees = from_url is not None and from_url.value == meta.value
        return PublicationDate(meta.value, 0.95 if agrees else 0.85, "metadata")
    if from_url:
        return from_url
    found = find_byline_date(text.split("\n")[:12])
    return found[0] if found else None
