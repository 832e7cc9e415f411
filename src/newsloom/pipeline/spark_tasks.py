"""What a Spark executor runs: read → extract → features per partition, then its write.

Nothing here imports pyspark: a task is a plain function of its splits (or of its computed
partition), so it runs the same in a Spark Python worker, in a test, or in this process.

* :func:`run_partition` (``mapPartitionsWithIndex``): read the partition's splits, extract
  each document, featurize the articles (NER, entity linking, embedding, MinHash). The
  models (line classifier, NER per language, the encoder) are the process-wide lazy
  singletons of :mod:`newsloom.pipeline.stages` and its modules (``get_embedder`` is an
  ``lru_cache``, NER keeps one model per language in a module dict): the first task in a
  Python worker loads them, every later task in that worker reuses them, since Spark reuses
  its Python workers (``spark.python.worker.reuse``, set explicitly by the runner). The
  result stays on the executors (persisted), never on the driver.
* :func:`partition_manifest`: what the driver's bookkeeping needs to admit the partition's
  documents (ids, sources, pages' keys and the reader's skips; no content).
* :func:`write_partition`: the executor opens the store from its URL (once per Python
  worker) and stores the documents the driver admitted, with their articles and the
  partition's skips (:func:`newsloom.pipeline.batches.store_batch`: one ``add`` transaction,
  idempotent by content id), and sends back counts, ids, skips and the new articles'
  features (what the corpus stage on the driver clusters), never a document or an article.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsloom.extract import ExtractOptions
from newsloom.ingest import ReadOptions
from newsloom.ingest.splits import Split, read_split
from newsloom.ingest.warc import WarcTally
from newsloom.model import Article, RawDocument, Skip
from newsloom.pipeline.batches import BatchOutcome, storable_skip, store_batch
from newsloom.pipeline.ingest import extract_or_skip
from newsloom.pipeline.stages import ArticleFeatures, featurize
from newsloom.settings import configure, settings
from newsloom.store.ports import IngestSink

#: Articles featurized at once inside a task: bounds a task's memory, keeps batched NER and
#: encoder calls efficient.
FEATURE_CHUNK = 256
#: BLAS threads per task: Spark runs one Python worker per executor core.
TASK_THREADS = 1


@dataclass(frozen=True, slots=True)
class SplitTally:
    """A WARC range's pages, for the whole-file "no HTML response records" skip."""

    path: str
    final: bool  # the file's last range
    pages: int
    cut: bool


@dataclass(slots=True)
class PartitionResult:
    """One partition, computed: every input it met in order, each document's extraction
    result and each article's features (by document id). Stays on the executors."""

    partition: int = 0
    items: list[RawDocument | Skip] = field(default_factory=list)
    extracted: dict[str, Article | Skip] = field(default_factory=dict)
    features: dict[str, ArticleFeatures] = field(default_factory=dict)
    splits: list[Split] = field(default_factory=list)
    tallies: list[SplitTally] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DocKey:
    """What the run's bookkeeping reads of a document: no content."""

    id: str
    source: str
    version_key: str
    url: str | None

    def stub(self) -> RawDocument:
        return RawDocument(self.id, "", self.source, self.version_key, "text", "", self.url)


@dataclass(slots=True)
class PartitionManifest:
    partition: int
    entries: list[DocKey | Skip]
    paths: list[str]  # the files its splits belong to, in order (repeats kept)
    tallies: list[SplitTally]


@dataclass(slots=True)
class PartitionWrite:
    """What an executor's write of one partition sends back."""

    outcome: BatchOutcome
    features: dict[str, ArticleFeatures]
    stored_skips: int
    pid: int  # the process that wrote


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """Everything a task needs from the driver, shipped with it: a cluster's executors have
    neither the driver's ``--set`` options nor its ``newsloom.toml``."""

    read: ReadOptions
    extract: ExtractOptions
    embedder: str
    event_chars: int
    settings: dict[str, Any]


def task_options(read: ReadOptions, extract: ExtractOptions, embedder: str) -> TaskOptions:
    knobs = settings()
    return TaskOptions(read, extract, embedder, knobs.event_chars, dataclasses.asdict(knobs))


def _install(options: TaskOptions) -> None:
    if dataclasses.asdict(settings()) != options.settings:
        configure(options=options.settings)  # the driver's values, whatever this host has


def run_partition(options: TaskOptions, partition: int, splits: Iterable[Split]
                  ) -> Iterator[PartitionResult]:
    """The per-document stages of one partition: read each split, extract each document and
    featurize the articles. One result per partition (one write transaction later)."""
    _install(options)
    result = PartitionResult(partition)
    articles: list[Article] = []
    for split in splits:
        result.splits.append(split)
        tally = WarcTally()
        for item in read_split(split, options.read, tally):
            result.items.append(item)
            if isinstance(item, Skip) or item.id in result.extracted:
                continue
            extracted = extract_or_skip(item, options.extract)
            result.extracted[item.id] = extracted
            if isinstance(extracted, Article):
                articles.append(extracted)
        if split.kind == "warc":
            result.tallies.append(SplitTally(split.path, split.last is None, tally.pages,
                                             tally.cut))
    for start in range(0, len(articles), FEATURE_CHUNK):
        for features in featurize(articles[start:start + FEATURE_CHUNK], options.embedder,
                                  threads=TASK_THREADS, event_chars=options.event_chars):
            result.features[features.article_id] = features
    yield result


def partition_manifest(results: Iterable[PartitionResult]) -> Iterator[PartitionManifest]:
    for result in results:
        entries: list[DocKey | Skip] = [
            item if isinstance(item, Skip)
            else DocKey(item.id, item.source, item.version_key, item.url)
            for item in result.items]
        yield PartitionManifest(result.partition, entries, [s.path for s in result.splits],
                                result.tallies)


#: Stores opened by this process, by URL: one per Python worker, like the models.
_stores: dict[str, IngestSink] = {}


def task_store(url: str) -> IngestSink:
    if url not in _stores:
        from newsloom.store import open_store

        _stores[url] = open_store(url)
    return _stores[url]


def close_task_stores() -> None:
    for store in _stores.values():
        close = getattr(store, "close", None)
        if close is not None:
            close()
    _stores.clear()


def write_partition(store_url: str, admitted: Sequence[str], options: TaskOptions,
                    results: Iterable[PartitionResult]) -> Iterator[PartitionWrite]:
    """Store the partition's documents ``admitted`` by the driver's bookkeeping (in that
    order), their articles, and the partition's skips. Run again (a retried task, a rerun)
    it stores nothing new: ids are content hashes and the store never stores one twice."""
    _install(options)
    store = task_store(store_url)
    for result in results:
        first: dict[str, RawDocument] = {}
        skips: list[Skip] = []
        for item in result.items:
            if isinstance(item, Skip):
                skips.append(storable_skip(item))
            else:
                first.setdefault(item.id, item)
        docs = [first[doc_id] for doc_id in admitted]

        def extracted(batch: list[RawDocument], result: PartitionResult = result
                      ) -> list[Article | Skip]:
            return [result.extracted[doc.id] for doc in batch]

        outcome = store_batch(store, docs, extracted, lambda skip: None)
        skips += [storable_skip(skip) for skip in outcome.skips]
        if skips:
            store.add_skips(skips)
        features = {a: result.features[a] for a in outcome.articles if a in result.features}
        yield PartitionWrite(outcome, features, len(skips), os.getpid())
