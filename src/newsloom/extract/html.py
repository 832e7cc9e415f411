"""HTML pages → Article, with trafilatura for the main text and metadata.

Publication date provenance is decided here: structured markup (via htmldate, non-extensive
mode, so it never falls back to guessing from copyright lines) is ``metadata``; a date in the
URL is ``url``; a date line at the top of the extracted text is ``byline``; otherwise only an
estimate from the text is given.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import trafilatura

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.extract.dates import (
    date_from_url,
    declared_date,
    estimate_from_text,
    find_byline_date,
)
from newsloom.extract.language import detect_language
from newsloom.model import Article, PublicationDate, RawDocument

_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _trafilatura(doc: RawDocument, options: ExtractOptions) -> dict[str, Any]:
    result = trafilatura.bare_extraction(
        doc.content,
        url=doc.url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=options.html_focus == "precision",
        favor_recall=options.html_focus == "recall",
        date_extraction_params=_DATE_PARAMS,
    )
    if result is None:
        raise ExtractionError("HTML without extractable main text")
    data: dict[str, Any] = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return data


def _authors(doc: RawDocument, value: str | None) -> list[str]:
    if doc.authors:
        return list(doc.authors)
    if not value:
        return []
    return [name.strip() for name in value.replace(" and ", ";").split(";") if name.strip()]


def _outlet(data: dict[str, Any], url: str | None) -> str | None:
    sitename = data.get("sitename")
    if isinstance(sitename, str) and sitename.strip() and "http" not in sitename:
        return sitename.strip()
    host = data.get("hostname") or (urlparse(url).hostname if url else None)
    return host.removeprefix("www.") if isinstance(host, str) and host else None


def _strip_title_line(text: str, title: str | None) -> str:
    """trafilatura repeats the headline as the first body line; the title has its own field."""
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():
            return rest.lstrip("\n")
    return text


def _published(doc: RawDocument, data: dict[str, Any], text: str) -> PublicationDate | None:
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


def extract_html(doc: RawDocument, options: ExtractOptions) -> Article:
    data = _trafilatura(doc, options)
    title = doc.title or (data.get("title") or None)
    text = _strip_title_line(str(data.get("text") or ""), title)
    published = _published(doc, data, text)
    language = detect_language(f"{title or ''}\n{text}", declared=doc.language)
    url = doc.url or (data.get("url") if isinstance(data.get("url"), str) else None)
    return Article(
        id=doc.id,
        source_id=doc.source_id,
        source=doc.source,
        url=url,
        title=title.strip() if title else None,
        outlet=_outlet(data, url),
        authors=_authors(doc, data.get("author")),
        published=published,
        published_estimate=None if published else estimate_from_text(text),
        language=language.code,
        language_confidence=language.confidence,
        text=text,
        removed_lines=[],
        extractor="html",
    )
