"""The Spark runner: per-document stages on Spark executors, the ordered corpus stage after.

1. The driver lists the inputs and cuts them into splits (:func:`plan_splits`: a file each,
   large JSONL files in record blocks); each partition is a contiguous run of splits.
2. Executors run :func:`newsloom.pipeline.spark_tasks.run_partition` in ``mapPartitions``:
   read, extract, NER, entity linking, embedding, MinHash, with the models loaded once per
   Python worker.
3. The driver takes the partitions in order (``toLocalIterator``: one partition in memory at
   a time, the next one prefetched) and writes each through the ingest port as one
   transaction (:class:`newsloom.pipeline.ingest.IngestRun`, the same bookkeeping as
   ``newsloom ingest``). Ids are content hashes and a stored id is never stored again, so a
   partition written twice, by a retried task or a rerun, changes nothing. SQLite has one
   writer, so the driver writes; a server store could take the writes from the executors
   themselves, but the ingest order (which the corpus stage follows) would then be the
   order tasks finish, not the inputs' order.
4. The corpus stage (:class:`newsloom.pipeline.corpus.CorpusStage`, the one ``build_stories``
   runs) clusters each partition's articles right after they are stored, in ingest order,
   with the executors' features instead of computing them again; storylines follow once at
   the end. The result is the store ``newsloom analyze`` builds from the same inputs.

pyspark is imported only here and only when a run starts; no other command imports it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newsloom.extract import ExtractOptions
from newsloom.ingest import ReadOptions, discover
from newsloom.model import Article, IngestStats, RawDocument, Skip
from newsloom.pipeline.corpus import CorpusStage, build_stories, update_storylines
from newsloom.pipeline.ingest import IngestRun
from newsloom.pipeline.spark_tasks import (
    PartitionResult,
    Split,
    plan_splits,
    run_partition,
    task_options,
)
from newsloom.pipeline.stages import ArticleFeatures
from newsloom.settings import settings
from newsloom.store.ports import CorpusRun, IngestSink

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

#: Default size of a JSONL split (bytes): large enough that a task's start costs little
#: beside its records (~5 KB each, ~70 ms of CPU each), small enough to spread a shard.
DEFAULT_SPLIT_MB = 64.0


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


def analyze(paths: Sequence[Path], store: SparkStore, options: SparkOptions | None = None,
            on_partition: Callable[[int, int], None] | None = None) -> SparkRun:
    """Ingest ``paths`` with Spark, then run the corpus stage and the storylines."""
    options = options or SparkOptions()
    found = list(discover(paths))
    files = [item for item in found if isinstance(item, Path)]
    splits = plan_splits(files, int(options.split_mb * 1024 * 1024))
    partitions = max(1, min(options.partitions or len(splits), len(splits) or 1))
    with spark_session(options.master) as session:
        run = IngestRun(store, "spark analyze " + " ".join(str(p) for p in paths))
        run.stats.files = len(files)
        status, clustered = "failed", 0
        try:
            results = _partition_results(session, splits, partitions, options)
            for item in found:
                if isinstance(item, Skip):
                    run.skip(item)
            with store.corpus_lease():
                stage = _CorpusFeed(store, options.embedder)
                for done, result in enumerate(
                        results.toLocalIterator(prefetchPartitions=True), start=1):
                    clustered += stage.add(write_partition(run, result))
                    if on_partition:
                        on_partition(done, partitions)
                run.store_reverts()
                clustered += stage.add({})
                stage.close()
            status = "done"
        except KeyboardInterrupt:
            run.stats.interrupted = True
            status = "interrupted"
            raise
        finally:
            run.finish(status)
        if options.parquet is not None:
            from newsloom.pipeline.spark_parquet import write_tables

            write_tables(session, results, options.parquet, options.embedder)
        results.unpersist()
    build_stories(store, options.embedder)  # nothing pending: repairs a damaged index only
    lines = update_storylines(store)
    return SparkRun(run.stats, clustered, len(lines), len(splits), partitions)


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
    rdd = session.sparkContext.parallelize(splits, partitions).mapPartitions(task)
    # Computed by one job over every executor core, and kept (memory, then the executors'
    # disks): the driver then fetches them one partition at a time, in order. Reading them
    # straight with toLocalIterator would run one job per partition, one task at a time.
    # The Parquet tables read the same kept results, never computing them twice.
    rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)
    rdd.count()
    return rdd


def write_partition(run: IngestRun, result: PartitionResult) -> dict[str, ArticleFeatures]:
    """Store one partition's documents as one transaction; returns the features of the
    articles that were new to the store (the corpus stage's input). Writing the same
    partition again stores nothing and returns nothing."""
    batch: list[RawDocument] = []
    for item in result.items:
        if isinstance(item, Skip):
            run.skip(item)
        elif (doc := run.admit(item)) is not None:
            batch.append(doc)

    def extracted(docs: list[RawDocument]) -> list[Article | Skip]:
        return [result.extracted[doc.id] for doc in docs]

    stored = run.commit(batch, extracted)
    return {a.id: result.features[a.id] for a in stored if a.id in result.features}
