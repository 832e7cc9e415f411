"""What an HTML page declares about itself: title candidates, authors, site names.

Read once from the parsed tree (the same tree trafilatura extracts from): OpenGraph and
Twitter tags, ``<meta name="author">``, JSON-LD objects (``headline``, ``author`` as a
string, an object or a list, ``publisher``), the ``<title>`` and the ``<h1>`` headings with
their kicker ("roofline", ``<small>``) removed, and © lines.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

LOGGER = logging.getLogger(__name__)

# A label above the headline inside the <h1> ("Klimaschutz", "Einheit der Woche"), or text
# only screen readers see; it is not part of the headline.
_KICKER_CLASS = re.compile(r"kicker|overline|roofline|topline|dachzeile|eyebrow|supertitle|"
                           r"label|topic|visually-hidden|sr-only|screen-reader", re.IGNORECASE)
_ARTICLE_TYPES = re.compile(r"article|posting|report|story|webpage|review|recipe|howto",
                            re.IGNORECASE)
_ORGANISATION_TYPES = re.compile(r"organi[sz]ation|corporation|newsmedia", re.IGNORECASE)
_MAX_HEADINGS = 8
_MAX_JSON_CHARS = 200_000


@dataclass(slots=True)
class PageSources:
    """Metadata candidates of one page, in the page's own words."""

    og_title: str | None = None
    twitter_title: str | None = None
    html_title: str | None = None
    ld_headlines: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    #: og:site_name, JSON-LD WebSite name, application-name.
    site_names: list[str] = field(default_factory=list)
    #: <meta name="publisher">, JSON-LD publisher (not a Person): often a company's legal
    #: name, so they name the outlet only after the site names.
    publishers: list[str] = field(default_factory=list)
    ld_authors: list[str] = field(default_factory=list)  # people, in JSON-LD order
    ld_org_authors: list[str] = field(default_factory=list)  # organisations as "author"
    meta_authors: list[str] = field(default_factory=list)
    copyright_lines: list[str] = field(default_factory=list)
    copyright_meta: list[str] = field(default_factory=list)  # <meta name="copyright">


def _text(element: HtmlElement) -> str:
    text = " ".join(" ".join(element.itertext()).replace("\xad", "").split())
    return text.strip(" :|-–—")


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-cased ``property`` or ``name``, in one pass."""
    tags: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key, content = meta.get("property") or meta.get("name"), meta.get("content")
        if key and content and content.strip():
            tags.setdefault(key.strip().casefold(), []).append(" ".join(content.split()))
    return tags


def _heading_parts(element: HtmlElement) -> Iterator[str]:
    """The heading's text pieces, skipping kicker elements but not the text after them."""
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str) and not (
                child.tag == "small" or _KICKER_CLASS.search(child.get("class") or "")):
            yield from _heading_parts(child)
        if child.tail:
            yield child.tail


def _heading(element: HtmlElement) -> str:
    """The heading's text without its kicker."""
    text = " ".join(" ".join(_heading_parts(element)).replace("\xad", "").split())
    return text.strip(" :|-–—")


def _json_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, lists and ``@graph``."""
    if isinstance(value, list):
        for item in value:
            yield from _json_objects(item)
    elif isinstance(value, dict):
        yield value
        yield from _json_objects(value.get("@graph"))


def _types(obj: dict[str, Any]) -> str:
    kind = obj.get("@type")
    return " ".join(k for k in kind if isinstance(k, str)) if isinstance(kind, list) else str(
        kind or "")


def _person_name(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return name
        parts = [value.get(k) for k in ("givenName", "additionalName", "familyName")]
        joined = " ".join(p for p in parts if isinstance(p, str))
        return joined or None
    return None


def _resolved(value: Any, ids: dict[str, dict[str, Any]]) -> Any:
    """A ``{"@id": ...}`` reference replaced by the object it points to (Yoast-style graphs
    name the author and publisher once and refer to them)."""
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return ids.get(value["@id"], value)
    return value


def _read_json_ld(obj: dict[str, Any], ids: dict[str, dict[str, Any]],
                  sources: PageSources) -> None:
    kind = _types(obj)
    headline = obj.get("headline")
    if isinstance(headline, str) and headline.strip():
        sources.ld_headlines.append(" ".join(html.unescape(headline).split()))
    authors = obj.get("author")
    if authors is not None and (headline or _ARTICLE_TYPES.search(kind)):
        for author in authors if isinstance(authors, list) else [authors]:
            author = _resolved(author, ids)
            name = _person_name(author)
            if not name:
                continue
            is_org = isinstance(author, dict) and _ORGANISATION_TYPES.search(_types(author))
            (sources.ld_org_authors if is_org else sources.ld_authors).append(name)
    publisher = _resolved(obj.get("publisher"), ids)
    if (isinstance(publisher, dict) and isinstance(publisher.get("name"), str)
            and "person" not in _types(publisher).casefold()):  # a blogger is no outlet
        sources.publishers.append(publisher["name"])
    if re.search(r"\bwebsite\b", kind, re.IGNORECASE) and isinstance(obj.get("name"), str):
        sources.site_names.append(obj["name"])


def _json_ld(tree: HtmlElement, sources: PageSources) -> None:
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        if not raw.strip() or len(raw) > _MAX_JSON_CHARS:
            continue
        try:
            objects.extend(_json_objects(json.loads(raw, strict=False)))
        except ValueError as exc:
            LOGGER.debug("unreadable JSON-LD block skipped: %s", exc)
    ids = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    for obj in objects:
        _read_json_ld(obj, ids, sources)


def read_sources(tree: HtmlElement | None) -> PageSources:
    """The page's metadata candidates; an unparsable page has none."""
    sources = PageSources()
    if tree is None:
        return sources
    meta = _meta_tags(tree)
    sources.og_title = next(iter(meta.get("og:title", ())), None)
    sources.twitter_title = next(iter(meta.get("twitter:title", ())), None)
    title = tree.find(".//title")
    sources.html_title = _text(title) if title is not None else None
    for h1 in tree.xpath("//h1")[:_MAX_HEADINGS]:
        text = _heading(h1)
        if text and len(text) <= 300:
            sources.headings.append(text)
    sources.site_names = list(meta.get("og:site_name", ()))
    _json_ld(tree, sources)
    sources.site_names += meta.get("application-name", [])
    sources.publishers[:0] = [*meta.get("publisher", ()), *meta.get("dc.publisher", ())]
    sources.copyright_meta = list(meta.get("copyright", ()))
    sources.meta_authors = [*meta.get("author", ()), *meta.get("article:author", ())]
    sources.copyright_lines = [" ".join(str(t).split()) for t in
                               tree.xpath("//body//text()[contains(., '©') or "
                                          "contains(., 'Copyright')]")[:20]]
    return sources
