"""The Spark runner: per-document stages and their writes on Spark executors, the ordered
corpus stage on the driver.

1. The driver lists the inputs and plans splits (:func:`newsloom.ingest.splits.plan_splits`:
   a file each; large JSONL files in byte ranges, large WARCs in record ranges); each
   partition is a contiguous run of splits.
2. One job computes every partition on the executors
   (:func:`newsloom.pipeline.spark_tasks.run_partition`: read, extract, NER, entity linking,
   embedding, MinHash; models loaded once per Python worker) and keeps the results there.
3. Then, partition by partition in input order: the driver fetches the partition's manifest
   (ids, sources, page keys, reader skips: no content) and admits its documents with the
   run's bookkeeping (:class:`newsloom.pipeline.ingest.IngestRun`: duplicates within the
   run, the versions rule, counts); an executor opens the store from its URL and writes
   the admitted documents, their articles and the skips as one ``add`` transaction
   (:func:`newsloom.pipeline.spark_tasks.write_partition`), returning counts, ids and the
   new articles' features. Ids are content hashes and a stored id is never stored again, so
   a partition written twice, by a retried task or a rerun, adds nothing.
4. The corpus stage (:class:`newsloom.pipeline.corpus.CorpusStage`, the one
   ``build_stories`` runs) clusters each partition's articles right after they are stored,
   in ingest order, with the executors' features; storylines follow once at the end.
   Partitions are written one after another, in input order, so the ingest order (which
   the corpus stage follows) is the inputs' order and the result is the store
   ``newsloom analyze`` builds from the same inputs.

pyspark is imported only here and only when a run starts; no other command imports it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsloom.extract import ExtractOptions
from newsloom.ingest import ReadOptions, discover
from newsloom.ingest.decode import source_name
from newsloom.ingest.splits import Split, plan_splits
from newsloom.model import IngestStats, RawDocument, Skip
from newsloom.pipeline.corpus import CorpusStage, build_stories, update_storylines
from newsloom.pipeline.ingest import IngestRun
from newsloom.pipeline.spark_tasks import (
    PartitionResult,
    SplitTally,
    TaskOptions,
    partition_manifest,
    run_partition,
    task_options,
    write_partition,
)
from newsloom.pipeline.stages import ArticleFeatures
from newsloom.settings import settings
from newsloom.store import is_server_url
from newsloom.store.ports import CorpusRun, IngestSink

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

#: Default size of a split of a large JSONL or WARC file: large enough that a task's start
#: costs little beside its records (~5 KB each, ~70 ms of CPU each), small enough to spread
#: a shard over several tasks.
DEFAULT_SPLIT_MB = 64.0
#: ``--partitions`` makes splits smaller, down to this: a small file stays one task.
MIN_SPLIT_MB = 1.0


class SparkStore(IngestSink, CorpusRun, Protocol):
    """What the runner writes to and clusters in: any backend (``open_store``)."""


@dataclass(frozen=True, slots=True)
class SparkOptions:
    master: str = "local[2]"
    #: Partitions of the splits; None: one per split.
    partitions: int | None = None
    split_mb: float = DEFAULT_SPLIT_MB
    #: Write the article and feature tables here as Parquet (None: don't).
    parquet: Path | None = None
    embedder: str = "use-m3"
    read: ReadOptions = field(default_factory=ReadOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)


@dataclass(slots=True)
class SparkRun:
    """What a run did: the ingest counts, how many articles the corpus stage took, the
    storylines after it, and the splits and partitions the inputs became."""

    stats: IngestStats
    clustered: int = 0
    storylines: int = 0
    splits: int = 0
    partitions: int = 0
    #: Process ids of the executors' Python workers that wrote partitions.
    writers: set[int] = field(default_factory=set)
    #: Each input file's partitions (a split file spans several).
    file_partitions: dict[str, set[int]] = field(default_factory=dict)
    #: Seconds the driver waited for manifests and writes (the two jobs per partition).
    write_seconds: float = 0.0


@contextmanager
def spark_session(master: str) -> Iterator[SparkSession]:
    """The active session if there is one (a test's, a notebook's, spark-submit's), else a
    new one for ``master``, stopped at the end."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    if master.startswith("local"):
        # Loopback unless told otherwise, and the executors run this very interpreter.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName("newsloom")
               .config("spark.python.worker.reuse", "true"))
    if master.startswith("local"):
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false"))
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()


def split_size(files: Sequence[Path], options: SparkOptions, cores: int = 1) -> int:
    """Bytes per split: ``split_mb``, made smaller so that the inputs fill about
    ``partitions`` splits, or without ``partitions`` one per core the session has (never
    below :data:`MIN_SPLIT_MB` that way); 0: never cut. Without the second rule a batch of a
    few MB was one task on one core of ``local[2]`` (docs/scale.md)."""
    size = int(options.split_mb * 1024 * 1024)
    wanted = options.partitions or cores
    if size > 0 and wanted > 1:
        total = sum(path.stat().st_size for path in files)
        size = min(size, max(int(MIN_SPLIT_MB * 1024 * 1024), -(-total // wanted)))
    return size


def executor_url(db: str | Path) -> str:
    """The store location as executors open it: a URL as it is, a SQLite path absolute."""
    return str(db) if is_server_url(db) else str(Path(db).resolve())


def analyze(paths: Sequence[Path], store: SparkStore, db: str | Path,
            options: SparkOptions | None = None,
            on_partition: Callable[[int, int], None] | None = None) -> SparkRun:
    """Ingest ``paths`` with Spark, then run the corpus stage and the storylines. ``store``
    is the driver's handle on the store at ``db``, which the executors open themselves."""
    options = options or SparkOptions()
    found = list(discover(paths))
    files = [item for item in found if isinstance(item, Path)]
    with spark_session(options.master) as session:
        cores = int(session.sparkContext.defaultParallelism)
        splits = plan_splits(files, split_size(files, options, cores))
        partitions = max(1, min(options.partitions or len(splits), len(splits) or 1))
        run = IngestRun(store, "spark analyze " + " ".join(str(p) for p in paths))
        run.stats.files = len(files)
        spark_run = SparkRun(run.stats, splits=len(splits), partitions=partitions)
        with run.running():
            results = _partition_results(session, splits, partitions, options)
            for item in found:
                if isinstance(item, Skip):
                    run.skip(item)
            with store.corpus_lease():
                feed = _CorpusFeed(store, options.embedder)
                writes = _Writes(session, results, executor_url(db), task_options(
                    options.read, options.extract, options.embedder))
                for k in range(partitions):
                    spark_run.clustered += feed.add(writes.partition(k, run, spark_run))
                    if on_partition:
                        on_partition(k + 1, partitions)
                run.store_reverts()
                spark_run.clustered += feed.add({})
                feed.close()
        if options.parquet is not None:
            from newsloom.pipeline.spark_parquet import write_tables

            write_tables(session, results, options.parquet, options.embedder)
        results.unpersist()
    build_stories(store, options.embedder)  # nothing pending: repairs a damaged index only
    spark_run.storylines = len(update_storylines(store))
    return spark_run


class _Writes:
    """Partition ``k``'s write: its manifest to the driver, the admitted ids to an executor,
    which stores them and sends back counts, ids and features."""

    def __init__(self, session: SparkSession, results: RDD[PartitionResult], url: str,
                 options: TaskOptions) -> None:
        self.context, self.results, self.url, self.options = (
            session.sparkContext, results, url, options)
        self.pages: dict[str, tuple[int, bool]] = {}  # split WARC → pages so far, cut

    def partition(self, k: int, run: IngestRun, spark_run: SparkRun
                  ) -> dict[str, ArticleFeatures]:
        started = time.perf_counter()
        [manifest] = self.context.runJob(self.results, partition_manifest, [k])
        admitted: dict[str, RawDocument] = {}
        for entry in manifest.entries:
            if isinstance(entry, Skip):
                run.skip(entry, stored=True)  # the executor stores it with the partition
            elif (doc := run.admit(entry.stub())) is not None:
                admitted[doc.id] = doc
        [written] = self.context.runJob(self.results, partial(
            write_partition, self.url, list(admitted), self.options), [k])
        spark_run.write_seconds += time.perf_counter() - started
        run.apply(written.outcome, admitted, stored_elsewhere=True)
        spark_run.writers.add(written.pid)
        for path in manifest.paths:
            spark_run.file_partitions.setdefault(path, set()).add(k)
        for tally in manifest.tallies:
            self._tally(tally, run)
        return written.features

    def _tally(self, tally: SplitTally, run: IngestRun) -> None:
        """After the last range of a WARC: its whole-file skip, if it held no page."""
        pages, cut = self.pages.pop(tally.path, (0, False))
        pages, cut = pages + tally.pages, cut or tally.cut
        if not tally.final:
            self.pages[tally.path] = (pages, cut)
        elif pages == 0 and not cut:
            run.skip(Skip(source_name(tally.path), "WARC holds no HTML response records"))


class _CorpusFeed:
    """The corpus stage, kept open across partitions: after each partition is stored, its
    articles are clustered at once (in ingest order, as one ``build_stories`` over all of
    them would: batches do not change the result), so the driver never holds more than one
    partition's features."""

    def __init__(self, store: CorpusRun, embedder: str) -> None:
        self.features: dict[str, ArticleFeatures] = {}
        self.stage = CorpusStage(store, embedder, workers=1, precomputed=self.features)
        self.opened = False

    def add(self, features: dict[str, ArticleFeatures]) -> int:
        """Cluster what is pending, using ``features`` (the articles just stored); an article
        without them (a revert, one left pending by an interrupted run) is featurized here."""
        self.features.update(features)
        if not self.opened:  # loads the corpus state: seconds on a large store
            self.stage.open()
            self.opened = True
        done = self.stage.run_pending(settings().corpus_batch_size)
        self.features.clear()  # all used, or of articles the store refused
        return done

    def close(self) -> None:
        if self.opened:
            self.stage.save_index()


def _partition_results(session: SparkSession, splits: list[Split], partitions: int,
                       options: SparkOptions) -> RDD[PartitionResult]:
    from pyspark import StorageLevel

    task = partial(run_partition, task_options(options.read, options.extract,
                                               options.embedder))
    rdd = session.sparkContext.parallelize(splits, partitions).mapPartitionsWithIndex(task)
    # Computed by one job over every executor core, and kept (memory, then the executors'
    # disks): the writes then take them one partition at a time, in order, where they are.
    # The Parquet tables read the same kept results, never computing them twice.
    rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)
    rdd.count()
    return rdd
