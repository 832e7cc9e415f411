"""End to end: ``newsloom timeline`` and ``newsloom summary`` through the real CLI on the
seeds, on each store backend (a SQLite file; a PostgreSQL schema on the session's test
server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest

import pg_server
from test_cli_e2e import SEEDS, newsloom
from timeline_corpus import CORE, STATED, expected_citations, write_jsonl

#: The work folder, the store (a file or a PostgreSQL URL), the seeds' exported records.
Seeded = tuple[Path, Path | str, dict[str, Any]]


@contextmanager
def _analysed(backend: str, work: Path, source: Path) -> Iterator[tuple[Path | str, list[Any]]]:
    """``source`` analysed through the CLI into a new store of ``backend``: the store and
    its exported article records."""
    db: Path | str
    with (pg_server.temporary_store("timeline") if backend == "postgres"
          else nullcontext(work / "newsloom.db")) as db:
        result = newsloom("analyze", str(source), "--no-print", db=db, cwd=work)
        assert result.returncode == 0, result.stderr
        exported = newsloom("export", "articles", db=db, cwd=work)
        assert exported.returncode == 0, exported.stderr
        yield db, [json.loads(line) for line in exported.stdout.splitlines()]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Seeded]:
    work = tmp_path_factory.mktemp("timeline-e2e")
    with _analysed(request.param, work, SEEDS) as (db, records):
        yield work, db, {r["source_id"][:3]: r for r in records}


def _timeline(seeded: Seeded, *args: str) -> dict[str, Any]:
    work, db, _ = seeded
    result = newsloom("timeline", *args, "--format", "json", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_huawei_timeline_dates_the_mailru_talks_and_nothing_falsely(
        seeded: Seeded) -> None:
    _, _, seeds = seeded
    data = _timeline(seeded, "--entity", "Huawei")
    talks = [e for e in data["entries"] if e["date"] == "2019-08-14"]
    assert len(talks) == 1
    assert talks[0]["citations"] == [seeds["000"]["id"]]  # merges nothing else into it
    assert all(s["article_id"] == seeds["000"]["id"] for s in talks[0]["sentences"])
    assert talks[0]["sentences"][0]["lang"] == "de"
    others = {seeds[k]["id"] for k in ("001", "002", "003", "004")}
    # the other four state no publication date: never placed at a day from publication
    for entry in data["entries"]:
        if entry["basis"] == "published":
            assert not set(entry["citations"]) & others
    undated = [e["citations"][0] for e in data["undated"]]
    assert set(undated) == others
    estimated = [e["estimate"] for e in data["undated"]]
    # ordered by estimate only as far as there is one; the rest after, never invented
    assert estimated == sorted(estimated, key=lambda v: v or "9999")
    for entry in data["undated"]:
        record = next(r for r in seeds.values() if r["id"] == entry["citations"][0])
        estimate = record["published_estimate"]
        assert entry["estimate"] == (estimate["value"] if estimate else None)
    dates = [e["date"] for e in data["entries"]]
    assert dates == sorted(dates)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bridge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Seeded]:
    """The fixtures_timeline articles analysed for real: the bridge story has several dates."""
    work = tmp_path_factory.mktemp("timeline-bridge")
    with _analysed(request.param, work, write_jsonl(work)) as (db, records):
        yield work, db, {r["source_id"]: r for r in records}


def test_story_timeline_orders_limits_and_cites(
        bridge: Seeded) -> None:
    _, _, records = bridge
    story_id = records["a1"]["story_id"]
    members = {source for source, r in records.items() if r["story_id"] == story_id}
    assert members >= CORE
    ids = {source: r["id"] for source, r in records.items()}
    full = _timeline(bridge, "--story", story_id)
    dates = [e["date"] for e in full["entries"]]
    assert set(STATED) <= set(dates) and dates == sorted(dates)
    collapse = next(e for e in full["entries"] if e["date"] == "2024-03-18")
    assert len({s["article_id"] for s in collapse["sentences"]}) == 2  # default: 2 per date
    # Two dates: the two that most articles state (collapse, inquiry), in date order; the
    # reopening (one article) and a2's publication day (no stated date) are left out.
    limited = _timeline(bridge, "--story", story_id, "--max-dates", "2",
                        "--sentences-per-date", "1")
    assert [e["date"] for e in limited["entries"]] == ["2024-03-18", "2024-03-20"]
    for entry in limited["entries"]:
        assert set(entry["citations"]) == expected_citations(entry["date"], members, ids)
        [sentence] = entry["sentences"]
        assert sentence["article_id"] in entry["citations"]
    assert "18" in limited["entries"][0]["sentences"][0]["text"]
    spanned = _timeline(bridge, "--story", story_id, "--from", "2024-03-19", "--to",
                        "2024-03-31")
    kept = [e["date"] for e in spanned["entries"]]
    assert "2024-03-20" in kept and all("2024-03-19" <= d <= "2024-03-31" for d in kept)


def test_markdown_html_and_output_file(seeded: Seeded) -> None:
    work, db, seeds = seeded
    md = newsloom("timeline", "--entity", "Huawei", db=db, cwd=work)
    assert md.returncode == 0, md.stderr
    assert "## 2019-08-14" in md.stdout and "## Undated" in md.stdout
    assert seeds["000"]["id"] in md.stdout
    out = work / "timeline.html"
    html = newsloom("timeline", "--entity", "huawei", "--format", "html", "--output", str(out),
                    db=db, cwd=work)
    assert html.returncode == 0, html.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "2019-08-14" in text


def test_story_and_storyline_modes_and_bad_input(
        seeded: Seeded) -> None:
    work, db, seeds = seeded
    story_id = seeds["000"]["story_id"]
    data = _timeline(seeded, "--story", story_id)
    assert {c for e in data["entries"] + data["undated"] for c in e["citations"]} == {
        r["id"] for r in seeds.values() if r["story_id"] == story_id}
    line = _timeline(seeded, "--storyline", seeds["000"]["storyline_id"])
    assert line["entries"] or line["undated"]
    query = _timeline(seeded, "--query", "Huawei Russland 5G")
    cited = {c for e in query["entries"] + query["undated"] for c in e["citations"]}
    assert seeds["004"]["id"] in cited  # the Dutch MTS article, found across languages
    unknown = newsloom("timeline", "--entity", "Nonexistent Corp", db=db, cwd=work)
    assert unknown.returncode == 1 and "no entity" in unknown.stderr
    missing = newsloom("timeline", "--story", "nope", db=db, cwd=work)
    assert missing.returncode == 1 and "no story" in missing.stderr
    none = newsloom("timeline", db=db, cwd=work)
    assert none.returncode == 2 and "exactly one" in none.stderr
    bad = newsloom("timeline", "--entity", "Huawei", "--from", "14.08.2019", db=db, cwd=work)
    assert bad.returncode == 2 and "ISO date" in bad.stderr
    fmt = newsloom("timeline", "--entity", "Huawei", "--format", "pdf", db=db, cwd=work)
    assert fmt.returncode == 2


def test_summary_command(seeded: Seeded) -> None:
    work, db, seeds = seeded
    story_id = seeds["000"]["story_id"]
    result = newsloom("summary", "--story", story_id, "--format", "json", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert 3 <= len(summary["sentences"]) <= 5
    ids = {r["id"] for r in seeds.values()}
    assert {s["article_id"] for s in summary["sentences"]} <= ids
    # the Russia storyline holds the German Mail.ru story and the Dutch MTS one
    line_id = seeds["000"]["storyline_id"]
    assert line_id == seeds["004"]["storyline_id"]
    dutch = json.loads(newsloom("summary", "--storyline", line_id, "--lang", "nl", "-f", "json",
                                db=db, cwd=work).stdout)
    assert any(s["lang"] == "nl" for s in dutch["sentences"])
    md = newsloom("summary", "--storyline", line_id, "--lang", "nl", db=db, cwd=work)
    assert "(de) " in md.stdout  # other languages keep their tag
    missing = newsloom("summary", "--story", "nope", db=db, cwd=work)
    assert missing.returncode == 1 and "no story" in missing.stderr
