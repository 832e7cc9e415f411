"""The story read model kept per committed batch (store/sqlite/readmodel.py) and the catalog
that serves it (queries/catalog.py): the same listings as a full recomputation, patched per
batch, built once for an older store, never in the way of /api/health; bounded caches."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsloom.api import ApiSettings, create_app
from newsloom.model import Article, ClusterEvent, EntityType, RawDocument
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.queries.catalog import BoundedCache, Catalog
from newsloom.queries.stories import list_stories, list_storylines
from newsloom.store import SQLiteStore, open_store
from newsloom.store.ports import ArticleListFilter
from newsloom.store.sqlite.schema import MIGRATIONS
from test_api_support import FIXTURES, SEEDS, copy_store


def _assert_same_as_full(catalog: Catalog, store: SQLiteStore) -> None:
    stories = list_stories(store)
    assert stories, "the fixture must have stories"
    assert catalog.stories() == stories
    assert catalog.storylines() == list_storylines(store, stories=stories)
    assert catalog.stories("latest") == sorted(
        stories, key=lambda s: (s.last_seen or "", len(s.article_ids)), reverse=True)


def _listed_since(store: SQLiteStore, version: int) -> tuple[set[str], set[str]]:
    changes = store.listing_changes(version)
    return {x.story.id for x in changes.stories}, set(changes.gone_stories)


def test_listing_kept_per_batch_equals_full_recomputation(tmp_path: Path) -> None:
    db = tmp_path / "batches.db"
    seeds = sorted(SEEDS.glob("*.txt"))
    catalog = Catalog(db)  # kept open across the batches: it patches its copy
    with open_store(db) as store:
        assert isinstance(store, SQLiteStore)
        for paths, full in ((seeds[:2], True), (seeds[2:4], False), ([*seeds[4:], FIXTURES],
                                                                     False)):
            ingest(list(paths), store, PipelineOptions(workers=1))
            build_stories(store, workers=1)
            _assert_same_as_full(catalog, store)  # before storylines are updated
            update_storylines(store, full=full)
            _assert_same_as_full(catalog, store)

        # A merge, recorded as the corpus stage records the clusterer's: only the two
        # stories it touched are written again.
        big, small = (s.id for s in list_stories(store)[:2])
        before = store.read_model_mark()[0]
        article = store.story_members([small])[0].article_id
        store.save_corpus_batch([], [], [], [ClusterEvent("merge", big, article, small, 0.9)])
        assert _listed_since(store, before) == ({big}, {small})
        _assert_same_as_full(catalog, store)

        # A split takes one article out of the survivor into a new story.
        before = store.read_model_mark()[0]
        moved = store.story_members([big])[-1].article_id
        store.save_corpus_batch([], [], [], [ClusterEvent("split", "s-split", moved, big, 0.1)])
        assert _listed_since(store, before) == ({big, "s-split"}, set())
        _assert_same_as_full(catalog, store)

        # An entity a later batch retypes is shown retyped in every story listing it.
        listing, shown = next((s.id, ref) for s in catalog.stories() for ref in s.key_entities)
        entity = next(e for e in store.list_entities() if e.id == shown.id)
        retyped: EntityType = "ORG" if entity.type != "ORG" else "PER"
        store.save_corpus_batch([], [dataclasses.replace(entity, type=retyped)], [], [])
        relisted = catalog.story(listing)
        assert relisted is not None
        assert {r.id: r.type for r in relisted.key_entities}[shown.id] == retyped
        _assert_same_as_full(catalog, store)

        update_storylines(store)  # the merge and split made their stories dirty
        _assert_same_as_full(catalog, store)
        update_storylines(store, full=True)
        _assert_same_as_full(catalog, store)
        assert Catalog(db).stories() == catalog.stories()  # a fresh copy agrees


def _downgrade(db: Path) -> None:
    """What a store written before migration 11 looks like: no read-model tables."""
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name IN ('read_model_state', "
            "'story_listing', 'story_listing_entities', 'storyline_listing', "
            "'article_counts', 'article_counts_added', 'article_counts_current')").fetchall()
        for kind, name in sorted(found, reverse=True):  # triggers before tables
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        # and without what later migrations added: their tables and columns
        for script in MIGRATIONS[10 + 1:]:
            for table in re.findall(r"CREATE TABLE (\w+)", script):
                conn.execute(f"DROP TABLE {table}")
            for table, column in re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", script):
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("PRAGMA user_version=10")


def test_older_store_builds_the_read_model_once_on_open(
        base_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = copy_store(base_db, tmp_path / "old.db")
    _downgrade(db)
    with caplog.at_level(logging.INFO, logger="newsloom"):
        catalog = Catalog(db)
    assert any("building the story listing" in r.getMessage() for r in caplog.records)
    with open_store(db) as store:
        assert isinstance(store, SQLiteStore)
        _assert_same_as_full(catalog, store)
        expected = sum(1 for _ in store.articles())
        assert catalog.count_articles() == expected
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsloom"):
        open_store(db).close()
    assert not any("building" in r.getMessage() for r in caplog.records)


def _page(doc_id: str, key: str, language: str, outlet: str | None) -> tuple[RawDocument,
                                                                             Article]:
    doc = RawDocument(id=doc_id, source_id=key, source=key, version_key=key,
                      content_type="text", content=doc_id)
    return doc, Article(id=doc_id, source_id=key, source=key, url=None, title=doc_id,
                        outlet=outlet, authors=[], published=None, published_estimate=None,
                        language=language, language_confidence=1.0, text=doc_id)


def _recount(db: Path) -> tuple[int, list[str], list[str]]:
    with sqlite3.connect(db) as conn:
        current = ("FROM articles a JOIN documents d ON d.id = a.id "
                   "WHERE d.superseded_by IS NULL")
        total = conn.execute(f"SELECT COUNT(*) {current}").fetchone()[0]

        def ranked(column: str) -> list[str]:
            return [r[0] for r in conn.execute(
                f"SELECT a.{column} {current} AND a.{column} IS NOT NULL "
                "GROUP BY 1 ORDER BY COUNT(*) DESC, 1")]
        return int(total), ranked("language"), ranked("outlet")


def test_article_counts_follow_new_versions_and_reverts(tmp_path: Path) -> None:
    db = tmp_path / "counts.db"
    catalog = Catalog(db)
    with open_store(db) as store:
        store.add([_page("a1", "p1", "en", "Times"), _page("a2", "p2", "de", "Zeit"),
                   _page("a3", "p3", "de", None)])
        store.add([_page("b1", "p1", "nl", "Times")])  # a new version of page p1
        total, languages, outlets = _recount(db)
        assert (catalog.count_articles(), *catalog.facets()) == (total, languages, outlets)
        assert (total, languages) == (3, ["de", "nl"])
        store.add([_page("a1", "p1", "en", "Times")])  # p1 changed back: a1 is current again
        total, languages, outlets = _recount(db)
        assert (catalog.count_articles(), *catalog.facets()) == (total, languages, outlets)
        assert languages == ["de", "en"]
        for filters in (ArticleListFilter(languages=("de", "en")),
                        ArticleListFilter(outlet="Times"),
                        ArticleListFilter(languages=("de",), outlet="Zeit")):
            rows, counted = catalog.articles(filters, 10, 0)
            assert counted == len(rows) == len({r.id for r in rows}) > 0


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=db))) as test_client:
        yield test_client


def _slow_listing(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make reading the listing's changes wait until released, as a large patch would."""
    started, release = threading.Event(), threading.Event()
    real = SQLiteStore.listing_changes

    def slow(self: SQLiteStore, after: int):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(30)
        return real(self, after)

    monkeypatch.setattr(SQLiteStore, "listing_changes", slow)
    return started, release


def test_health_and_listing_answer_while_the_listing_is_patched(
        client: TestClient, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed = client.get("/api/stories").json()
    assert listed["total"] > 0
    catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
    with open_store(db) as store:  # a batch commits: the next listing patches its copy
        survivor, merged = (s["id"] for s in listed["items"][:2])
        store.save_corpus_batch([], [], [], [ClusterEvent("merge", survivor, "x", merged, 1.0)])
    started, release = _slow_listing(monkeypatch)
    patching = threading.Thread(target=catalog.stories)
    patching.start()
    try:
        assert started.wait(10)
        health = client.get("/api/health")
        assert health.status_code == 200 and health.json()["articles"] > 0
        # Another reader gets the copy at hand instead of waiting for the patch.
        assert client.get("/api/stories").json() == listed
        assert patching.is_alive()
    finally:
        release.set()
        patching.join(10)
    assert client.get("/api/stories").json()["total"] == listed["total"] - 1


def test_health_answers_while_a_writer_holds_the_store(client: TestClient, db: Path) -> None:
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE read_model_state SET version = version + 1")
    writer.execute("UPDATE story_listing SET size = 0")  # uncommitted: invisible to readers
    try:
        assert client.get("/api/health").status_code == 200
        assert client.get("/api/stories").json()["total"] > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_bounded_cache_drops_least_recently_used_and_forgets_on_change() -> None:
    cache = BoundedCache(maxsize=3)
    for key in "abc":
        assert cache.get(1, key, key.upper) == key.upper()
    cache.get(1, "a", lambda: "stale")  # "a" is used again: "b" is now the oldest
    cache.get(1, "d", lambda: "D")
    assert len(cache) == 3
    assert cache.get(1, "a", lambda: "recomputed") == "A"
    assert cache.get(1, "b", lambda: "recomputed") == "recomputed"
    assert cache.get(2, "a", lambda: "new mark") == "new mark" and len(cache) == 1


def test_catalog_cache_does_not_grow_with_distinct_user_input(db: Path) -> None:
    catalog = Catalog(db)
    bound = catalog.cache.maxsize
    for i in range(3 * bound):
        catalog.entities(f"query {i}", None, 5, 0)
        catalog.articles(ArticleListFilter(outlet=f"outlet {i}", date_from="2019"), 5, 0)
        assert len(catalog.cache) <= bound
    assert len(catalog.cache) == bound
