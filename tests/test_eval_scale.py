"""The scale benchmark: its synthetic corpus and the batch-by-batch harness (small N)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import pg_server
from newsloom.eval.processes import _descendants, cpu_seconds, descendant_peak_mib
from newsloom.eval.scale import ScaleReport, run_scale
from newsloom.eval.scale_corpus import (
    CorpusSpec,
    Source,
    detokenize,
    generate,
    load_sources,
    write_corpus,
)
from newsloom.model import content_id
from newsloom.pipeline import pool as corpus_pool
from newsloom.pipeline.stages import featurize
from newsloom.represent.minhash import DUPLICATE_JACCARD, jaccard, signature
from newsloom.store import SQLiteStore

DATA = Path(__file__).parents[2] / "shared" / "data"
needs_data = pytest.mark.skipif(not (DATA / "semeval-pairs-dev").is_dir(),
                                reason="../shared/data is absent")


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    if not (DATA / "semeval-pairs-dev").is_dir():
        pytest.skip("../shared/data is absent")
    return load_sources(DATA)


def test_detokenize_undoes_treebank_tokens() -> None:
    assert detokenize("Obama 's plan -LRB- BP -RRB- , `` big '' .") == \
        'Obama\'s plan (BP), "big".'


@needs_data
def test_corpus_is_deterministic_and_seeded(sources: list[Source]) -> None:
    spec = CorpusSpec(articles=300, seed=3)
    first, again = list(generate(sources, spec)), list(generate(sources, spec))
    assert first == again
    other = list(generate(sources, CorpusSpec(articles=300, seed=4)))
    assert [r["text"] for r in other] != [r["text"] for r in first]


@needs_data
def test_corpus_has_the_asked_mix_lengths_and_duplicates(sources: list[Source]) -> None:
    mix = {"en": 0.5, "de": 0.3, "es": 0.2}
    spec = CorpusSpec(articles=2000, seed=11, mix=mix, near_duplicate_rate=0.1,
                      exact_duplicate_rate=0.05)
    records = list(generate(sources, spec))
    languages = Counter(str(r["corpus_lang"]) for r in records)
    assert set(languages) == set(mix)
    for lang, share in mix.items():
        assert abs(languages[lang] / len(records) - share) < 0.04, languages
    kinds = Counter(str(r["kind"]) for r in records)
    assert abs(kinds["near"] / len(records) - 0.1) < 0.03
    assert abs(kinds["exact"] / len(records) - 0.05) < 0.02
    by_id = {r["id"]: r for r in records}
    for record in records:
        if record["kind"] == "fresh":
            assert 400 <= len(str(record["text"])) <= 12_000 + 5_000  # last paragraph spills
            continue
        original = by_id[record["copy_of"]]
        assert record["url"] != original["url"]
        if record["kind"] == "exact":
            assert record["text"] == original["text"]
        else:  # a re-post the duplicate detector must catch, with a different content hash
            assert content_id(str(record["text"])) != content_id(str(original["text"]))
            assert jaccard(signature(str(record["text"])),
                           signature(str(original["text"]))) >= DUPLICATE_JACCARD
    fresh = [str(r["text"]) for r in records if r["kind"] == "fresh"]
    assert len({content_id(t) for t in fresh}) == len(fresh)  # distinct content
    # fresh articles are not near-duplicates of each other (checked on a sample)
    sample = [signature(t) for t in fresh[:150]]
    close = sum(jaccard(a, b) >= DUPLICATE_JACCARD
                for i, a in enumerate(sample) for b in sample[i + 1:])
    assert close <= 2


@needs_data
def test_corpus_files_hold_batches(sources: list[Source], tmp_path: Path) -> None:
    stats = write_corpus(sources, CorpusSpec(articles=250, seed=1), tmp_path, batch_size=100)
    assert [p.name for p in stats.files] == ["batch-00000.jsonl", "batch-00001.jsonl",
                                             "batch-00002.jsonl"]
    lines = [p.read_text(encoding="utf-8").splitlines() for p in stats.files]
    assert [len(x) for x in lines] == [100, 100, 50]
    assert stats.articles == 250 == sum(stats.by_language.values())
    assert json.loads(lines[0][0])["id"] == "syn-000000"


@needs_data
def test_harness_runs_batches_into_one_growing_store(tmp_path: Path) -> None:
    report = run_scale(DATA, tmp_path, CorpusSpec(articles=300, seed=5), batch_size=100,
                       workers=2, feature_workers=2, storylines_every=2)
    assert report is not None
    assert [b.records for b in report.batches] == [100, 100, 100]
    corpus = [b.corpus for b in report.batches]
    assert corpus == sorted(corpus) and corpus[-1] == sum(b.clustered for b in report.batches)
    # identical texts (syndicated copies) are deduplicated by ingest; all others are stored
    # and clustered
    texts = {content_id(json.loads(line)["text"]) for path in report.corpus.files
             for line in path.read_text(encoding="utf-8").splitlines()}
    assert sum(b.added for b in report.batches) == corpus[-1] == len(texts)
    assert len(texts) <= 300 - report.corpus.by_kind["exact"]
    assert sum(b.duplicates for b in report.batches) > 0
    assert [b.storylines_s > 0 for b in report.batches] == [False, True, True]
    for batch in report.batches:
        assert batch.ingest_s > 0 and batch.corpus_s > 0 and batch.cpu_s > 0
        assert batch.stages["ner"] > 0 and batch.stages["embed"] > 0
    assert report.articles_per_second > 0 and report.main_peak_mib > 0
    assert report.worker_peak_mib > 0
    assert set(report.growth()) >= {"first_ms_per_article", "slope_ms_per_10k"}
    with SQLiteStore(tmp_path / "scale.db") as store:
        assert store.count_pending_articles() == 0


def test_harness_skips_without_data(tmp_path: Path) -> None:
    assert run_scale(tmp_path / "absent", tmp_path, CorpusSpec(articles=10)) is None


@needs_data
def test_worker_pool_features_equal_in_process_features(tmp_path: Path) -> None:
    stats = write_corpus(load_sources(DATA), CorpusSpec(articles=24, seed=2), tmp_path, 24)
    from newsloom.pipeline.ingest import PipelineOptions, ingest

    with SQLiteStore(tmp_path / "s.db") as store:
        ingest(stats.files, store, PipelineOptions(workers=1))
        articles = list(store.articles())
    local = featurize(articles)
    pooled = [f for future in corpus_pool.submit(articles, 2, "use-m3")
              for f in future.result()[0]]
    assert [f.article_id for f in pooled] == [f.article_id for f in local]
    for a, b in zip(local, pooled, strict=True):
        assert a.entities == b.entities
        assert (a.signature == b.signature).all()
        assert float(np.dot(a.vector, b.vector)) > 0.9999


def _outcome(report: ScaleReport) -> list[tuple[int, int, int, int]]:
    return [(b.records, b.added, b.corpus, b.duplicates) for b in report.batches]


@needs_data
def test_harness_on_postgresql_matches_sqlite_and_needs_an_empty_database(
        tmp_path: Path) -> None:
    spec = CorpusSpec(articles=120, seed=5)
    lite = run_scale(DATA, tmp_path / "lite", spec, batch_size=60, workers=1,
                     feature_workers=1, storylines_every=2)
    with pg_server.temporary_store("scale") as url:
        report = run_scale(DATA, tmp_path / "pg", spec, batch_size=60, workers=1,
                           feature_workers=1, storylines_every=2, db=url)
        assert report is not None and lite is not None
        assert (report.backend, lite.backend) == ("postgresql", "sqlite")
        assert _outcome(report) == _outcome(lite)
        assert [b.stories for b in report.batches] == [b.stories for b in lite.batches]
        assert not list((tmp_path / "pg").glob("scale.db*"))  # nothing beside the server
        with pytest.raises(ValueError, match="empty database"):
            run_scale(DATA, tmp_path / "again", spec, batch_size=60, db=url)
    with pytest.raises(ValueError, match="postgresql://"):
        run_scale(DATA, tmp_path / "file", spec, db=str(tmp_path / "x.db"))


@needs_data
def test_harness_through_spark_counts_its_processes(tmp_path: Path) -> None:
    """Each batch one Spark run: the same articles stored and clustered as in process, and
    the CPU and memory of Spark's JVM and Python workers (descendants) counted."""
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: the Spark runner needs Java 17 "
                    "(apt-get install -y openjdk-17-jre-headless)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    from newsloom.pipeline.spark import SparkOptions

    spec = CorpusSpec(articles=80, seed=7)
    lite = run_scale(DATA, tmp_path / "lite", spec, batch_size=40, workers=1,
                     feature_workers=1, storylines_every=0)
    spark = run_scale(DATA, tmp_path / "spark", spec, batch_size=40, storylines_every=0,
                      spark=SparkOptions(master="local[2]"))
    assert spark is not None and lite is not None and spark.runner == "spark"
    assert _outcome(spark) == _outcome(lite)
    assert [b.stories for b in spark.batches] == [b.stories for b in lite.batches]
    assert sum(b.cpu_s for b in spark.batches) > 0
    assert spark.worker_peak_mib > 100  # the executors hold the models


def test_cpu_seconds_count_the_live_grandchildren() -> None:
    """Spark's Python workers are children of its JVM, a child of this process: their CPU
    counts while they live, as the feature pool's does."""
    burn = ("import time; end = time.process_time() + 1.5\n"
            "while time.process_time() < end: pass\n"
            "time.sleep(30)")
    spawn = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}])"
    before = cpu_seconds()
    child = subprocess.Popen([sys.executable, "-c", spawn])
    try:
        deadline = time.monotonic() + 20
        while cpu_seconds() - before < 1.4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert cpu_seconds() - before >= 1.4
        assert descendant_peak_mib() > 1
    finally:  # only what this test started: the suite's Spark JVM is a descendant too
        for pid in _descendants(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.kill()
        child.wait()
