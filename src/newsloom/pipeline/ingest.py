"""Runs the stages over input files: read → extract → store, in committed batches.

Per-document work (:func:`newsloom.extract.extract`) runs in a process pool; only the store
sees the whole corpus. Each batch is one transaction, so an interrupted run loses at most the
batch in flight, and a rerun skips every document already stored (ids are content hashes).
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from newsloom.extract import ExtractionError, ExtractOptions, extract
from newsloom.ingest import ReadOptions, discover, read_path
from newsloom.model import KEPT_WHOLE, Article, IngestStats, RawDocument, Skip
from newsloom.pipeline.workers import die_with_parent, stop_pool
from newsloom.settings import settings
from newsloom.store.errors import StoreUnavailable
from newsloom.store.ports import IngestSink
from newsloom.store.versions import canonical_key

log = logging.getLogger("newsloom")

#: Called as ``on_progress(files_done, files_total)``.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    read: ReadOptions = field(default_factory=ReadOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    #: Worker processes for extraction; 1 runs in-process. Defaults: the settings.
    workers: int = field(default_factory=lambda: settings().worker_processes)
    #: Documents per committed batch.
    batch_size: int = field(default_factory=lambda: settings().ingest_batch_size)
    #: Rewrites each document's ``source`` after reading (the server stores uploads under
    #: the client's name, not its temporary folder); a version key that was the source (no
    #: URL) follows it, so a re-upload of the same name is a new version of that page.
    rename_source: Callable[[str], str] | None = None


_worker_options = ExtractOptions()


def _init_worker(options: ExtractOptions) -> None:
    global _worker_options
    die_with_parent()
    _worker_options = options


def extract_or_skip(doc: RawDocument, options: ExtractOptions | None = None) -> Article | Skip:
    """Extraction that never raises for bad content: failures become a Skip with the reason."""
    try:
        return extract(doc, options or _worker_options)
    except ExtractionError as exc:
        return Skip(doc.source, str(exc))
    except Exception as exc:  # a parser bug on one page must not stop the run
        log.exception("extraction failed for %s", doc.source)
        return Skip(doc.source, f"extraction error: {type(exc).__name__}: {exc}")


class _Extractor:
    """Maps documents to articles, in a process pool once a batch is worth the start-up."""

    def __init__(self, options: PipelineOptions) -> None:
        self.options = options
        self._pool: ProcessPoolExecutor | None = None

    def __call__(self, docs: Sequence[RawDocument]) -> list[Article | Skip]:
        if self.options.workers <= 1 or len(docs) < 8:
            return [extract_or_skip(doc, self.options.extract) for doc in docs]
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.options.workers, mp_context=get_context("fork"),
                initializer=_init_worker, initargs=(self.options.extract,))
        chunk = max(1, len(docs) // (self.options.workers * 4))
        return list(self._pool.map(extract_or_skip, docs, chunksize=chunk))

    def close(self) -> None:
        if self._pool is not None:
            # Called from ingest's ``finally``: with an exception (Ctrl-C) on its way out the
            # queued chunks are not wanted, so the workers are killed, not waited for.
            if sys.exc_info()[0] is not None:
                stop_pool(self._pool)
            else:
                self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _documents(paths: Iterable[Path], run: IngestRun, options: ReadOptions,
               on_progress: ProgressCallback | None) -> Iterator[RawDocument | Skip]:
    """Every document under ``paths``, one at a time (files are streamed, never listed whole
    in memory), and every input that could not be read, as a Skip, in the order met."""
    found = list(discover(paths))
    files = [item for item in found if isinstance(item, Path)]
    run.stats.files = len(files)
    yield from (item for item in found if isinstance(item, Skip))
    for done, path in enumerate(files, start=1):
        yield from read_path(path, options)
        if on_progress:
            on_progress(done, len(files))


#: Skips are written to the store in groups of this many, as they come ...
SKIPS_SAVED_EVERY = 500
#: ... and only this many are kept in ``IngestStats.skips`` for the caller to show (the count,
#: ``IngestStats.skipped``, stays exact): a file of a million bad lines must not pile up a
#: million Skip objects in memory.
SKIPS_KEPT = 1000


class _SkipLog:
    """Logs, counts and stores skips as they are met."""

    def __init__(self, store: IngestSink, stats: IngestStats) -> None:
        self.store, self.stats = store, stats
        self.saved = 0  # entries of stats.skips already in the store

    def record(self, skip: Skip) -> None:
        # Sources are valid UTF-8 already; an exception text quoted in a reason might not be.
        skip = Skip(_storable(skip.source), _storable(skip.reason))
        log.warning("skipped %s: %s", skip.source, skip.reason)
        self.stats.skip(skip)
        if len(self.stats.skips) - self.saved >= SKIPS_SAVED_EVERY:
            self.save()

    def save(self) -> None:
        pending = self.stats.skips[self.saved:]
        if pending:
            self.store.add_skips(pending)
        del self.stats.skips[SKIPS_KEPT:]
        self.saved = len(self.stats.skips)


def _storable(text: str) -> str:
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


class _LastInputWins:
    """Within one run the last input of a page wins, as it does in a first run: a document
    that is an earlier version of its page becomes current again (a revert) only if no later
    input of the run names the same page. So re-ingesting inputs that hold two versions of a
    page (a feed or JSONL with one URL twice) changes nothing, and a file changed back to
    its old content is still a revert. Pages are kept as 64-bit hashes of their canonical
    key (~100 bytes per page of the run)."""

    def __init__(self) -> None:
        self._last: dict[int, int] = {}  # page → position of its last input so far
        self._position: dict[str, int] = {}  # document id → position, for the open batch
        self._pending: dict[int, tuple[RawDocument, Article | None]] = {}
        self._met = 0

    @staticmethod
    def _page(doc: RawDocument) -> int:
        key = canonical_key(doc.version_key, doc.url).encode("utf-8", "surrogatepass")
        return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")

    def met(self, doc: RawDocument) -> int:
        """Note an input in run order; returns how many pending reverts it overtook (each is
        then simply "unchanged")."""
        page = self._page(doc)
        self._met += 1
        self._last[page] = self._position[doc.id] = self._met
        return 1 if self._pending.pop(page, None) is not None else 0

    def defer(self, doc: RawDocument, article: Article | None) -> bool:
        """A revert the store held back; False if a later input of the run names its page."""
        page = self._page(doc)
        if self._last.get(page, 0) > self._position.get(doc.id, 0):
            return False
        self._pending[page] = (doc, article)
        return True

    def batch_done(self) -> None:
        self._position.clear()

    def pending(self) -> list[tuple[RawDocument, Article | None]]:
        return list(self._pending.values())


#: Extraction of a batch of fresh documents, one result per document, in order.
Extract = Callable[[list[RawDocument]], list[Article | Skip]]


class IngestRun:
    """The bookkeeping of one ingest run, wherever its documents are read and extracted: the
    run record, the counts, the skip log, duplicates within the run, and the versions rule
    (:class:`_LastInputWins`). :func:`ingest` feeds it from this process; the Spark runner
    (:mod:`newsloom.pipeline.spark`) from the results its executors send back."""

    def __init__(self, store: IngestSink, command: str,
                 rename_source: Callable[[str], str] | None = None) -> None:
        self.store, self.rename_source = store, rename_source
        self.stats = IngestStats()
        self.skips = _SkipLog(store, self.stats)
        self.versions = _LastInputWins()
        # Ids (16 hex digits = one 64-bit int each, ~70 bytes per document) of the documents
        # this run has met: a second input with the same content is a duplicate of another
        # input, whichever batch it falls in, not "unchanged" and not silently dropped.
        self.seen: set[int] = set()
        self.run_id = store.start_run(_storable(command))

    def skip(self, skip: Skip) -> None:
        """An input that could not be read: counted, logged and stored with its reason."""
        self.stats.documents += 1
        self.skips.record(skip)

    def admit(self, doc: RawDocument) -> RawDocument | None:
        """Count ``doc``; the document to store (renamed), or None for a duplicate input."""
        self.stats.documents += 1
        if self.rename_source is not None:
            renamed = self.rename_source(doc.source)
            doc = replace(doc, source=renamed, version_key=renamed
                          if doc.version_key == doc.source else doc.version_key)
        key = int(doc.id, 16)
        if key in self.seen:
            self.stats.duplicates += 1
            return None
        self.seen.add(key)
        self.stats.unchanged += self.versions.met(doc)
        return doc

    def commit(self, docs: list[RawDocument], extract: Extract) -> list[Article]:
        """Store the admitted ``docs`` not stored yet, extracted by ``extract``, as one
        transaction; returns the articles that were new to the store."""
        return _flush(docs, self, extract)

    def store_reverts(self) -> None:
        """At the end of the run: make the reverts that stand (:class:`_LastInputWins`)."""
        _store_each(self.versions.pending(), self.store, self.stats, self.skips, None)

    def finish(self, status: str) -> IngestStats:
        """Save the skips and close the run record with ``status``."""
        self.skips.save()
        self.store.finish_run(self.run_id, status, _stats_record(self.stats))
        if self.stats.unaccounted:  # a bug, not bad input: say so loudly, never lose documents
            log.error("ingest counts do not add up: %d documents seen, %d unaccounted",
                      self.stats.documents, self.stats.unaccounted)
        return self.stats


def ingest(paths: Sequence[Path], store: IngestSink, options: PipelineOptions | None = None,
           on_progress: ProgressCallback | None = None) -> IngestStats:
    """Read, extract and store everything under ``paths``. Idempotent; resumable.

    On KeyboardInterrupt the committed batches stay, the run is marked interrupted, and the
    exception propagates so the caller can exit; rerunning continues where it stopped.
    """
    options = options or PipelineOptions()
    run = IngestRun(store, "ingest " + " ".join(str(p) for p in paths), options.rename_source)
    extractor = _Extractor(options)

    def extract(docs: list[RawDocument]) -> list[Article | Skip]:
        return _extract_each(docs, extractor)

    batch: list[RawDocument] = []
    status = "failed"
    try:
        for item in _documents(paths, run, options.read, on_progress):
            if isinstance(item, Skip):
                run.skip(item)
            elif (doc := run.admit(item)) is not None:
                batch.append(doc)
                if len(batch) >= options.batch_size:
                    _flush(batch, run, extract)
                    batch = []
        _flush(batch, run, extract)
        run.store_reverts()
        status = "done"
    except KeyboardInterrupt:
        run.stats.interrupted = True
        status = "interrupted"
        raise
    finally:
        extractor.close()
        run.finish(status)
    return run.stats


def _flush(docs: list[RawDocument], run: IngestRun, extract: Extract) -> list[Article]:
    if not docs:
        return []
    stats, skips = run.stats, run.skips
    known = run.store.known_ids(doc.id for doc in docs)
    stats.unchanged += len(known)
    fresh = [doc for doc in docs if doc.id not in known]
    # An earlier version of its page (an input holding two versions, read again): its
    # article is stored, so it is not extracted again; the store decides on a revert.
    earlier = run.store.stored_ids(doc.id for doc in fresh) if fresh else set()
    new = [doc for doc in fresh if doc.id not in earlier]
    extracted = dict(zip((doc.id for doc in new), extract(new) if new else [], strict=True))
    pairs: list[tuple[RawDocument, Article | None]] = []
    for doc in fresh:
        result = extracted.get(doc.id)
        if result is None:
            pairs.append((doc, None))
            continue
        if isinstance(result, Skip):
            skips.record(result)
            continue
        if KEPT_WHOLE in result.extraction_flags:
            stats.kept_whole += 1
            log.warning("kept whole %s: the line classifier would have removed all of its "
                        "declared-clean text; stored unfiltered and flagged %r",
                        doc.source, KEPT_WHOLE)
        pairs.append((doc, result))
    _store_each(pairs, run.store, stats, skips, run.versions)
    run.versions.batch_done()
    return [article for _, article in pairs if article is not None]


def _extract_each(docs: list[RawDocument], extractor: _Extractor) -> list[Article | Skip]:
    """The batch's extraction; if the batch as a whole fails (a document the pool cannot
    pickle, a worker lost), each document is retried alone, in-process."""
    try:
        return extractor(docs)
    except Exception:
        log.exception("batch extraction failed; retrying its %d documents one by one",
                      len(docs))
        return [_extract_alone(doc, extractor.options.extract) for doc in docs]


def _extract_alone(doc: RawDocument, options: ExtractOptions) -> Article | Skip:
    try:
        return extract_or_skip(doc, options)
    except Exception as exc:  # e.g. RecursionError on absurdly nested metadata
        return Skip(doc.source, f"extraction error: {type(exc).__name__}: {exc}")


def _store_each(pairs: list[tuple[RawDocument, Article | None]], store: IngestSink,
                stats: IngestStats, skips: _SkipLog, versions: _LastInputWins | None) -> None:
    """One transaction for the batch; if it fails, each document alone, so one document the
    store refuses is skipped and the rest of the batch is kept. With ``versions``, reverts
    wait for the end of the run (:class:`_LastInputWins`); without, they are made."""
    if not pairs:
        return
    revert = versions is None
    try:
        results = [store.add(pairs, revert=revert)]
    except StoreUnavailable:
        raise  # locked, disk full, I/O error: the store's trouble, not this batch's
    except Exception:
        log.exception("storing a batch failed; storing its %d documents one by one",
                      len(pairs))
        results = []
        for doc, article in pairs:
            try:
                results.append(store.add([(doc, article)], revert=revert))
            except StoreUnavailable:
                raise
            except Exception as exc:
                skips.record(Skip(doc.source, f"store error: {type(exc).__name__}: {exc}"))
    by_id = {doc.id: (doc, article) for doc, article in pairs}
    for added in results:
        stats.added += added.added
        stats.new_versions += added.new_versions
        stats.unchanged += added.unchanged
        for doc_id in added.reverts:
            if versions is None or not versions.defer(*by_id[doc_id]):
                stats.unchanged += 1  # a later input of this run names the page


def _stats_record(stats: IngestStats) -> dict[str, object]:
    return {
        "files": stats.files, "documents": stats.documents, "added": stats.added,
        "unchanged": stats.unchanged, "new_versions": stats.new_versions,
        "duplicates": stats.duplicates, "skipped": stats.skipped,
        "kept_whole": stats.kept_whole,
        "interrupted": stats.interrupted,
    }
