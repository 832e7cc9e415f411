"""Store and pipeline: idempotent re-ingest, page versions, interrupted runs resumed."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path

import pytest

import newsloom.pipeline.ingest as pipeline
from newsloom.extract import ExtractOptions
from newsloom.model import Article, RawDocument, Skip
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import SQLiteStore
from newsloom.store.sqlite.schema import MIGRATIONS

FIXTURES = Path(__file__).parent / "fixtures"
TOWNS = ["Leiden", "Utrecht", "Gouda", "Delft", "Haarlem", "Zwolle", "Breda", "Venlo"]


def _page(town: str, extra: str = "") -> str:
    body = " ".join(
        f"The council of {town} voted on Tuesday to build {n + 2} new bridges over the canal, "
        f"a plan that residents had demanded for {n + 5} years." for n in range(4))
    return (f"<html><head><title>{town} builds bridges</title>"
            f'<link rel="canonical" href="https://towns.example/{town.lower()}"></head>'
            f"<body><nav>Home | News | Login</nav><article><h1>{town} builds bridges</h1>"
            f"<p>{body}</p><p>{extra or 'The work starts in spring.'}</p></article>"
            "<footer>© Towns Daily</footer></body></html>")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for town in TOWNS:
        (folder / f"{town.lower()}.html").write_text(_page(town), encoding="utf-8")
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00\x00")
    return folder


def _opts(**kwargs: int) -> PipelineOptions:
    return PipelineOptions(workers=kwargs.pop("workers", 1), batch_size=kwargs.pop("batch", 3))


def _rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM articles ORDER BY id").fetchall()


def test_ingest_stores_articles_and_skips(corpus: Path, tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="newsloom"), \
            SQLiteStore(tmp_path / "s.db") as store:
        stats = ingest([corpus], store, _opts())
        assert (stats.files, stats.added, stats.skipped) == (9, 8, 1)
        assert [s.reason for s in store.skipped()] == ["truncated gzip stream"]
        # one warning, naming the file and the reason
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
            f"skipped {corpus / 'broken.html.gz'}: truncated gzip stream"]
        titles = sorted(a.title or "" for a in store.articles())
        assert titles == sorted(f"{t} builds bridges" for t in TOWNS)
        article = store.get_article("leiden")
        assert article is not None and "Login" not in article.text
        assert article.language == "en"
        hits = store.search_text("Haarlem")
        assert [a.source_id for a, _ in hits] == ["haarlem"]


#: Where the traced extraction leaves one file per process that ran it (set per test; forked
#: pool workers inherit it).
_TRACE_DIR: Path | None = None
_REAL_EXTRACT = pipeline.extract_or_skip


def _traced_extract(doc: RawDocument, options: ExtractOptions | None = None) -> Article | Skip:
    """The real extraction, noting the source in ``<pid>.txt``. Module-level, so the pool can
    pickle it by name."""
    assert _TRACE_DIR is not None
    with (_TRACE_DIR / f"{os.getpid()}.txt").open("a", encoding="utf-8") as trace:
        trace.write(doc.source + "\n")
    return _REAL_EXTRACT(doc, options)


def _articles(db: Path) -> list[Article]:
    with SQLiteStore(db) as store:
        return sorted(store.articles(), key=lambda a: a.id)


def test_two_workers_extract_in_a_pool_and_match_one(corpus: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    global _TRACE_DIR
    monkeypatch.setattr(pipeline, "extract_or_skip", _traced_extract)
    traces = {}
    for workers in (1, 2):
        _TRACE_DIR = tmp_path / f"trace-{workers}"
        _TRACE_DIR.mkdir()
        with SQLiteStore(tmp_path / f"w{workers}.db") as store:
            # One batch of all 8 pages: the pool is only worth starting from 8 documents on.
            stats = ingest([corpus], store, _opts(workers=workers, batch=16))
        assert (stats.added, stats.skipped) == (8, 1)
        traces[workers] = {int(path.stem): path.read_text(encoding="utf-8").split()
                           for path in _TRACE_DIR.iterdir()}
    _TRACE_DIR = None
    assert list(traces[1]) == [os.getpid()]  # one worker: extraction stays in-process
    pool = traces[2]
    assert pool and os.getpid() not in pool and len(pool) <= 2  # only the pool's children
    extracted = sorted(source for sources in pool.values() for source in sources)
    assert extracted == sorted(traces[1][os.getpid()]) and len(extracted) == 8
    assert _articles(tmp_path / "w2.db") == _articles(tmp_path / "w1.db")


def test_reingest_is_a_no_op(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        ingest([corpus], store, _opts())
    before = _rows(db)
    with SQLiteStore(db) as store:
        stats = ingest([corpus], store, _opts())
        assert (stats.added, stats.new_versions, stats.unchanged) == (0, 0, 8)
        assert len(store.skipped()) == 1  # the same bad file is not recorded twice
    assert _rows(db) == before


def test_changed_page_is_a_new_version_linked_to_the_old(corpus: Path, tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        ingest([corpus], store, _opts())
        old = store.get_article("delft")
        (corpus / "delft.html").write_text(_page("Delft", "Correction: the work starts in May."),
                                           encoding="utf-8")
        stats = ingest([corpus], store, _opts())
        assert (stats.added, stats.new_versions) == (0, 1)
        new = store.get_article("delft")
        assert old is not None and new is not None and new.id != old.id
        assert "Correction" in new.text
        assert store.versions(new.id) == [old.id, new.id]
        current = [a.id for a in store.articles()]
        assert new.id in current and old.id not in current
        assert old.id in [a.id for a in store.articles(current_only=False)]


def test_interrupted_ingest_resumes_without_loss(corpus: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.db"
    real = pipeline.extract_or_skip
    calls = {"n": 0}

    def interrupt_on_fifth(doc: RawDocument, options: object = None) -> Article | Skip:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(doc)

    monkeypatch.setattr(pipeline, "extract_or_skip", interrupt_on_fifth)
    with SQLiteStore(db) as store, pytest.raises(KeyboardInterrupt):
        ingest([corpus], store, _opts(batch=2))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 4
        status, stats = conn.execute("SELECT status, stats FROM runs").fetchone()
        assert status == "interrupted" and json.loads(stats)["interrupted"] is True
    monkeypatch.setattr(pipeline, "extract_or_skip", real)
    with SQLiteStore(db) as store:
        stats = ingest([corpus], store, _opts(batch=2))
        assert (stats.added, stats.unchanged) == (4, 4)
        assert len(list(store.articles())) == 8


def test_schema_is_versioned_and_migrations_run_once(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        assert store.schema_version == len(MIGRATIONS)
    with SQLiteStore(db) as store:  # reopening must not re-run migration 1 (it would fail)
        assert store.schema_version == len(MIGRATIONS)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_html_without_body_is_skipped_with_reason(tmp_path: Path) -> None:
    page = tmp_path / "nobody.html"
    page.write_text("<html><head><title>Only a title</title></head></html>", encoding="utf-8")
    with SQLiteStore(tmp_path / "s.db") as store:
        stats = ingest([page], store, _opts())
        assert stats.added == 0 and stats.skipped == 1
        # the reason first, then what the page still tells (h1: metadata-only pages)
        assert stats.skips[0].reason == ("HTML without extractable main text; metadata kept: "
                                         'no date, title "Only a title"')
        assert stats.metadata_only == 1
