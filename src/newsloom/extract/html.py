"""HTML pages → Article: the assembly of body, metadata and date.

Each part has its own module: ``html_body`` (trafilatura's main text), ``html_meta`` (title,
authors, outlet) and ``html_dates`` (the publication date, with provenance).
"""

from __future__ import annotations

from newsloom.extract import ExtractOptions
from newsloom.extract.dates import estimate_from_text
from newsloom.extract.html_body import page_extraction, strip_title_line
from newsloom.extract.html_dates import page_published
from newsloom.extract.html_meta import page_authors, page_outlet, page_title
from newsloom.extract.language import detect_language
from newsloom.model import Article, RawDocument


def extract_html(doc: RawDocument, options: ExtractOptions) -> Article:
    data = page_extraction(doc, options)
    title = page_title(doc, data)
    text = strip_title_line(str(data.get("text") or ""), title)
    published = page_published(doc, data, text)
    language = detect_language(f"{title or ''}\n{text}", declared=doc.language)
    url = doc.url or (data.get("url") if isinstance(data.get("url"), str) else None)
    return Article(
        id=doc.id,
        source_id=doc.source_id,
        source=doc.source,
        url=url,
        title=title,
        outlet=page_outlet(data, url),
        authors=page_authors(doc, data.get("author")),
        published=published,
        published_estimate=None if published else estimate_from_text(text),
        language=language.code,
        language_confidence=language.confidence,
        text=text,
        removed_lines=[],
        extractor="html",
    )
