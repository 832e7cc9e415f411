"""The Spark runner (``newsloom spark analyze``) against the in-process pipeline.

On a small corpus of real documents in every input format (the five example articles, the
HTML, RSS and JSONL fixtures, the plain-text fixtures and a WARC of the HTML pages), a Spark
run on ``local[2]`` — with the JSONL files cut into record blocks, so one file spans several
partitions — must leave the store exactly as ``newsloom analyze`` does: the same articles,
entities, duplicates, stories and storylines, ids included. A second run changes nothing, and
a partition written twice (a retried task) stores nothing twice. The same run with a
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
    from newsloom.pipeline.spark_tasks import plan_splits

    jsonl = ROOT / "tests" / "fixtures_plaintext" / "one_sentence_per_line.jsonl"
    splits = plan_splits([jsonl, ROOT / "tests" / "fixtures" / "page.html"],
                         int(float(SPLIT_MB) * 1024 * 1024))
    blocks = [(s.first, s.last) for s in splits if s.path == str(jsonl)]
    assert len(blocks) > 1 and blocks[0][0] == 0 and blocks[-1][1] is None
    assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))  # contiguous
    assert [s.path for s in splits][-1].endswith("page.html")  # a page is one split


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


def test_a_partition_written_twice_is_stored_once(tmp_path: Path) -> None:
    """What a retried task (or a rerun) sends again: every document is known the second time,
    nothing is added, and no features go to the corpus stage twice."""
    from newsloom.extract import ExtractOptions
    from newsloom.ingest import ReadOptions
    from newsloom.pipeline.ingest import IngestRun
    from newsloom.pipeline.spark import write_partition
    from newsloom.pipeline.spark_tasks import Split, run_partition, task_options

    splits = [Split(str(ROOT / "tests" / "fixtures" / "articles.jsonl")),
              Split(str(ROOT / "tests" / "fixtures_plaintext" / "en_article.txt"))]
    [result] = run_partition(task_options(ReadOptions(), ExtractOptions(), "use-m3"), splits)
    with open_store(tmp_path / "s.db") as store:
        first_run = IngestRun(store, "first attempt")
        first = write_partition(first_run, result)
        first_run.finish("done")
        stored = [a.id for a in store.articles()]
        retry = IngestRun(store, "retried task")
        second = write_partition(retry, result)
        retry.finish("done")
        assert [a.id for a in store.articles()] == stored
    assert sorted(first) == sorted(stored) and len(stored) >= 2
    assert first_run.stats.added == len(stored)
    assert second == {}  # nothing goes to the corpus stage twice
    assert (retry.stats.added, retry.stats.new_versions) == (0, 0)
    assert retry.stats.unchanged == len(stored) and retry.stats.unaccounted == 0
