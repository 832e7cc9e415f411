"""The Spark runner (``newsloom spark analyze``) against the in-process pipeline.

On a small corpus of real documents in every input format (the five example articles, the
HTML, RSS and JSONL fixtures, the plain-text fixtures and a WARC of the HTML pages), a Spark
run on ``local[2]`` — with the JSONL files cut into byte ranges, so one file spans several
partitions, and the executors writing the store — must leave the store exactly as
``newsloom analyze`` does: the same articles, entities, duplicates, stories and storylines,
ids included. A second run changes nothing, and a partition's write run twice (a retried
task), or by two processes at once, stores nothing twice. The same run with a
PostgreSQL store (the session's test server) gives the same store again.

Spark starts in ~20 s, so the module shares one session; without Java it skips, saying so.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import pg_server
from newsloom.cli.app import app
from newsloom.model import Skip
from newsloom.store import open_store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "examples", ROOT / "tests" / "fixtures", ROOT / "tests" / "fixtures_plaintext"]
#: Small enough that both JSONL fixtures (1.1 and 1.6 KB) are cut into several splits.
SPLIT_MB = "0.0005"

runner = CliRunner()


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: the Spark runner needs Java 17 "
                    "(apt-get install openjdk-17-jre-headless; .ci/run installs it)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    from newsloom.pipeline.spark import spark_session

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with spark_session("local[2]") as session:
        yield session


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The fixture folders plus a gzipped WARC holding the two HTML fixture pages."""
    folder = tmp_path_factory.mktemp("warc")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    pages = [("https://news.example/page", ROOT / "tests/fixtures/page.html"),
             ("https://news.example/mini", ROOT / "tests/fixtures_plaintext/mini_page.html")]
    for url, page in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(page.read_bytes()), http_headers=headers))
    (folder / "pages.warc.gz").write_bytes(buffer.getvalue())
    return [*FOLDERS, folder]


def _invoke(*args: str) -> str:
    """The command's output with whitespace runs as one space (the console wraps lines)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def snapshot(db: Path | str) -> dict[str, Any]:
    """Everything the equivalence is about, read through the store's ports."""
    with open_store(db) as store:
        articles = list(store.articles())
        return {
            "articles": [(a.id, a.source, a.title, a.published.value if a.published else None,
                          a.language) for a in articles],
            "entities": sorted((e.id, e.name, e.type, sorted((lang, sorted(forms)) for lang, forms
                                                             in e.aliases.items()))
                               for e in store.list_entities()),
            "article_entities": sorted((m.article_id, m.entity.id, round(m.salience, 4))
                                       for m in store.member_entities()),
            # duplicate_of, story id and storyline id of each article
            "links": {a.id: store.article_links(a.id) for a in articles},
            "storylines": store.storyline_labels(),
            "counts": store.summary(),
        }


@pytest.fixture(scope="module")
def in_process(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("local") / "local.db"
    _invoke("analyze", *map(str, corpus), "--db", str(db), "--no-print",
            "--report-dir", str(db.parent / "report"))
    return snapshot(db)


@pytest.fixture(scope="module")
def spark_db(spark: SparkSession, corpus: list[Path],
             tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("spark") / "spark.db"
    output = _invoke("spark", "analyze", *map(str, corpus), "--db", str(db),
                     "--split-mb", SPLIT_MB, "--parquet", str(db.parent / "lake"))
    # Both JSONL files span several splits, so there are more splits than files.
    found = re.search(r"(\d+) splits in (\d+) partitions; (\d+) files", output)
    assert found is not None, output
    splits, partitions, files = map(int, found.groups())
    assert splits == partitions > files, output
    return db


def test_spark_run_equals_the_in_process_run(spark_db: Path, in_process: dict[str, Any]
                                             ) -> None:
    spark_run = snapshot(spark_db)
    assert len(spark_run["articles"]) >= 20  # every format made it in
    assert {link[1] for link in spark_run["links"].values()} - {None}  # stories exist
    assert spark_run["storylines"]
    for key in ("articles", "entities", "article_entities", "links", "storylines", "counts"):
        assert spark_run[key] == in_process[key], key


def test_spark_run_on_postgresql_equals_the_in_process_run(
        spark: SparkSession, corpus: list[Path], in_process: dict[str, Any]) -> None:
    """The same runner on a server store: only the --db URL differs."""
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(reason)
    schema = f"{pg_server.new_prefix()}_spark"
    url = pg_server.store_url(schema)
    try:
        _invoke("spark", "analyze", *map(str, corpus), "--db", url, "--split-mb", SPLIT_MB,
                "--partitions", "4")
        on_postgres = snapshot(url)
    finally:
        pg_server.drop_store(schema)
    for key in ("articles", "entities", "article_entities", "links", "storylines", "counts"):
        assert on_postgres[key] == in_process[key], key


def test_jsonl_files_are_read_as_several_splits(corpus: list[Path]) -> None:
    from newsloom.ingest.splits import plan_splits

    jsonl = ROOT / "tests" / "fixtures_plaintext" / "one_sentence_per_line.jsonl"
    splits = plan_splits([jsonl, ROOT / "tests" / "fixtures" / "page.html"],
                         int(float(SPLIT_MB) * 1024 * 1024))
    ranges = [(s.start, s.end) for s in splits if s.path == str(jsonl)]
    assert len(ranges) > 1 and ranges[0][0] == 0 and ranges[-1][1] is None
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))  # contiguous
    assert splits[-1].path.endswith("page.html") and splits[-1].kind == "file"


def test_a_jsonl_shard_is_read_by_several_tasks_that_write_it_themselves(
        spark: SparkSession, tmp_path: Path) -> None:
    """One JSONL shard, --partitions 4: its ranges go to several tasks, the executors'
    Python workers (not this driver process) write them, and the store is the one the
    in-process run builds from the same shard."""
    from newsloom.pipeline.spark import SparkOptions, analyze

    shard = tmp_path / "shard.jsonl"
    shard.write_bytes(b"".join([
        (ROOT / "tests/fixtures/articles.jsonl").read_bytes(),
        b'\n{"title": "cut off\n[1]\n',  # two bad lines: skips with their line numbers
        (ROOT / "tests/fixtures_plaintext/one_sentence_per_line.jsonl").read_bytes()]))
    local = tmp_path / "local.db"
    _invoke("analyze", str(shard), "--db", str(local), "--no-print",
            "--report-dir", str(tmp_path / "report"))
    db = tmp_path / "spark.db"
    with open_store(db) as store:
        run = analyze([shard], store, db, SparkOptions(partitions=4,
                                                        split_mb=float(SPLIT_MB)))
    assert run.partitions == 4 and run.splits > 4
    assert len(run.file_partitions[str(shard)]) > 1  # more than one task read the shard
    assert run.writers and os.getpid() not in run.writers  # executors wrote, not the driver
    assert run.stats.unaccounted == 0
    assert snapshot(db) == snapshot(local)
    with open_store(db) as store, open_store(local) as in_process:
        skipped = {(s.source, s.reason) for s in store.skipped()}
        assert skipped == {(s.source, s.reason) for s in in_process.skipped()}
    assert run.stats.skipped == len(skipped)
    bad = {source.rsplit("#", 1)[1]: reason for source, reason in skipped
           if source.startswith(str(shard))}
    assert bad["L7"].startswith("malformed JSON line") and "not a JSON object" in bad["L8"]


def test_parquet_tables_hold_the_stored_articles_and_their_features(
        spark: SparkSession, spark_db: Path) -> None:
    lake = spark_db.parent / "lake"
    articles = spark.read.parquet(str(lake / "articles"))
    features = spark.read.parquet(str(lake / "features"))
    with open_store(spark_db) as store:
        stored = {a.id for a in store.articles()}
    assert {row.id for row in articles.select("id").collect()} == stored
    rows = features.select("article_id", "vector", "minhash").collect()
    assert {row.article_id for row in rows} == stored
    assert all(len(row.vector) == 512 and len(row.minhash) > 0 for row in rows)


def test_a_second_spark_run_changes_nothing(spark: SparkSession, spark_db: Path,
                                            corpus: list[Path]) -> None:
    before = snapshot(spark_db)
    output = _invoke("spark", "analyze", *map(str, corpus), "--db", str(spark_db),
                     "--split-mb", SPLIT_MB, "--partitions", "3")
    assert " 0 added" in output and "0 clustered" in output, output
    assert snapshot(spark_db) == before


def _types(value: object) -> set[type]:
    """The types of everything inside ``value`` (dataclasses, lists, dicts, tuples)."""
    import dataclasses

    found = {type(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set)):
        children = list(value)
    else:
        children = []
    for child in children:
        found |= _types(child)
    return found


def _write_twice(task: tuple[str, Any, list[str], Any]) -> tuple[int, int]:
    """For a pool worker: write the same partition, as a speculative copy of a task would."""
    from newsloom.pipeline.spark_tasks import close_task_stores, write_partition

    db, result, admitted, options = task
    [written] = write_partition(db, admitted, options, [result])
    close_task_stores()
    return sum(r.added for r in written.outcome.results), written.pid


def test_a_retried_partition_write_adds_nothing(tmp_path: Path) -> None:
    """The executor's write of one partition, run twice (a retried task), and by two
    processes at once (a speculative copy, waiting for SQLite's writer lease, not failing):
    every document is stored once, the counts add up, and what the write sends back holds
    counts, ids, skips and features, never a document or an article."""
    import multiprocessing

    from newsloom.extract import ExtractOptions
    from newsloom.ingest import ReadOptions
    from newsloom.ingest.splits import Split
    from newsloom.model import Article, RawDocument
    from newsloom.pipeline.ingest import IngestRun
    from newsloom.pipeline.spark_tasks import (
        close_task_stores,
        partition_manifest,
        run_partition,
        task_options,
        write_partition,
    )

    options = task_options(ReadOptions(), ExtractOptions(), "use-m3")
    splits = [Split(str(ROOT / "tests" / "fixtures" / "articles.jsonl")),
              Split(str(ROOT / "tests" / "fixtures_plaintext" / "en_article.txt"))]
    [result] = run_partition(options, 0, splits)
    [manifest] = partition_manifest([result])
    db = tmp_path / "s.db"
    try:
        with open_store(db) as store:
            run = IngestRun(store, "driver")
            admitted = {doc.id: doc for entry in manifest.entries if not isinstance(entry, Skip)
                        and (doc := run.admit(entry.stub())) is not None}
            [first] = write_partition(str(db), list(admitted), options, [result])
            run.apply(first.outcome, admitted, stored_elsewhere=True)
            run.finish("done")
            stored = [a.id for a in store.articles()]
            counts = store.summary()
            [again] = write_partition(str(db), list(admitted), options, [result])
            assert [a.id for a in store.articles()] == stored and store.summary() == counts
    finally:
        close_task_stores()
    assert len(stored) >= 2 and run.stats.added == len(stored)
    assert run.stats.unaccounted == 0
    assert sorted(first.features) == sorted(stored)  # the corpus stage's input
    assert not _types(first) & {RawDocument, Article}  # no content goes to the driver
    retried = again.outcome
    assert sum(r.added + r.new_versions for r in retried.results) == 0
    assert retried.known == len(stored) and again.features == {}
    # two processes writing the same partition into a fresh SQLite store at once
    fresh = tmp_path / "t.db"  # created by the two writers at once (under the lease)
    task = (str(fresh), result, list(admitted), options)
    # spawned, not forked: earlier tests leave Spark's py4j threads in this process, and a
    # fork taken while one of them holds a lock can hang the pool (seen once in the suite)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        outcomes = pool.map(_write_twice, [task, task])
    assert sorted(added for added, _ in outcomes) == [0, len(stored)]
    assert len({pid for _, pid in outcomes}) == 2
    with open_store(fresh) as store:
        assert sorted(a.id for a in store.articles()) == sorted(stored)
