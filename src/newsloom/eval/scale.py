"""Scale benchmark: a large synthetic corpus clustered incrementally, one batch at a time.

Every batch is what one ``newsloom ingest FILE`` plus the corpus stages (the code
``newsloom analyze`` runs after ingest) does to a store that keeps growing: open the store,
ingest one JSONL file (extraction in worker processes), run :func:`build_stories` (NER,
entity resolution, MinHash, embeddings, duplicates, clustering), close. Models are loaded
once before the first batch (a long-running service would hold them; the load time is
reported apart). Storylines (what ``analyze`` adds) are updated every ``storylines_every``
batches and timed apart: the first update groups every story, later ones relink only the
stories changed since (cluster/storyline_updates.py), so the samples show whether that cost
stays bounded by the batches.
Per batch we record wall seconds per stage and the corpus size, so the report can show
whether the cost of a batch grows with the store behind it.

The store is a SQLite file in the work folder, or an empty PostgreSQL database (``db``);
the runner is the in-process pipeline or Spark (``runner="spark"``: each batch is one
``newsloom spark analyze`` on one session, corpus stage and storylines included, so its
stage columns stay empty and its storylines are in the batch's time).
"""

from __future__ import annotations

import logging
import os
import resource
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsloom.eval.processes import cpu_seconds, descendant_peak_mib
from newsloom.eval.scale_corpus import CorpusSpec, CorpusStats, load_sources, write_corpus
from newsloom.eval.throughput import _own_peak_kib
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.pipeline.stages import Timings
from newsloom.settings import usable_cpus
from newsloom.store import is_server_url, open_store

if TYPE_CHECKING:
    from newsloom.pipeline.spark import SparkOptions

#: Sub-stages of the corpus stages, in pipeline order (see :func:`build_stories`). With
#: feature workers, ner/embed/link+minhash are seconds summed over the workers and
#: "features" is the wall time the main process still waited for them.
CORPUS_STAGES = ("load", "read", "features", "ner", "embed", "link+minhash", "entities",
                 "cluster", "store")
#: Batches averaged at each end of the run to compare early and late per-batch cost.
ENDS = 5


@dataclass(frozen=True, slots=True)
class BatchResult:
    index: int
    records: int  # JSONL records in the batch file
    added: int  # stored as new articles (identical copies are deduplicated by ingest)
    clustered: int  # articles the corpus stages processed
    corpus: int  # articles with features after the batch
    duplicates: int  # near-duplicates found in this batch
    stories: int  # distinct stories after the batch
    ingest_s: float
    corpus_s: float
    storylines_s: float
    #: CPU seconds of ingest + corpus stages, all processes (see :func:`cpu_seconds`).
    cpu_s: float
    stages: dict[str, float]
    load_average: float
    #: CPU seconds of the storyline update (not in ``cpu_s``), and stories it relinked.
    storylines_cpu_s: float = 0.0
    storylines_touched: int = 0

    @property
    def seconds(self) -> float:
        """Ingest + corpus stages: what ``newsloom ingest`` + ``build_stories`` cost."""
        return self.ingest_s + self.corpus_s


@dataclass(slots=True)
class ScaleReport:
    spec: CorpusSpec
    corpus: CorpusStats
    batch_size: int
    workers: int
    feature_workers: int
    warmup_s: float
    batches: list[BatchResult] = field(default_factory=list)
    main_peak_mib: float = 0.0
    worker_peak_mib: float = 0.0
    store_mib: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0
    #: "sqlite" or "postgresql", and "inprocess" or "spark".
    backend: str = "sqlite"
    runner: str = "inprocess"

    @property
    def seconds(self) -> float:
        return sum(b.seconds for b in self.batches)

    @property
    def articles_per_second(self) -> float:
        return sum(b.records for b in self.batches) / self.seconds if self.seconds else 0.0

    def stage_totals(self) -> dict[str, float]:
        totals = {"ingest": sum(b.ingest_s for b in self.batches)}
        for stage in CORPUS_STAGES:
            totals[stage] = sum(b.stages.get(stage, 0.0) for b in self.batches)
        totals["storylines"] = sum(b.storylines_s for b in self.batches)
        return totals

    def growth(self) -> dict[str, float]:
        """Early vs late per-article cost, and the fitted slope of per-article cost over
        corpus size (ms per article per 10,000 articles already stored)."""
        full = [b for b in self.batches if b.records == self.batch_size] or self.batches
        if len(full) < 2:
            return {}
        per_article = np.array([b.seconds / max(1, b.records) * 1000 for b in full])
        before = np.array([b.corpus - b.clustered for b in full], dtype=float)
        ends = max(1, min(ENDS, len(full) // 2))
        slope, intercept = np.polyfit(before / 10_000, per_article, 1)
        cpu = np.array([b.cpu_s / max(1, b.records) * 1000 for b in full])
        out = {"first_ms_per_article": float(per_article[:ends].mean()),
               "last_ms_per_article": float(per_article[-ends:].mean()),
               "slope_ms_per_10k": float(slope), "intercept_ms": float(intercept),
               "first_cpu_ms_per_article": float(cpu[:ends].mean()),
               "last_cpu_ms_per_article": float(cpu[-ends:].mean()),
               "slope_cpu_ms_per_10k": float(np.polyfit(before / 10_000, cpu, 1)[0]),
               "batches_at_each_end": float(ends)}
        for stage in (*CORPUS_STAGES, "ingest"):
            values = np.array([_stage_seconds(b, stage) / max(1, b.records) * 1000
                               for b in full])
            out[f"slope_{stage}_ms_per_10k"] = float(np.polyfit(before / 10_000, values, 1)[0])
        return out


def _stage_seconds(batch: BatchResult, stage: str) -> float:
    if stage == "ingest":
        return batch.ingest_s
    if stage == "storylines":
        return batch.storylines_s
    return batch.stages.get(stage, 0.0)


def _warm_up(languages: list[str], feature_workers: int) -> float:
    """Load the encoder and every NER model the corpus needs, before anything is timed."""
    from newsloom.pipeline import pool as corpus_pool
    from newsloom.pipeline.stages import featurize

    start = time.perf_counter()
    # Imported here, not lazily in each forked extraction worker of every batch.
    import newsloom.extract.html
    import newsloom.extract.text  # noqa: F401

    if feature_workers > 1:
        corpus_pool.warm_up(feature_workers, "use-m3", languages)
    else:
        featurize([corpus_pool._probe("Berlin, Monday. " * 4, lang) for lang in languages])
    return time.perf_counter() - start


def _count(store_path: str | Path) -> tuple[int, int]:
    """(clustered articles, live stories)."""
    with open_store(store_path) as store:
        return store.counts().clustered, store.live_story_count()


def _duplicates(store_path: str | Path, since: int) -> int:
    with open_store(store_path) as store:
        return store.duplicates_after(since)


def _max_seq(store_path: str | Path) -> int:
    with open_store(store_path) as store:
        return store.max_feature_seq()


def run_batch(path: Path, store_path: str | Path, index: int, workers: int, storylines: bool,
              feature_workers: int, spark: SparkOptions | None = None) -> BatchResult:
    """One incremental step: ingest ``path`` into the store, then the corpus stages (and,
    when ``storylines``, the storyline recomputation); with ``spark``, one Spark run."""
    since = _max_seq(store_path) if is_server_url(store_path) or Path(store_path).exists() \
        else 0
    timings: Timings = {}
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    store = open_store(store_path)
    try:
        storylines_s = storylines_cpu = 0.0
        touched = 0
        if spark is not None:
            from newsloom.pipeline.spark import analyze as spark_analyze

            # one Spark run is ingest, corpus stage and storylines together: all of it is
            # the batch's corpus time, and no storyline update is timed apart
            run = spark_analyze([path], store, store_path, spark)
            stats, clustered, ingested = run.stats, run.clustered, start
            storylines = False
        else:
            stats = ingest([path], store, PipelineOptions(workers=workers))
            ingested = time.perf_counter()
            clustered = build_stories(store, timings=timings, workers=feature_workers)
        if storylines:
            touched = len(store.dirty_stories())
            began, cpu_began = time.perf_counter(), cpu_seconds()
            update_storylines(store)
            storylines_cpu = cpu_seconds() - cpu_began
            storylines_s = time.perf_counter() - began
    finally:
        store.close()
    end = time.perf_counter()
    cpu = cpu_seconds() - cpu_start - storylines_cpu
    corpus, stories = _count(store_path)
    return BatchResult(
        index=index, records=stats.documents, added=stats.added + stats.new_versions,
        clustered=clustered, corpus=corpus, duplicates=_duplicates(store_path, since),
        stories=stories, ingest_s=ingested - start, corpus_s=end - ingested - storylines_s,
        storylines_s=storylines_s, cpu_s=cpu,
        stages={k: round(v, 4) for k, v in timings.items()}, load_average=os.getloadavg()[0],
        storylines_cpu_s=storylines_cpu, storylines_touched=touched)


def run_scale(data: Path, workdir: Path, spec: CorpusSpec, *, batch_size: int = 1000,
              workers: int = 2, feature_workers: int = 2, storylines_every: int = 10,
              console: Console | None = None, db: str | None = None,
              spark: SparkOptions | None = None) -> ScaleReport | None:
    """Build the corpus under ``workdir`` and ingest it batch by batch into one fresh store:
    a SQLite file there, or the empty PostgreSQL database at ``db``. With ``spark`` each
    batch runs through the Spark runner. Returns None when ``data`` holds no source
    articles; raises ValueError when ``db`` is not an empty PostgreSQL database."""
    sources = load_sources(data) if data.is_dir() else []
    if not sources:
        return None
    store_path: str | Path = workdir / "scale.db"
    if db is not None:
        if not is_server_url(db):
            raise ValueError(f"--db must be a postgresql:// URL, not {db!r}")
        with open_store(db) as store:
            if store.counts().documents:  # a fresh store: earlier runs must not count
                raise ValueError("the scale benchmark needs an empty database; this one "
                                 "holds articles")
        store_path = db
    else:
        for stale in workdir.glob("scale.db*"):  # a fresh store: earlier runs must not count
            stale.unlink()
    corpus = write_corpus(sources, spec, workdir / "corpus", batch_size)
    # Every skipped or odd record would log a line per batch; the counts are reported instead.
    logging.getLogger("newsloom").setLevel(logging.ERROR)
    report = ScaleReport(spec, corpus, batch_size, workers, feature_workers,
                         warmup_s=_warm_up(sorted(corpus.by_language), feature_workers),
                         load_before=os.getloadavg()[0],
                         backend="postgresql" if db else "sqlite",
                         runner="spark" if spark else "inprocess")
    with ExitStack() as stack:
        if spark is not None:  # one session for every batch, as one long job would have
            from newsloom.pipeline.spark import spark_session

            stack.enter_context(spark_session(spark.master))
        _run_batches(report, corpus.files, store_path, storylines_every, spark, console)
    report.load_after = os.getloadavg()[0]
    from newsloom.pipeline import pool as corpus_pool

    corpus_pool.shutdown()  # RUSAGE_CHILDREN counts reaped children only
    report.main_peak_mib = _own_peak_kib() / 1024
    report.worker_peak_mib = max(report.worker_peak_mib,
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if db is None:  # a server's database size is the server's to report
        report.store_mib = sum(p.stat().st_size for p in workdir.glob("scale.db*")) / 2**20
    return report


def _run_batches(report: ScaleReport, files: list[Path], store_path: str | Path,
                 storylines_every: int, spark: SparkOptions | None,
                 console: Console | None) -> None:
    columns = (TextColumn("[bold]scale[/] {task.description}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("batches"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=console is None) as progress:
        task = progress.add_task("", total=len(files))
        for index, path in enumerate(files):
            last = index == len(files) - 1
            storylines = storylines_every > 0 and ((index + 1) % storylines_every == 0 or last)
            result = run_batch(path, store_path, index, report.workers, storylines,
                               report.feature_workers, spark)
            report.batches.append(result)
            report.worker_peak_mib = max(report.worker_peak_mib, descendant_peak_mib())
            line = (f"batch {index}: {result.corpus:,} articles, {result.seconds:.1f}s "
                    f"({result.records / result.seconds:.1f}/s; ingest {result.ingest_s:.1f}s, "
                    f"corpus {result.corpus_s:.1f}s, storylines {result.storylines_s:.1f}s; "
                    f"load {result.load_average:.1f})")
            progress.update(task, advance=1, description=line)
            if console is not None and not console.is_terminal:
                console.print(line, highlight=False)  # a log file gets one line per batch


def report_to_json(report: ScaleReport) -> dict[str, object]:
    corpus = report.corpus
    return {
        "spec": asdict(report.spec), "backend": report.backend, "runner": report.runner,
        "batch_size": report.batch_size,
        "workers": report.workers, "feature_workers": report.feature_workers,
        "cores": usable_cpus(),
        "corpus": {"articles": corpus.articles, "by_language": dict(corpus.by_language),
                   "by_kind": dict(corpus.by_kind), "mean_chars": round(corpus.mean_chars),
                   "sources": corpus.sources},
        "warmup_s": round(report.warmup_s, 2), "seconds": round(report.seconds, 2),
        "articles_per_second": round(report.articles_per_second, 2),
        "stage_seconds": {k: round(v, 2) for k, v in report.stage_totals().items()},
        "growth": {k: round(v, 4) for k, v in report.growth().items()},
        "main_peak_mib": round(report.main_peak_mib, 1),
        "worker_peak_mib": round(report.worker_peak_mib, 1),
        "store_mib": round(report.store_mib, 1),
        "load_before": report.load_before, "load_after": report.load_after,
        "batches": [asdict(b) | {"seconds": round(b.seconds, 3)} for b in report.batches],
    }


def print_scale_report(report: ScaleReport, out: Console) -> None:
    from rich.table import Table

    c = report.corpus
    runner = "Spark" if report.runner == "spark" else \
        f"{report.workers} extraction + {report.feature_workers} feature workers"
    table = Table(title=f"Scale — {c.articles:,} articles in batches of {report.batch_size:,}, "
                        f"{report.backend}, {runner}, {usable_cpus()} cores")
    columns = ("batch", "records", "added", "corpus", "dups", "stories", "ingest s",
               *(f"{s} s" for s in CORPUS_STAGES), "storylines s", "total s", "CPU s",
               "articles/s", "load")
    for column in columns:
        table.add_column(column, justify="right")
    for b in report.batches:
        table.add_row(str(b.index), str(b.records), str(b.added), f"{b.corpus:,}",
                      str(b.duplicates), f"{b.stories:,}", f"{b.ingest_s:.1f}",
                      *(f"{b.stages.get(s, 0.0):.1f}" for s in CORPUS_STAGES),
                      f"{b.storylines_s:.1f}", f"{b.seconds:.1f}", f"{b.cpu_s:.0f}",
                      f"{b.records / b.seconds:.1f}" if b.seconds else "—",
                      f"{b.load_average:.1f}")
    out.print(table)
    totals = report.stage_totals()
    share = ", ".join(f"{k} {v:.0f}s ({v / report.seconds:.0%})" for k, v in totals.items()
                      if report.seconds)
    out.print(f"End to end: {c.articles:,} records in {report.seconds:.0f}s = "
              f"[bold]{report.articles_per_second:.1f} articles/s[/] (model load "
              f"{report.warmup_s:.1f}s not included). Stages: {share}.")
    growth = report.growth()
    if growth:
        out.print(f"Per-article cost: first {growth['batches_at_each_end']:.0f} batches "
                  f"{growth['first_ms_per_article']:.1f} ms, last "
                  f"{growth['batches_at_each_end']:.0f} {growth['last_ms_per_article']:.1f} ms; "
                  f"fitted slope {growth['slope_ms_per_10k']:+.2f} ms per 10,000 stored "
                  f"articles (intercept {growth['intercept_ms']:.1f} ms). CPU (all "
                  f"processes): first {growth['first_cpu_ms_per_article']:.1f} ms, last "
                  f"{growth['last_cpu_ms_per_article']:.1f} ms, slope "
                  f"{growth['slope_cpu_ms_per_10k']:+.2f} ms per 10,000.")
    samples = [f"{b.corpus:,} articles: {b.storylines_s:.1f}s ({b.storylines_cpu_s:.1f} CPU s, "
               f"{b.storylines_touched:,} stories relinked)" for b in report.batches
               if b.storylines_s]
    if samples:
        out.print("Storyline updates (not in the totals above; the first regroups every story, "
                  "later ones relink the stories changed since): "
                  + "; ".join(samples) + ".")
    out.print(f"Corpus: {dict(c.by_language)} by language, {dict(c.by_kind)} by kind, "
              f"mean {c.mean_chars:,.0f} characters. Peak RSS: main process "
              f"{report.main_peak_mib:.0f} MiB (VmHWM), largest worker "
              f"{report.worker_peak_mib:.0f} MiB (RUSAGE_CHILDREN). Store "
              f"{report.store_mib:.0f} MiB. 1-minute load average {report.load_before:.1f} "
              f"before, {report.load_after:.1f} after.")
