"""Runs the stages over input files: read → extract → store, in committed batches.

Per-document work (:func:`newsloom.extract.extract`) runs in a process pool; only the store
sees the whole corpus. Each batch is one transaction, so an interrupted run loses at most the
batch in flight, and a rerun skips every document already stored (ids are content hashes).
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from newsloom.extract import ExtractionError, ExtractOptions, MetadataOnly, extract
from newsloom.ingest import ReadOptions, discover, read_path
from newsloom.model import KEPT_WHOLE, Article, IngestStats, RawDocument, Skip
from newsloom.pipeline.batches import (
    BatchOutcome,
    Extract,
    add_pairs,
    storable,
    storable_skip,
    store_batch,
)
from newsloom.pipeline.workers import die_with_parent, stop_pool
from newsloom.settings import settings
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
    except MetadataOnly as exc:  # no article, but its URL, title and date are logged
        return Skip(doc.source, str(exc), exc.page)
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
        self.pending: list[Skip] = []  # recorded, not in the store yet

    def record(self, skip: Skip) -> None:
        self.pending.append(self.note(skip))
        if len(self.pending) >= SKIPS_SAVED_EVERY:
            self.save()

    def note(self, skip: Skip) -> Skip:
        """Log and count a skip without storing it (a Spark executor stored it)."""
        # Sources are valid UTF-8 already; an exception text quoted in a reason might not be.
        skip = storable_skip(skip)
        log.warning("skipped %s: %s", skip.source, skip.reason)
        self.stats.skip(skip)
        if len(self.stats.skips) >= 2 * SKIPS_KEPT:
            del self.stats.skips[SKIPS_KEPT:]
        return skip

    def save(self) -> None:
        if self.pending:
            self.store.add_skips(self.pending)
            self.pending = []
        del self.stats.skips[SKIPS_KEPT:]


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
        self.run_id = store.start_run(storable(command))

    def skip(self, skip: Skip, *, stored: bool = False) -> None:
        """An input that could not be read: counted, logged and stored with its reason
        (``stored``: a Spark executor stores it)."""
        self.stats.documents += 1
        if stored:
            self.skips.note(skip)
        else:
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

    def commit(self, docs: list[RawDocument], extract: Extract) -> list[str]:
        """Store the admitted ``docs`` not stored yet, extracted by ``extract``, as one
        transaction; returns the ids of the articles handed to the store."""
        outcome = store_batch(self.store, docs, extract, self.skips.record)
        self.apply(outcome, {doc.id: doc for doc in docs})
        return outcome.articles

    def apply(self, outcome: BatchOutcome, docs: Mapping[str, RawDocument], *,
              stored_elsewhere: bool = False) -> None:
        """Count what :func:`store_batch` did with the admitted ``docs`` (by id; only the
        id, version key, URL and source of each are read), and hold back its reverts for
        the end of the run (:class:`_LastInputWins`). With ``stored_elsewhere`` (a Spark
        executor's write, which stored its skips) the outcome's skips are logged and
        counted here; else ``store_batch`` passed them to the skip log already."""
        for skip in outcome.skips if stored_elsewhere else ():
            self.skips.note(skip)
        self.stats.unchanged += outcome.known
        for source in outcome.kept_whole:
            self.stats.kept_whole += 1
            log.warning("kept whole %s: the line classifier would have removed all of its "
                        "declared-clean text; stored unfiltered and flagged %r",
                        source, KEPT_WHOLE)
        for added in outcome.results:
            self.stats.added += added.added
            self.stats.new_versions += added.new_versions
            self.stats.unchanged += added.unchanged
            for doc_id in added.reverts:
                if not self.versions.defer(docs[doc_id], None):
                    self.stats.unchanged += 1  # a later input of this run names the page
        self.versions.batch_done()

    def store_reverts(self) -> None:
        """At the end of the run: make the reverts that stand (:class:`_LastInputWins`)."""
        _store_reverts(self)

    @contextmanager
    def running(self) -> Iterator[IngestRun]:
        """Close the run record however the body ends: "done", "interrupted" (Ctrl-C: the
        committed batches stay, the exception propagates so the caller can exit, and a rerun
        continues) or "failed"."""
        status = "failed"
        try:
            yield self
            status = "done"
        except KeyboardInterrupt:
            self.stats.interrupted = True
            status = "interrupted"
            raise
        finally:
            self.finish(status)

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
    try:
        with run.running():
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
    finally:
        extractor.close()
    return run.stats


def _flush(docs: list[RawDocument], run: IngestRun, extract: Extract) -> None:
    if docs:
        run.commit(docs, extract)


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


def _store_reverts(run: IngestRun) -> None:
    """The reverts that stand at the end of a run, made (``revert=True``)."""
    stats = run.stats
    for added in add_pairs(run.versions.pending(), run.store, True, run.skips.record):
        stats.added += added.added
        stats.new_versions += added.new_versions
        stats.unchanged += added.unchanged + len(added.reverts)


def _stats_record(stats: IngestStats) -> dict[str, object]:
    return {
        "files": stats.files, "documents": stats.documents, "added": stats.added,
        "unchanged": stats.unchanged, "new_versions": stats.new_versions,
        "duplicates": stats.duplicates, "skipped": stats.skipped,
        "kept_whole": stats.kept_whole, "metadata_only": stats.metadata_only,
        "interrupted": stats.interrupted,
    }
