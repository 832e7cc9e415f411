"""End to end: the real ``newsloom`` command on the bundled seed articles and fixtures, on
each store backend (a SQLite file; a PostgreSQL schema on the session's test server)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from markupsafe import escape

import pg_server
from newsloom.model import ARTICLE_EXPORT_FIELDS
from newsloom.report import default_report_dir

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "examples" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"


def newsloom(*args: str, db: Path | str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSLOOM_DB": str(db), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "newsloom", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def analyzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[tuple[Path, Path | str]]:
    work = tmp_path_factory.mktemp("e2e")
    db: Path | str  # a file, or a URL of a PostgreSQL store
    with (pg_server.temporary_store("e2e") if request.param == "postgres"
          else nullcontext(work / "newsloom.db")) as db:
        result = newsloom("analyze", str(SEEDS), str(FIXTURES), "--no-print", db=db, cwd=work)
        assert result.returncode == 0, result.stderr
        yield work, db


def _export(db: Path | str, cwd: Path) -> list[dict[str, object]]:
    result = newsloom("export", "articles", "--format", "jsonl", db=db, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_analyze_writes_reports_and_export_has_stable_fields(
        analyzed: tuple[Path, Path | str]) -> None:
    work, db = analyzed
    report = work / default_report_dir(db)
    md = (report / "report.md").read_text(encoding="utf-8")
    html = (report / "report.html").read_text(encoding="utf-8")
    records = _export(db, work)
    by_source = {r["source_id"]: r for r in records}
    # 5 seeds + page.html + 2 feed entries + 2 JSONL articles
    assert len(records) == 10
    assert all(list(r) == list(ARTICLE_EXPORT_FIELDS) for r in records)
    seeds = [by_source[p.stem] for p in sorted(SEEDS.glob("*.txt"))]
    assert [s["language"] for s in seeds] == ["de", "de", "de", "de", "nl"]
    assert seeds[0]["published"] == "2019-08-14" and seeds[0]["published_source"] == "byline"
    assert all(s["published"] is None for s in seeds[1:])
    assert by_source["page"]["published"] == "2024-03-18"
    assert by_source["page"]["outlet"] == "Harbour Times"
    assert by_source["nl-001"]["language"] == "nl"
    for record in records:
        assert str(record["title"]) in md and str(escape(str(record["title"]))) in html
    assert "Skipped inputs" in md and "malformed JSON line" in md


def test_reanalyze_changes_nothing(analyzed: tuple[Path, Path | str]) -> None:
    work, db = analyzed
    before = _export(db, work)
    result = newsloom("ingest", str(SEEDS), str(FIXTURES), db=db, cwd=work)
    assert result.returncode == 0
    assert "0 added" in result.stderr and "10 unchanged" in result.stderr
    assert _export(db, work) == before


def test_csv_export_to_file(analyzed: tuple[Path, Path | str]) -> None:
    work, db = analyzed
    out = work / "articles.csv"
    result = newsloom("export", "articles", "--format", "csv", "--output", str(out), db=db,
                      cwd=work)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 10 and list(rows[0]) == list(ARTICLE_EXPORT_FIELDS)
    assert isinstance(json.loads(rows[0]["removed_lines"]), list)


def test_show_lists_removed_lines_with_reasons(analyzed: tuple[Path, Path | str]) -> None:
    work, db = analyzed
    result = newsloom("show", "004_957069b94ee8dd14", "--removed", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    text, _, removed = result.stdout.partition("removed lines")
    assert "Met de deal krijgt Huawei de opdracht" in text
    assert "Overslaan en naar de inhoud gaan" not in text
    assert "Overslaan en naar de inhoud gaan" in removed
    missing = newsloom("show", "does-not-exist", db=db, cwd=work)
    assert missing.returncode == 1 and "no article" in missing.stderr


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in (["--help"], ["ingest", "--help"], ["analyze", "--help"],
                    ["export", "articles", "--help"], ["show", "--help"], ["report", "--help"],
                    ["eval", "extraction", "--help"]):
        result = newsloom(*command, db=tmp_path / "x.db", cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_seed_entities_and_storylines(analyzed: tuple[Path, Path | str]) -> None:
    """Issue 3 on the seeds: the named actors are found, the USA and Russia each resolve to
    one entity across German and Dutch, and the AT&T and Russia articles share storylines."""
    work, db = analyzed
    by_source = {r["source_id"]: r for r in _export(db, work)}
    seeds = [by_source[p.stem] for p in sorted(SEEDS.glob("*.txt"))]
    names = {str(e["name"]) for s in seeds for e in s["entities"]}  # type: ignore[attr-defined]
    assert {"Huawei", "AT&T", "Mail.ru", "MTS", "Ren Zhengfei", "Xi Jinping", "Donald Trump",
            "Reuters", "United States", "Russia"} <= names
    result = newsloom("export", "entities", "--format", "jsonl", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    entities = [json.loads(line) for line in result.stdout.splitlines()]
    for name, de, nl in (("United States", "Vereinigten Staaten", "Verenigde Staten"),
                         ("Russia", "russischen", "Rusland")):
        matching = [e for e in entities if e["name"] == name]
        assert len(matching) == 1
        assert de in matching[0]["aliases"]["de"] and nl in matching[0]["aliases"]["nl"]
    huawei = [e for e in entities if e["name"] == "Huawei"]
    assert len(huawei) == 1 and huawei[0]["type"] == "ORG"
    line = [s["storyline_id"] for s in seeds]
    assert line[2] is not None and line[2] == line[3]
    assert line[0] is not None and line[0] == line[4]


def test_seed_stories_keep_the_five_events_apart(analyzed: tuple[Path, Path | str]) -> None:
    """Issue 10 on the seeds: five events, five stories; the Russia pair (000, 004) and the
    AT&T pair (002, 003) each form a storyline, and 001 stands apart."""
    work, db = analyzed
    by_source = {r["source_id"]: r for r in _export(db, work)}
    story = [by_source[p.stem]["story_id"] for p in sorted(SEEDS.glob("*.txt"))]
    line = [by_source[p.stem]["storyline_id"] for p in sorted(SEEDS.glob("*.txt"))]
    assert len(set(story)) == 5
    assert line[0] == line[4] and line[2] == line[3] != line[0]
    assert line[1] not in {line[0], line[2]}


def test_eval_search_times_every_mode_on_each_backend(analyzed: tuple[Path, Path | str]
                                                      ) -> None:
    """`eval search --db` takes a postgresql:// URL as well as a file (issue 14's
    side-by-side latency): same queries, every mode timed, hits found on both."""
    work, db = analyzed
    result = newsloom("eval", "search", "--db", str(db), "--queries", "4", "--format", "json",
                      db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    latency = json.loads(result.stdout)["latency"]
    assert latency["articles"] >= 10 and len(latency["queries"]) == 4
    assert [m["mode"] for m in latency["modes"]] == [
        "keyword", "semantic", "hybrid", "hybrid + language filter"]
    assert all(m["queries"] == 4 and m["mean_hits"] > 0 for m in latency["modes"])


def test_eval_storylines_on_the_seeds(tmp_path: Path) -> None:
    result = newsloom("eval", "storylines", str(SEEDS), "--format", "json",
                      db=tmp_path / "unused.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["articles"], report["stories"], report["storylines"]) == (5, 5, 3)
    labels = [label for _, label in report["labels"]]
    assert len(labels) == 2 and report["bad_labels"] == []
    assert any("Russia" in label for label in labels) and any("AT&T" in label for label in labels)
