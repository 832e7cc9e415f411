"""The main text of an HTML page, with trafilatura; its metadata dict comes along."""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml.html import HtmlElement

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.model import RawDocument

_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def page_extraction(doc: RawDocument, options: ExtractOptions,
                    tree: HtmlElement | None = None) -> dict[str, Any]:
    """trafilatura's result as a dict: ``text`` plus its metadata fields (title, date, ...).
    ``tree`` is the page already parsed (trafilatura works on a copy of it)."""
    result = trafilatura.bare_extraction(
        tree if tree is not None else doc.content,
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


def strip_title_line(text: str, title: str | None) -> str:
    """trafilatura repeats the headline as the first body line; the title has its own field."""
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():
            return rest.lstrip("\n")
    return text
