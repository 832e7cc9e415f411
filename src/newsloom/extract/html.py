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


def extract_html(doc: RawDocument, options: ExtractOptions) -> Article:
    tree = load_html(doc.content)
    data = page_extraction(doc, options, tree)
    url = doc.url or (data.get("url") if isinstance(data.get("url"), str) else None)
    sources = read_sources(tree)
    urls = [url, data.get("url") if isinstance(data.get("url"), str) else None]
    site = site_names(sources, urls)
    title = page_title(doc, data, sources, site)
    text = strip_title_line(str(data.get("text") or ""), title)
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
