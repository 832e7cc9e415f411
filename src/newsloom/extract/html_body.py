"""The main text of an HTML page, with trafilatura; its metadata dict comes along.

With the default focus (precision) the text goes through the body cascade of
:mod:`newsloom.extract.html_cascade`: trafilatura runs a second time, in recall mode and
without metadata (the costly part of the first run), and what recall adds is taken only
where the line classifier agrees it is article text.
"""

from __future__ import annotations

from typing import Any

import trafilatura
from lxml.html import HtmlElement

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.extract.html_cascade import cascade
from newsloom.model import RawDocument

_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _as_dict(result: Any) -> dict[str, Any]:
    return result.as_dict() if hasattr(result, "as_dict") else dict(result)


def _recall_text(doc: RawDocument, tree: HtmlElement | None) -> str | None:
    result = trafilatura.bare_extraction(tree if tree is not None else doc.content,
                                         url=doc.url, with_metadata=False,
                                         include_comments=False, include_tables=True,
                                         favor_recall=True)
    return None if result is None else str(_as_dict(result).get("text") or "")


def page_extraction(doc: RawDocument, options: ExtractOptions,
                    tree: HtmlElement | None = None) -> dict[str, Any]:
    """trafilatura's result as a dict: ``text`` plus its metadata fields (title, date, ...).

    ``tree`` is the page already parsed (trafilatura works on a copy of it).
    ``cascade_rule`` names the cascade rule that changed the text, if any.
    """
    precision = options.html_focus == "precision"
    result = trafilatura.bare_extraction(
        tree if tree is not None else doc.content,
        url=doc.url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=precision,
        favor_recall=options.html_focus == "recall",
        date_extraction_params=_DATE_PARAMS,
    )
    data: dict[str, Any] = {} if result is None else _as_dict(result)
    if precision and options.html_cascade:
        title = data.get("title") if isinstance(data.get("title"), str) else None
        # Precision found nothing: recall's text may still hold an article the classifier keeps.
        recall = _recall_text(doc, tree)
        body = cascade(strip_title_line(str(data.get("text") or ""), title),
                       strip_title_line(recall or "", title), language=doc.language)
        if result is None and not body.text:
            raise ExtractionError("HTML without extractable main text")
        data["text"], data["cascade_rule"] = body.text, body.rule
    elif result is None:
        raise ExtractionError("HTML without extractable main text")
    return data


def strip_title_line(text: str, title: str | None) -> str:
    """trafilatura repeats the headline as the first body line; the title has its own field."""
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():
            return rest.lstrip("\n")
    return text
