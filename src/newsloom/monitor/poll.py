"""One polling round of ``newsloom fetch``: the due sources are fetched (conditionally), the
pages they list that are new or whose entry changed are fetched, and the pages go through the
ingest pipeline in committed batches, as ``analyze`` stores files.

Hosts are polled in parallel (pages: as many threads per host as it may have requests in
flight); the client paces each host's requests (monitor/http.py). Only this thread writes to
the store. Resumable and idempotent: a page is remembered with its entry's fingerprint once
its batch is committed, so an interrupted round refetches at most the batch in flight, and a
page whose entry did not change is never fetched again. A page that failed for a reason that
may pass (5xx, timeout) is not remembered, so the next round tries it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from newsloom.ingest.decode import BadInput
from newsloom.ingest.files import html_document
from newsloom.model import IngestStats, RawDocument, Skip
from newsloom.model.monitoring import PollOutcome, SeenEntry, Source
from newsloom.monitor.feeds import ListedPage, NotAListing, parse_listing
from newsloom.monitor.http import Fetched, PoliteClient, host_of
from newsloom.pipeline.ingest import IngestRun, extract_or_skip
from newsloom.settings import settings
from newsloom.store.ports import IngestSink, SourceRegistry

log = logging.getLogger("newsloom")

#: The longest a failing source waits between polls (its back-off doubles up to here).
MAX_BACKOFF = timedelta(hours=24)
_MAX_THREADS = 8
#: Sitemaps read from one sitemap index per round (news sites list their recent ones first).
MAX_SITEMAPS = 50
T = TypeVar("T")


class PollSink(SourceRegistry, IngestSink, Protocol):
    """What a polling round writes: source state, seen entries and the documents."""


@dataclass(slots=True)
class PollReport:
    sources: int = 0  # due sources polled
    not_modified: int = 0  # answered 304: nothing else fetched
    failed: int = 0  # sources whose poll failed (see `newsloom sources list`)
    listed: int = 0  # pages listed by the sources that answered
    known: int = 0  # listed pages fetched before, their entry unchanged
    fetched: int = 0  # pages fetched and handed to the pipeline
    page_errors: int = 0  # pages not fetched (robots.txt, 4xx, 5xx, timeouts, too large)
    requests: int = 0
    ingest: IngestStats = field(default_factory=IngestStats)


@dataclass(frozen=True, slots=True)
class _Page:
    listed: ListedPage
    source_url: str


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def due_sources(sources: Iterable[Source], now: datetime) -> list[Source]:
    return [s for s in sources if s.next_poll is None or s.next_poll <= _iso(now)]


def poll_round(store: PollSink, client: PoliteClient, now: datetime, every: timedelta,
               due_only: bool = True, on_batch: Callable[[int], None] | None = None
               ) -> PollReport:
    """Poll the (due) sources and ingest what they list anew; ``on_batch(articles)`` after
    each committed ingest batch."""
    report = PollReport()
    sources = due_sources(store.sources(), now) if due_only else store.sources()
    report.sources = len(sources)
    pages: dict[str, _Page] = {}
    answered: dict[str, PollOutcome] = {}
    for source, got in _by_host(sources, lambda s: s.url, lambda s: _fetch_source(client, s)):
        pages.update(_record_poll(store, client, source, got, now, every, report, answered))
    known = store.entry_fingerprints(pages)
    fresh = [p for url, p in pages.items() if known.get(url) != p.listed.fingerprint]
    report.known = len(pages) - len(fresh)
    retry = _ingest_pages(store, client, fresh, report, _iso(now), on_batch)
    # A source's validators are kept only once all it listed is settled: else a 304 next
    # round would hide a page that is still to be fetched (after a crash, or a 5xx).
    for url, outcome in answered.items():
        if url not in retry:
            store.save_poll(outcome)
    report.requests = client.requests
    return report


def _fetch_source(client: PoliteClient, source: Source) -> Fetched:
    return client.get(source.url, source.etag, source.last_modified)


def _record_poll(store: PollSink, client: PoliteClient, source: Source, got: Fetched,
                 now: datetime, every: timedelta, report: PollReport,
                 answered: dict[str, PollOutcome]) -> dict[str, _Page]:
    """Save the source's state after its poll, without the new validators (they go in
    ``answered``, saved when the round has stored what the source lists); its pages."""
    at = _iso(now)
    if got.status == 304:
        report.not_modified += 1
        store.save_poll(PollOutcome(source.url, at, _iso(now + every), True,
                                    etag=got.etag or source.etag,
                                    last_modified=got.last_modified or source.last_modified))
        return {}
    error = got.error
    listing = None
    if got.ok:
        try:
            listing = parse_listing(got.body, got.url)
        except NotAListing as exc:
            error = str(exc)
    if listing is None:
        report.failed += 1
        backoff = min(every * 2 ** (source.failures + 1), MAX_BACKOFF)
        log.warning("polling %s failed: %s", source.url, error)
        store.save_poll(PollOutcome(source.url, at, _iso(now + backoff), False, error=error))
        return {}
    done = PollOutcome(source.url, at, _iso(now + every), True, kind=listing.kind,
                       title=listing.title, etag=got.etag, last_modified=got.last_modified)
    store.save_poll(replace(done, etag=None, last_modified=None))
    answered[source.url] = done
    pages = listing.pages + _index_pages(client, listing.sitemaps)
    report.listed += len(pages)
    return {p.url: _Page(p, source.url) for p in pages}


def _index_pages(client: PoliteClient, sitemaps: Sequence[str]) -> list[ListedPage]:
    """The pages of a sitemap index's sitemaps (one level, the first MAX_SITEMAPS); one that
    fails is logged and tried again next round with the index."""
    pages: list[ListedPage] = []
    for url in sitemaps[:MAX_SITEMAPS]:
        got = client.get(url)
        try:
            if not got.ok:
                raise NotAListing(got.error or f"http {got.status}")
            pages.extend(parse_listing(got.body, got.url).pages)
        except NotAListing as exc:
            log.warning("sitemap %s skipped: %s", url, exc)
    return pages


def _by_host(items: Sequence[T], url_of: Callable[[T], str], work: Callable[[T], Fetched],
             per_host: int = 1) -> Iterator[tuple[T, Fetched]]:
    """``work`` on every item, ``per_host`` threads per host (the client paces each host and
    caps its requests in flight), results as they come."""
    hosts: dict[str, list[T]] = {}
    for item in items:
        hosts.setdefault(host_of(url_of(item)), []).append(item)
    groups = [group[i::per_host] for group in hosts.values() for i in range(per_host)
              if group[i::per_host]]
    if not groups:
        return

    def run(group: list[T]) -> list[tuple[T, Fetched]]:
        return [(item, work(item)) for item in group]

    with ThreadPoolExecutor(max_workers=min(_MAX_THREADS, len(groups))) as pool:
        futures: list[Future[list[tuple[T, Fetched]]]] = [
            pool.submit(run, group) for group in groups]
        for future in as_completed(futures):
            yield from future.result()


def _document(page: _Page, got: Fetched) -> RawDocument | Skip:
    charset = None
    if got.content_type and "charset=" in got.content_type:
        charset = got.content_type.split("charset=", 1)[1].split(";")[0].strip(" \"'")
    try:
        return html_document(got.body, source_id=page.listed.url, source=page.listed.url,
                             url=got.url, charset=charset, title=page.listed.title,
                             published=page.listed.published, language=page.listed.language)
    except BadInput as exc:
        return Skip(page.listed.url, str(exc))


def _ingest_pages(store: PollSink, client: PoliteClient, pages: Sequence[_Page],
                  report: PollReport, run_at: str, on_batch: Callable[[int], None] | None
                  ) -> set[str]:
    """Fetch ``pages`` (hosts in parallel) and ingest them batch by batch as they come; the
    sources of the pages to try again next round."""
    retry: set[str] = set()
    if not pages:
        return retry
    run = IngestRun(store, f"fetch ({len(pages)} pages)")
    report.ingest = run.stats
    batch: list[tuple[_Page, RawDocument]] = []
    entries: list[SeenEntry] = []
    with run.running():
        for page, got in _by_host(pages, lambda p: p.listed.url,
                                  lambda p: client.get(p.listed.url),
                                  client.policy.concurrency):
            entry = _entry_or_retry(page, got, report, run_at)
            if entry is None:
                retry.add(page.source_url)
            doc = _document(page, got) if got.ok else None
            if isinstance(doc, Skip):  # not a page (binary, empty): remembered with why
                run.skip(doc)
                entry = replace(entry, status=doc.reason) if entry is not None else None
            if entry is not None:
                entries.append(entry)
            if not isinstance(doc, RawDocument):
                continue
            report.fetched += 1
            if (admitted := run.admit(doc)) is not None:
                batch.append((page, admitted))
            if len(batch) >= settings().ingest_batch_size:
                _commit(store, run, batch, entries, on_batch)
                batch, entries = [], []
        _commit(store, run, batch, entries, on_batch)
        run.store_reverts()
    return retry


def _entry_or_retry(page: _Page, got: Fetched, report: PollReport, fetched_at: str
                    ) -> SeenEntry | None:
    """The entry to remember for a fetched page: stored, or refused for good (robots.txt,
    4xx, too large); None for a failure that may pass (5xx, timeout): tried next round."""
    if got.ok:
        return SeenEntry(page.listed.url, page.source_url, page.listed.fingerprint,
                         fetched_at, "fetched")
    report.page_errors += 1
    log.warning("page %s not fetched: %s", page.listed.url, got.error)
    lasting = got.status == 0 and (got.error or "").startswith(("robots", "redirected",
                                                                "larger"))
    if lasting or (400 <= got.status < 500 and got.status != 429):
        return SeenEntry(page.listed.url, page.source_url, page.listed.fingerprint,
                         fetched_at, got.error or f"http {got.status}")
    return None


def _commit(store: PollSink, run: IngestRun, batch: list[tuple[_Page, RawDocument]],
            entries: list[SeenEntry], on_batch: Callable[[int], None] | None) -> None:
    """One ingest batch, then the entries it settles (after it: a crash between the two
    refetches the batch, never loses it)."""
    docs = [doc for _, doc in batch]
    articles = run.commit(docs, lambda ds: [extract_or_skip(d) for d in ds]) if docs else []
    by_url = {page.listed.url: doc.id for page, doc in batch}
    store.save_entries([SeenEntry(e.url, e.source_url, e.fingerprint, e.fetched_at, e.status,
                                  by_url.get(e.url)) for e in entries])
    if on_batch is not None and docs:
        on_batch(len(articles))
