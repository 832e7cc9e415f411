"""End to end: ``newsloom search`` on the analysed seed articles, with the real encoder, on
each store backend (a SQLite file; a PostgreSQL schema on the session's test server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest

import pg_server
from test_cli_e2e import SEEDS, newsloom


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Path, Path | str]]:
    work = tmp_path_factory.mktemp("search")
    db: Path | str  # a file, or a URL of a PostgreSQL store
    with (pg_server.temporary_store("search") if request.param == "postgres"
          else nullcontext(work / "newsloom.db")) as db:
        result = newsloom("analyze", str(SEEDS), "--no-print", db=db, cwd=work)
        assert result.returncode == 0, result.stderr
        yield work, db


def _json(seeds: tuple[Path, Path | str], *args: str) -> dict[str, object]:
    work, db = seeds
    result = newsloom("search", *args, "--format", "json", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_german_query_finds_the_dutch_mts_article(seeds: tuple[Path, Path | str]) -> None:
    hits = _json(seeds, "Huawei Russland 5G")["hits"]
    assert isinstance(hits, list)
    dutch = [(rank, h) for rank, h in enumerate(hits, start=1) if h["language"] == "nl"]
    assert len(dutch) == 1
    rank, hit = dutch[0]
    assert "Rusland" in hit["title"] and rank <= 3
    assert hit["semantic_rank"] is not None
    assert any(s["highlighted"] for s in hit["snippet"])
    # The encoder alone, restricted to Dutch, still finds it.
    only = _json(seeds, "Huawei Russland 5G", "--mode", "semantic", "--lang", "nl")["hits"]
    assert isinstance(only, list)
    assert [h["article_id"] for h in only] == [hit["article_id"]]


def test_reports_of_russia_rank_above_those_that_never_mention_it(
        seeds: tuple[Path, Path | str]) -> None:
    # Two seeds report on Huawei in Russia: the Dutch MTS deal ("Rusland") and the German
    # Mail.ru one ("russischen", "Russen"); the other three never mention Russia.
    hits = _json(seeds, "Huawei Russland 5G")["hits"]
    assert isinstance(hits, list) and len(hits) == 5
    texts = {path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    russia = {h["title"] for h in hits if any(
        h["title"] in text and ("Rusland" in text or "russisch" in text) for text in texts)}
    assert len(russia) == 2
    assert any("Mail.ru" in t and "MTS" not in t for t in texts if any(r in t for r in russia))
    assert {h["title"] for h in hits[:2]} == russia
    # the Mail.ru report matched through the entity's other names, highlighted as such
    mail = next(h for h in hits[:2] if h["language"] == "de")
    assert {s["text"].lower() for s in mail["snippet"] if s["highlighted"]} & {
        "russischen", "russen", "russische"}


def test_text_output_and_filters(seeds: tuple[Path, Path | str]) -> None:
    work, db = seeds
    result = newsloom("search", "Huawei Smartphone", "--limit", "2", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    # Piped, the table is tab-separated: a header line, then one line a hit.
    header, *lines = result.stdout.splitlines()
    assert header.split("\t")[:2] == ["score", "title"] and len(lines) == 2
    assert "showing 2 of" in result.stderr and "for 'Huawei Smartphone'" in result.stderr
    dated = _json(seeds, "Huawei", "--from", "2019-08-01", "--to", "2019-08-31")["hits"]
    assert isinstance(dated, list)
    assert [h["published"][:7] for h in dated] == ["2019-08"]
    outlet = _json(seeds, "Huawei", "--outlet", "WinFuture")["hits"]
    assert isinstance(outlet, list)
    assert outlet and {h["outlet"] for h in outlet} == {"WinFuture"}


def test_stories_and_entity_filter(seeds: tuple[Path, Path | str]) -> None:
    stories = _json(seeds, "Huawei Russland", "--stories")["stories"]
    assert isinstance(stories, list) and stories
    assert all(s["hits"] and s["hits"][0]["story_id"] == s["story_id"] for s in stories)
    by_entity = _json(seeds, "Huawei", "--entity", "Huawei")["hits"]
    assert isinstance(by_entity, list) and by_entity


def test_bad_input_exits_with_a_message(seeds: tuple[Path, Path | str], tmp_path: Path) -> None:
    work, db = seeds
    unknown = newsloom("search", "Huawei", "--entity", "Nobody Known", db=db, cwd=work)
    assert unknown.returncode == 1 and "Nobody Known" in unknown.stderr
    bad_date = newsloom("search", "Huawei", "--from", "last week", db=db, cwd=work)
    assert bad_date.returncode == 2 and "date_from" in bad_date.stderr
    syntax = newsloom("search", '"AND (5G* :', db=db, cwd=work)
    assert syntax.returncode == 0, syntax.stderr
    missing = newsloom("search", "Huawei", db=tmp_path / "none.db", cwd=work)
    assert missing.returncode == 2 and "no store" in missing.stderr
    assert not (tmp_path / "none.db").exists()
