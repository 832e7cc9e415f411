"""HTML pages → Article: the assembly of body, metadata and date.

Each part has its own module: ``html_body`` (trafilatura's main text), ``html_meta`` (title,
authors, outlet, from what ``html_sources`` reads) and ``html_dates`` (the publication date,
with provenance). The page is parsed once; trafilatura extracts from a copy of the tree.
"""

from __future__ import annotations

from trafilatura.utils import load_html

from newsloom.extract import ExtractOptions
from newsloom.extract.dates import estimate_from_text
from newsloom.extract.html_body import page_extraction, strip_title_line
from newsloom.extract.html_dates import page_published
from newsloom.extract.html_meta import page_authors, page_outlet, page_title, site_names
from newsloom.extract.html_sources import read_sources
from newsloom.extract.language import detect_language
from newsloom.model import Article, RawDocument

_MAX_KICKER_WORDS = 4


def _strip_headline(text: str, title: str | None, extracted_title: object) -> str:
    """trafilatura's text opens with the heading it took for the title; ours may differ from
    it by a kicker ("Harbour Harbour reopens ...") or be another candidate altogether."""
    first = text.partition("\n")[0].strip()
    if title and first.endswith(title.strip()) and (
            len(first.split()) - len(title.split()) <= _MAX_KICKER_WORDS):
        return strip_title_line(text, first)
    if isinstance(extracted_title, str) and first == extracted_title.strip():
        return strip_title_line(text, first)
    return strip_title_line(text, title)


def extract_html(doc: RawDocument, options: ExtractOptions) -> Article:
    tree = load_html(doc.content)
    data = page_extraction(doc, options, tree)
    url = doc.url or (data.get("url") if isinstance(data.get("url"), str) else None)
    sources = read_sources(tree)
    urls = [url, data.get("url") if isinstance(data.get("url"), str) else None]
    site = site_names(sources, urls)
    title = page_title(doc, data, sources, site)
    text = _strip_headline(str(data.get("text") or ""), title, data.get("title"))
    published = page_published(doc, data, text)
    language = detect_language(f"{title or ''}\n{text}", declared=doc.language)
    return Article(
        id=doc.id,
        source_id=doc.source_id,
        source=doc.source,
        url=url,
        title=title,
        outlet=page_outlet(sources, urls, title, site),
        authors=page_authors(doc, data, sources, site),
        published=published,
        published_estimate=None if published else estimate_from_text(text),
        language=language.code,
        language_confidence=language.confidence,
        text=text,
        removed_lines=[],
        extractor="html",
    )
