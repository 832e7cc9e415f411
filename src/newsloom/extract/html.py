"""HTML pages → Article: the assembly of body, metadata and date.

Each part has its own module: ``html_body`` (trafilatura's main text), ``html_meta`` (title,
authors, outlet, from what ``html_sources`` reads) and ``html_dates`` (the publication date,
with provenance). The page is parsed once; trafilatura extracts from a copy of the tree. A page
without article text still yields its URL, title and date, carried by :class:`MetadataOnly`,
so ingest can count and log them instead of losing them.
"""

from __future__ import annotations

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsloom.extract import ExtractionError, ExtractOptions, MetadataOnly
from newsloom.extract.datelines import wire_source
from newsloom.extract.dates import estimate_from_text
from newsloom.extract.html_body import page_extraction, strip_title_line
from newsloom.extract.html_dates import page_published
from newsloom.extract.html_meta import page_authors, page_outlet, page_title, site_names
from newsloom.extract.html_sources import read_sources
from newsloom.extract.language import detect_language
from newsloom.model import Article, PageMetadata, PublicationDate, RawDocument

_MAX_KICKER_WORDS = 4
_DATELINE_LINES = 3  # a wire dateline opens the body: "BERLIN (dpa) – ..."


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
    try:
        data = page_extraction(doc, options, tree)
    except ExtractionError as exc:
        raise _metadata_only(str(exc), doc, _page_metadata(doc, tree)) from exc
    url = doc.url or (data.get("url") if isinstance(data.get("url"), str) else None)
    sources = read_sources(tree)
    urls = [url, data.get("url") if isinstance(data.get("url"), str) else None]
    site = site_names(sources, urls)
    title = page_title(doc, data, sources, site)
    text = _strip_headline(str(data.get("text") or ""), title, data.get("title"))
    published = page_published(doc, data, text)
    if len(text.strip()) < options.min_text_chars:  # the rule extract() applies to any input
        raise _metadata_only(f"no article text: {len(text.strip())} characters left after "
                             f"extraction", doc, (url, title, published))
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
        extractor="html" + (f"+cascade-{rule}" if isinstance(rule := data.get("cascade_rule"), str)
                            else ""),
        wire_source=wire_source(text.split("\n")[:_DATELINE_LINES]),
    )


#: URL, title and date found on a page.
_Found = tuple[str | None, str | None, PublicationDate | None]


def _page_metadata(doc: RawDocument, tree: HtmlElement | None) -> _Found:
    """URL, title and date of a page trafilatura found no main text in."""
    import trafilatura

    try:
        found = trafilatura.extract_metadata(doc.content, default_url=doc.url,
                                             date_config={"extensive_search": False,
                                                          "original_date": True})
    except Exception:  # a page too broken for metadata is an ordinary skip
        return doc.url, doc.title, page_published(doc, {}, "")
    data = {"title": found.title, "date": found.date, "url": found.url}
    url = doc.url or (found.url if isinstance(found.url, str) else None)
    sources = read_sources(tree)
    title = page_title(doc, data, sources, site_names(sources, [url]))
    return url, title, page_published(doc, data, "")


def _metadata_only(reason: str, doc: RawDocument, found: _Found) -> ExtractionError:
    """A :class:`MetadataOnly` when the page has a title or a date, else a plain skip."""
    url, title, published = found
    if not title and published is None:
        return ExtractionError(reason)
    return MetadataOnly(reason, PageMetadata(url, title, published))
