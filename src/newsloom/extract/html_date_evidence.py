"""Date evidence in an HTML page: every candidate publication (or modification) day, with
where it was found.

Nothing here decides; :mod:`newsloom.extract.html_dates` weighs the candidates. Each candidate
keeps the day *as the page writes it*: ``2018-06-19T05:50+09:00`` is 2018-06-19 (the local
day), never converted to UTC. A timestamp written in UTC (``Z`` or ``+00:00``) is flagged, since
its day may be one off from the publisher's local day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from lxml import html as lxml_html

from newsloom.extract.dates import date_from_url, find_byline_date, find_dates

#: What a candidate claims to be: the publication day, a later modification, or unknown.
DateKind = Literal["published", "modified", "unknown"]


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One day a page offers as its date, and the evidence for it."""

    day: date
    kind: DateKind
    origin: str  # e.g. "jsonld:datePublished", "meta:article:published_time", "url", "byline"
    utc: bool = False  # written as a UTC timestamp: its day may differ from the local day


# Structured-metadata fields, lower-cased. Published first; modified fields never give the
# publication date but show when another candidate is really an update.
_PUBLISHED_META = frozenset({
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "article.published", "published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "publish_date", "published-date", "date",
    "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article_date_original",
    "originalpublicationdate", "og:pubdate", "date_published", "citation_publication_date",
    "cxenseparse:recs:publishtime", "article.created", "datecreated", "content_pubdate",
})
_MODIFIED_META = frozenset({
    "article:modified_time", "og:updated_time", "article:updated_time", "og:article:modified_time",
    "datemodified", "last-modified", "lastmod", "dcterms.modified", "dc.date.modified",
    "modified", "updated", "revision_date", "article.updated", "parsely-updated",
})
_JSONLD_KEYS: dict[str, DateKind] = {
    "datePublished": "published", "dateCreated": "published", "uploadDate": "published",
    "dateModified": "modified",
}
_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)"
    r"(?:[T ](?P<time>\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(?P<tz>Z|[+-]\d\d:?\d\d)?)?"
)
_COMPACT = re.compile(r"^(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:\d{4,6})?$")
#: East Asian dates: 2018年6月19日 (also with spaces); Korean 2018년 6월 19일.
_CJK_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")


def parse_day(value: str) -> tuple[date, bool] | None:
    """The day a machine-readable date string states, and whether it is written in UTC."""
    text = value.strip()
    match = _ISO.search(text[:40])
    if match:
        tz = match["tz"] or ""
        utc = tz in ("Z", "+00:00", "+0000", "-00:00") and match["time"] is not None
        day = _day(match["y"], match["m"], match["d"])
        return (day, utc) if day else None
    compact = _COMPACT.match(text)
    if compact:
        day = _day(compact["y"], compact["m"], compact["d"])
        return (day, False) if day else None
    written = first_written_date(text)
    return (written, False) if written else None


def first_written_date(text: str) -> date | None:
    """The first full date written in prose: any supported language, or CJK 年月日."""
    cjk = _CJK_DATE.search(text)
    found = find_dates(text)
    if cjk and (not found or cjk.start() < found[0][1]):
        return _day(cjk[1], cjk[2], cjk[3])
    return found[0][0] if found else None


def _day(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_page(content: str) -> lxml_html.HtmlElement | None:
    """The page's element tree, or None for an empty or unparsable page."""
    # lxml refuses a str that declares its own encoding (XHTML pages); it is decoded already
    content = _XML_DECLARATION.sub("", content, count=1)
    try:
        return lxml_html.fromstring(content)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None


def structured_candidates(tree: lxml_html.HtmlElement) -> list[DateCandidate]:
    """JSON-LD, ``<meta>`` tags and ``<time>``/itemprop elements, in document order."""
    return [*_jsonld_candidates(tree), *_meta_candidates(tree), *_itemprop_candidates(tree)]


def _jsonld_candidates(tree: lxml_html.HtmlElement) -> Iterator[DateCandidate]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; other evidence remains
        for node in _nodes(data):
            kind_name = node.get("@type")
            kind_name = kind_name[0] if isinstance(kind_name, list) and kind_name else kind_name
            for key, kind in _JSONLD_KEYS.items():
                value = node.get(key)
                parsed = parse_day(value) if isinstance(value, str) else None
                if parsed:
                    yield DateCandidate(parsed[0], kind, f"jsonld:{kind_name or '?'}:{key}",
                                        parsed[1])


def _nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in a JSON-LD document (``@graph``, lists, nested ``mainEntity``)."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _nodes(value, depth + 1)


def _meta_candidates(tree: lxml_html.HtmlElement) -> Iterator[DateCandidate]:
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop")
                or meta.get("http-equiv") or "").strip().lower()
        kind: DateKind | None = ("published" if name in _PUBLISHED_META
                                 else "modified" if name in _MODIFIED_META else None)
        content = meta.get("content")
        if kind is None or not content:
            continue
        parsed = parse_day(content)
        if parsed:
            yield DateCandidate(parsed[0], kind, f"meta:{name}", parsed[1])


def _itemprop_candidates(tree: lxml_html.HtmlElement) -> Iterator[DateCandidate]:
    """``<time itemprop="datePublished" datetime=…>``, ``<time pubdate>`` and the like."""
    for element in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified' "
                              "or @pubdate or (self::time and @datetime)][not(self::meta)]"):
        prop = element.get("itemprop") or ""
        kind: DateKind = ("modified" if prop == "dateModified"
                          else "published" if prop == "datePublished" or
                          element.get("pubdate") is not None else "unknown")
        value = element.get("datetime") or element.get("content") or element.text_content()
        parsed = parse_day(value) if value else None
        if parsed:
            yield DateCandidate(parsed[0], kind, f"element:{prop or element.tag}", parsed[1])


def url_candidate(url: str | None) -> DateCandidate | None:
    found = date_from_url(url)
    return DateCandidate(date.fromisoformat(found.value), "published", "url") if found else None


# Words that mark a line's date as an update, not the publication (several languages).
_UPDATED = re.compile(
    r"\b(?:(?:last\s+)?updated?|modified|aktualisiert|zuletzt|geändert|stand|mis\s+à\s+jour|"
    r"actualisé|modifié|actualizad[oa]|actualización|aggiornat[oa]|bijgewerkt|gewijzigd|"
    r"zaktualizowan[oy]|aktualizacja|atualizad[oa]|обновлено|обновлен[оа]?)\b|更新|최종\s*수정",
    re.IGNORECASE,
)
_MAX_LINES = 15  # a byline or dateline sits near the top of the text


def text_candidates(text: str) -> list[DateCandidate]:
    """Dates on short lines at the top of the main text: a dateline, or an "updated" line.

    A line with both a publication and an update date ("Published 3 May, updated 4 May")
    gives the first date as published only when no update word precedes it.
    """
    found: list[DateCandidate] = []
    for line in text.split("\n")[:_MAX_LINES]:
        byline = find_byline_date([line])
        written = first_written_date(line) if len(line) <= 120 else None
        day = date.fromisoformat(byline[0].value) if byline else written
        if day is None:
            continue
        updated = _UPDATED.search(line)
        position = _date_position(line)
        kind: DateKind = ("modified" if updated and updated.start() < position else "published")
        found.append(DateCandidate(day, kind, "updated-line" if kind == "modified" else "byline"))
    return found


def _date_position(line: str) -> int:
    cjk = _CJK_DATE.search(line)
    dates = find_dates(line)
    positions = [p for p in (cjk.start() if cjk else None, dates[0][1] if dates else None)
                 if p is not None]
    return min(positions) if positions else len(line)
