"""newsloom fetch's polling round against a loopback site: what is fetched, what is stored,
and how politely (robots.txt, per-host rate, conditional GETs, retries, size limits)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor_server import Site, article_page, rss, serve_site
from newsloom.monitor.feeds import parse_listing
from newsloom.monitor.http import FetchPolicy, PoliteClient
from newsloom.monitor.poll import poll_round
from newsloom.store import open_store
from newsloom.store.ports import Backend

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EVERY = timedelta(minutes=15)
DATE = "Mon, 02 Mar 2026 09:00:00 GMT"
UA = "newsloom-test/1.0"


def policy(rate: float = 50.0, retries: int = 1, timeout: float = 2.0,
           max_bytes: int = 1_000_000, concurrency: int = 2) -> FetchPolicy:
    return FetchPolicy(UA, rate, concurrency, timeout, retries, max_bytes, backoff=0.05)


def _page(n: int) -> str:
    return article_page(f"Harbour story number {n}", [
        f"The harbour authority of Port Example announced plan number {n} on Monday, "
        "saying that the new quay would open to ferries before the summer season begins.",
        "Officials said the work would cost about four million euros and employ ninety "
        "people from the town, most of them hired through the local training college.",
        "Residents welcomed the news at a public meeting in the town hall on Monday evening, "
        "although some asked whether the old fish market would have to close for good."],
        "2026-03-02T09:00:00Z")


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as served:
        yield served


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Backend]:
    opened = open_store(tmp_path / "news.db")
    yield opened
    opened.close()


def _feed(site: Site, paths: list[str], date: str = DATE) -> None:
    site.put("/feed.xml", rss("Example News", [(f"{site.url}{p}", f"Story {p}", date)
                                               for p in paths]),
             content_type="application/rss+xml")


def test_a_round_stores_the_listed_pages_and_obeys_robots(site: Site, store: Backend) -> None:
    site.put("/robots.txt", "User-agent: newsloom-test\nDisallow: /private/\n",
             content_type="text/plain")
    for n in (1, 2):
        site.put(f"/news/{n}.html", _page(n))
    site.put("/private/3.html", _page(3))
    site.put("/moved.html", status=301, location="/news/4.html")
    site.put("/news/4.html", _page(4))
    _feed(site, ["/news/1.html", "/news/2.html", "/private/3.html", "/gone.html", "/moved.html"])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy()) as client:
        report = poll_round(store, client, NOW, EVERY)
    assert (report.sources, report.listed, report.fetched, report.page_errors) == (1, 5, 3, 2)
    assert report.ingest.added == 3 and report.ingest.unaccounted == 0
    assert "/private/3.html" not in site.paths()  # robots.txt: never asked for
    assert {h.user_agent for h in site.hits} == {UA}
    stored = {a.url for a in store.articles()}
    assert stored == {f"{site.url}/news/{n}.html" for n in (1, 2, 4)}
    (source,) = store.sources()
    assert (source.kind, source.title, source.last_success, source.last_error) == (
        "feed", "Example News", NOW.isoformat(timespec="seconds"), None)
    assert source.next_poll == (NOW + EVERY).isoformat(timespec="seconds")
    # the 404 and the disallowed page are remembered (not asked again), the stored ones too
    listed = [f"{site.url}{p}" for p in ("/gone.html", "/private/3.html", "/news/1.html")]
    assert set(store.entry_fingerprints(listed)) == set(listed)


def test_a_304_costs_no_page_fetch_and_a_changed_entry_is_fetched_again(
        site: Site, store: Backend) -> None:
    for n in (1, 2):
        site.put(f"/news/{n}.html", _page(n))
    _feed(site, ["/news/1.html", "/news/2.html"])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy()) as client:
        poll_round(store, client, NOW, EVERY)
    before = len(site.hits)
    with PoliteClient(policy()) as client:  # a later run: robots.txt read again, feed is 304
        report = poll_round(store, client, NOW + EVERY, EVERY)
    later = [h for h in site.hits[before:] if h.path != "/robots.txt"]
    assert [(h.path, h.status) for h in later] == [("/feed.xml", 304)]
    assert report.not_modified == 1 and report.fetched == 0
    # a new feed body (so no 304) where only entry 2 says it was updated
    _feed(site, ["/news/1.html"])
    site.routes["/feed.xml"].body = rss("Example News", [
        (f"{site.url}/news/1.html", "Story 1", DATE),
        (f"{site.url}/news/2.html", "Story 2", "Mon, 02 Mar 2026 11:00:00 GMT")]).encode()
    before = len(site.hits)
    with PoliteClient(policy()) as client:
        report = poll_round(store, client, NOW + 2 * EVERY, EVERY)
    pages = [h.path for h in site.hits[before:] if h.path.startswith("/news/")]
    assert pages == ["/news/2.html"] and report.known == 1
    assert report.ingest.unchanged == 1  # same content: the store keeps one copy


def test_no_host_gets_more_than_the_configured_rate(store: Backend) -> None:
    rate = 8.0
    with serve_site() as one, serve_site() as two:
        for site in (one, two):
            for n in range(6):
                site.put(f"/news/{n}.html", _page(n))
            _feed(site, [f"/news/{n}.html" for n in range(6)])
            store.add_source(f"{site.url}/feed.xml", "T0")
        with PoliteClient(policy(rate=rate)) as client:
            report = poll_round(store, client, NOW, EVERY)
        assert report.fetched == 12
        for site in (one, two):
            times = [h.at for h in site.hits]
            assert len(times) == 8  # robots.txt, the feed, six pages
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert min(gaps) >= 0.8 / rate, gaps  # arrival jitter aside, never faster
            # both hosts were crawled at once, not one after the other
        assert one.hits[0].at < two.hits[-1].at and two.hits[0].at < one.hits[-1].at


@pytest.mark.parametrize("concurrency", [1, 3])
def test_no_host_gets_more_requests_at_once_than_allowed(
        site: Site, store: Backend, concurrency: int) -> None:
    for n in range(8):
        site.put(f"/news/{n}.html", _page(n), delay=0.25)  # slow pages overlap if allowed
    _feed(site, [f"/news/{n}.html" for n in range(8)])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy(rate=1000.0, concurrency=concurrency)) as client:
        assert poll_round(store, client, NOW, EVERY).fetched == 8
    assert site.most_in_flight == concurrency


def test_failures_are_retried_with_backoff_and_shown_on_the_source(
        site: Site, store: Backend) -> None:
    site.put("/feed.xml", status=500)
    site.put("/slow.xml", rss("Slow", []), delay=1.0)
    store.add_source(f"{site.url}/feed.xml", "T0")
    store.add_source(f"{site.url}/slow.xml", "T1")
    with PoliteClient(policy(retries=2, timeout=0.3)) as client:
        report = poll_round(store, client, NOW, EVERY)
    assert report.failed == 2
    assert site.paths().count("/feed.xml") == 3  # the first try and two retries
    failing, slow = store.sources()
    assert (failing.last_error, failing.failures, failing.last_success) == ("http 500", 1, None)
    assert failing.next_poll == (NOW + 2 * EVERY).isoformat(timespec="seconds")
    assert slow.last_error is not None and slow.last_error.startswith("timed out")
    with PoliteClient(policy(retries=0)) as client:  # not due yet: not polled
        assert poll_round(store, client, NOW + EVERY, EVERY).sources == 0


def test_pages_over_the_size_limit_are_refused_unread(site: Site, store: Backend) -> None:
    site.put("/news/big.html", _page(1) + "<!--" + "x" * 50_000 + "-->")
    _feed(site, ["/news/big.html"])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy(max_bytes=20_000)) as client:
        report = poll_round(store, client, NOW, EVERY)
    assert report.page_errors == 1 and report.fetched == 0 and store.count_articles() == 0


def test_news_sitemaps_list_their_pages_with_dates_and_titles() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>/a.html</loc><news:news><news:publication><news:name>Ex</news:name>
    <news:language>fr</news:language></news:publication>
    <news:publication_date>2026-03-02T08:00:00Z</news:publication_date>
    <news:title>Le port</news:title></news:news></url>
  <url><loc>https://other.example/b.html</loc><lastmod>2026-03-01</lastmod></url>
</urlset>"""
    listing = parse_listing(body, "http://127.0.0.1:9/sitemap.xml")
    assert listing.kind == "sitemap"
    a, b = listing.pages
    assert (a.url, a.title, a.language, a.published) == (
        "http://127.0.0.1:9/a.html", "Le port", "fr", "2026-03-02T08:00:00Z")
    assert (b.url, b.published) == ("https://other.example/b.html", "2026-03-01")
    changed = parse_listing(body.replace(b"2026-03-01", b"2026-03-03"), "http://x/")
    assert changed.pages[1].fingerprint != b.fingerprint


def test_fetch_every_takes_durations_and_opml_lists_feeds() -> None:
    from newsloom.monitor.cycle import parse_every
    from newsloom.monitor.opml import opml_feeds

    assert parse_every("15m") == timedelta(minutes=15) == parse_every("15")
    assert parse_every("90s") == timedelta(seconds=90) and parse_every("1h") == timedelta(hours=1)
    for bad in ("", "0m", "soon", "-5m"):
        with pytest.raises(ValueError):
            parse_every(bad)
    opml = b"""<?xml version="1.0"?><opml version="2.0"><body><outline text="News">
      <outline type="rss" text="A" xmlUrl="https://a.example/rss"/>
      <outline type="rss" text="B" xmlUrl="https://b.example/atom.xml"/>
      <outline type="rss" text="A again" xmlUrl="https://a.example/rss"/></outline></body></opml>"""
    assert opml_feeds(opml) == ["https://a.example/rss", "https://b.example/atom.xml"]
    with pytest.raises(ValueError):
        opml_feeds(b"<rss/>")


def test_a_sitemap_index_is_followed_one_level(site: Site, store: Backend) -> None:
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    site.put("/sitemap-index.xml", f'<?xml version="1.0"?><sitemapindex {ns}>'
             "<sitemap><loc>/sitemap-news.xml</loc></sitemap>"
             "<sitemap><loc>/missing.xml</loc></sitemap></sitemapindex>",
             content_type="application/xml")
    site.put("/sitemap-news.xml", f'<?xml version="1.0"?><urlset {ns}>'
             "<url><loc>/news/1.html</loc><lastmod>2026-03-02</lastmod></url>"
             "<url><loc>/news/2.html</loc><lastmod>2026-03-02</lastmod></url></urlset>",
             content_type="application/xml")
    for n in (1, 2):
        site.put(f"/news/{n}.html", _page(n))
    store.add_source(f"{site.url}/sitemap-index.xml", "T0")
    with PoliteClient(policy()) as client:
        report = poll_round(store, client, NOW, EVERY)
    assert (report.listed, report.fetched, report.ingest.added) == (2, 2, 2)
    (source,) = store.sources()
    assert (source.kind, source.last_error) == ("sitemap index", None)
    assert "/missing.xml" in site.paths()


def test_a_listed_url_that_is_not_a_page_is_remembered_with_why(
        site: Site, store: Backend) -> None:
    site.put("/news/photo.jpg", b"\x00\xff\xd8binary", content_type="image/jpeg")
    _feed(site, ["/news/photo.jpg"])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy()) as client:
        report = poll_round(store, client, NOW, EVERY)
    assert report.ingest.skipped == 1 and report.ingest.unaccounted == 0
    assert store.count_articles() == 0 and [s.source for s in store.skipped()] == [
        f"{site.url}/news/photo.jpg"]
    assert set(store.entry_fingerprints([f"{site.url}/news/photo.jpg"])) == {
        f"{site.url}/news/photo.jpg"}  # not fetched again while its entry stays the same


def test_a_page_that_failed_for_now_is_fetched_next_round(site: Site, store: Backend) -> None:
    site.put("/news/1.html", _page(1))
    site.put("/news/2.html", status=503)
    _feed(site, ["/news/1.html", "/news/2.html"])
    store.add_source(f"{site.url}/feed.xml", "T0")
    with PoliteClient(policy(retries=0)) as client:
        assert poll_round(store, client, NOW, EVERY).ingest.added == 1
    assert store.sources()[0].etag is None  # the feed's ETag waits for page 2
    site.put("/news/2.html", _page(2))
    with PoliteClient(policy(retries=0)) as client:
        report = poll_round(store, client, NOW + EVERY, EVERY)
    assert (report.not_modified, report.known, report.ingest.added) == (0, 1, 1)
    assert store.sources()[0].etag is not None  # all settled: the next poll may be a 304
    with PoliteClient(policy(retries=0)) as client:
        assert poll_round(store, client, NOW + 2 * EVERY, EVERY).not_modified == 1
