"""What a polled source lists: the entries of an RSS/Atom feed (feedparser) or the URLs of a
(news) sitemap, each with a fingerprint that changes when the entry says the page changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urljoin

import feedparser
from lxml import etree

from newsloom.ingest.feed import entry_published

_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@dataclass(frozen=True, slots=True)
class ListedPage:
    """An article page a source lists."""

    url: str
    fingerprint: str  # entry id + its updated/published date: a change means "fetch again"
    title: str | None = None
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    kind: str  # "feed", "sitemap" or "sitemap index"
    title: str | None
    pages: list[ListedPage]
    sitemaps: list[str] = field(default_factory=list)  # a sitemap index's sitemaps


class NotAListing(ValueError):
    """The body is neither a feed nor a sitemap."""


def _fingerprint(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:16]


def parse_listing(body: bytes, base_url: str) -> Listing:
    """The pages a feed or sitemap lists, in its order (NotAListing if it is neither)."""
    head = body[:2048].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body, base_url)
    return _feed(body, base_url)


def _feed(body: bytes, base_url: str) -> Listing:
    feed = feedparser.parse(body)
    if not feed.entries and (feed.bozo or not feed.get("version")):
        raise NotAListing(f"not a feed or sitemap: {feed.get('bozo_exception') or 'no entries'}")
    pages = []
    for entry in feed.entries:
        link = entry.get("link")
        if not link:
            continue
        url = urljoin(base_url, link)
        # dict.get: feedparser's own get maps "updated" to "published" with a warning
        updated = dict.get(entry, "updated") or dict.get(entry, "published")
        pages.append(ListedPage(url, _fingerprint(entry.get("id") or url, updated),
                                entry.get("title"), entry_published(entry),
                                entry.get("language") or feed.feed.get("language")))
    return Listing("feed", feed.feed.get("title"), pages)


def _sitemap(body: bytes, base_url: str) -> Listing:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotAListing(f"unparseable sitemap: {exc}") from exc
    if root.tag == f"{_SITEMAP}sitemapindex":
        locs = (node.findtext(f"{_SITEMAP}loc") for node in root.iter(f"{_SITEMAP}sitemap"))
        return Listing("sitemap index", None, [], [urljoin(base_url, loc.strip())
                                                   for loc in locs if loc and loc.strip()])
    pages = []
    for node in root.iter(f"{_SITEMAP}url"):
        loc = node.findtext(f"{_SITEMAP}loc")
        if not loc or not loc.strip():
            continue
        news = node.find(f"{_NEWS}news")
        published = lastmod = node.findtext(f"{_SITEMAP}lastmod")
        title = language = None
        if news is not None:
            published = news.findtext(f"{_NEWS}publication_date") or published
            title = news.findtext(f"{_NEWS}title")
            language = news.findtext(f"{_NEWS}publication/{_NEWS}language")
        url = urljoin(base_url, loc.strip())
        pages.append(ListedPage(url, _fingerprint(url, lastmod or published), title,
                                published, language))
    return Listing("sitemap", None, pages)
