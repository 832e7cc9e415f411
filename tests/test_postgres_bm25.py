"""Keyword ranking on PostgreSQL is FTS5's bm25 (store/postgres/bm25.py): the same order of
hits as the SQLite store on the same articles, statistics kept through inserts, versions and
deletes, and backfilled by the migration that introduced them."""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import pg_server
from newsloom.model import Article, RawDocument
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.search.retrieve import BM25_WEIGHTS, keyword_ranking, query_terms
from newsloom.store import open_store
from newsloom.store.copy import copy_store
from newsloom.store.ports import ArticleFilter, Backend
from newsloom.store.postgres import store as postgres_store
from newsloom.store.postgres.schema import MIGRATIONS
from store_contract.records import page
from test_api_support import FIXTURES, SEEDS
from test_postgres_store import _ingest as ingest_pages

ANY = ArticleFilter()
#: Made-up words (no lemma but themselves in any language), most common first.
WORDS = ["harbour", "strike", "crane", "tanker", "pilot", "dredger", "buoy", "quay",
         "berth", "lock", "ferry", "sluice", "bollard", "hawser", "capstan", "winch"]


def corpus() -> list[tuple[RawDocument, Article]]:
    """40 articles, each of its own length, with words of every frequency in title and text
    (Zipf-like: "harbour" in most articles, "winch" in a few), so that idf, term frequency,
    length and the title weight all decide orders."""
    rng = random.Random(11)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    pages = []
    for i in range(40):
        title = rng.choices(WORDS, weights, k=rng.randint(1, 3))
        text = rng.choices(WORDS, weights, k=6 + i)
        pages.append(page(f"p{i:02d}", " ".join(text) + ".", title=" ".join(title).title()))
    return pages


def queries() -> list[list[tuple[str, ...]]]:
    single: list[list[tuple[str, ...]]] = [[(w,)] for w in WORDS]
    pairs: list[list[tuple[str, ...]]] = [
        [(a,), (b,)] for a, b in zip(WORDS[:-3], WORDS[3:], strict=True)]
    return single + pairs + [[("harbour", "ferry"), ("crane",)], [("strike",), ("strike",)]]


@pytest.fixture
def url() -> Iterator[str]:
    with pg_server.temporary_store("bm25") as url:
        yield url


def _orders(store: Backend, any_group: bool) -> dict[str, list[str]]:
    return {repr(q): store.keyword_matches(q, ANY, 10, any_group=any_group,
                                           weights=BM25_WEIGHTS) for q in queries()}


def test_keyword_order_is_sqlite_bm25_order(url: str, tmp_path: Path) -> None:
    pages = corpus()
    with open_store(tmp_path / "lite.db") as lite, open_store(url) as pg:
        for store in (lite, pg):
            store.add(pages[:25])
            store.add(pages[25:])
        for any_group in (False, True):
            expected = _orders(lite, any_group)
            assert sum(len(hits) > 2 for hits in expected.values()) > 20  # orders to compare
            assert _orders(pg, any_group) == expected
        assert pg.document_frequencies(WORDS) == lite.document_frequencies(WORDS)
        assert pg.article_count() == lite.article_count() == 40


def test_the_seeds_rank_alike_on_both_stores(url: str, tmp_path: Path) -> None:
    """The example corpus as the API tests search it: the Dutch MTS article first for
    "Huawei Russland 5G" on both stores, and every other query in the same order."""
    with open_store(tmp_path / "seeds.db") as lite, open_store(url) as pg:
        for store in (lite, pg):
            ingest([SEEDS, FIXTURES], store, PipelineOptions(workers=1))
        for text in ("Huawei Russland 5G", "Huawei", "haven Rotterdam", "container terminal",
                     "Streik Hafen", "5G netwerk"):
            found = [keyword_ranking(store, query_terms(text, store.corpus_languages(6)),
                                     ANY, 10) for store in (lite, pg)]
            assert found[1] == found[0], text
        top = pg.get_article(keyword_ranking(
            pg, query_terms("Huawei Russland 5G", pg.corpus_languages(6)), ANY, 1)[0])
        assert top is not None and top.language == "nl" and "Rusland" in (top.title or "")


def _recount(url: str) -> tuple[dict[str, int], tuple[int, int], dict[str, int]]:
    """(the stored lemma statistics, recounted from the articles)."""
    with psycopg.connect(url) as conn:
        stored = {str(r[0]): int(r[1]) for r in conn.execute(
            "SELECT term, articles FROM lemma_df WHERE articles <> 0")}
        row = conn.execute("SELECT articles, lemmas FROM lemma_totals").fetchone()
        assert row is not None
        totals = (int(row[0]), int(row[1]))
        recounted = {str(r[0]): int(r[1]) for r in conn.execute(
            "SELECT term, COUNT(*) FROM articles, unnest(tsvector_to_array(lemmas)) term "
            "GROUP BY term")}
        assert totals == conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(lemma_count), 0) FROM articles").fetchone()
        assert conn.execute("SELECT COUNT(*) FROM lemma_pending").fetchone() == (0,)
    return stored, totals, recounted


def test_statistics_follow_inserts_versions_and_deletes(url: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "lite.db") as lite, open_store(url) as pg:
        for store in (lite, pg):
            store.add([page("a", "Crane strike at the harbour."), page("b", "Ferry news.")])
            store.add([page("a", "Crane and tanker strike at the harbour.")])  # a version
            store.add([page("a", "Crane strike at the harbour.")])  # reverted
        # every stored version counts, as in FTS5
        assert pg.document_frequencies(["crane", "tanker", "ferry"]) == \
            lite.document_frequencies(["crane", "tanker", "ferry"]) == \
            {"crane": 2, "tanker": 1, "ferry": 1}
    stored, _, recounted = _recount(url)
    assert stored == recounted
    ferry = page("b", "Ferry news.")[1].id
    with psycopg.connect(url) as conn:  # rows the store never deletes, by hand
        conn.execute("DELETE FROM articles WHERE id = %s", (ferry,))  # counted before
        conn.execute("INSERT INTO documents (id, source_id, source, version_key, "
                     "content_type, meta, content) VALUES ('x', 'x', 'x', 'x', 'text', '{}', "
                     "'')")
        conn.execute("INSERT INTO articles (id, source_id, source, authors, text, "
                     "removed_lines, extractor, lemmas) VALUES ('x', 'x', 'x', '[]', 'Lock', "
                     "'[]', 'test', to_tsvector('simple', 'lock quay'))")
        conn.execute("UPDATE articles SET lemmas = to_tsvector('simple', 'lock') "
                     "WHERE id = 'x'")  # inserted by this transaction: counted at commit
    stored, totals, recounted = _recount(url)
    assert stored == recounted and "ferry" not in stored and "quay" not in stored
    assert stored["lock"] == 1 and totals[0] == 3
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE articles SET lemmas = to_tsvector('simple', 'quay') "
                     "WHERE id = 'x'")
    stored, _, recounted = _recount(url)
    assert stored == recounted and "lock" not in stored and stored["quay"] == 1


def test_the_migration_backfills_a_store_written_before_it(url: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    pages = corpus()
    # level 1, with the wire-source column of migration 3 (idempotent) so that today's code
    # can write the old store's articles
    monkeypatch.setattr(postgres_store, "MIGRATIONS", (MIGRATIONS[0] + MIGRATIONS[2],))
    with open_store(url) as old:
        assert old.schema_version == 1
        old.add(pages)
    monkeypatch.undo()
    with open_store(url) as migrated, open_store(tmp_path / "lite.db") as lite:
        assert migrated.schema_version == len(MIGRATIONS)
        lite.add(pages)
        assert _orders(migrated, False) == _orders(lite, False)
        assert migrated.document_frequencies(WORDS) == lite.document_frequencies(WORDS)
    stored, totals, recounted = _recount(url)
    assert stored == recounted and totals[0] == 40


def test_a_copied_store_ranks_as_its_source(url: str, tmp_path: Path) -> None:
    """``db copy`` inserts the articles in one transaction: their statistics are counted at
    its commit, all at once."""
    pages = corpus()
    with open_store(tmp_path / "lite.db") as lite, open_store(url) as pg:
        lite.add(pages[:20])
        lite.add([page("p00", "Harbour pilot strike, a second version.")])
        lite.add(pages[20:])
        copy_store(lite, pg)
        for any_group in (False, True):
            assert _orders(pg, any_group) == _orders(lite, any_group)
        assert pg.article_count() == lite.article_count() == 41
    stored, totals, recounted = _recount(url)
    assert stored == recounted and totals[0] == 41


def test_statistics_stay_exact_with_concurrent_writers(url: str) -> None:
    """Three processes storing the same pages at once (test_postgres_store.py): each
    transaction counts its own articles at its commit, none twice, none lost."""
    open_store(url).close()
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        pool.starmap(ingest_pages, [(url, w) for w in range(3)])
    stored, totals, recounted = _recount(url)
    assert stored == recounted and totals[0] == 43  # 40 shared pages, 3 versions of "own"
