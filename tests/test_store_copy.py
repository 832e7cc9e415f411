"""``newsloom db copy``: a store moved SQLite → PostgreSQL → SQLite loses nothing. Every copied
table reads back row for row (the neutral form the copy moves), the copy is refused into a
non-empty store, and the copied store keeps working (new articles get new keys, ports read
the same)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pg_server
from newsloom.cli.app import app
from newsloom.model import Skip, Storyline
from newsloom.model.monitoring import NewAlert, SeenEntry, Watchlist
from newsloom.store import open_store
from newsloom.store.copy import TABLES
from newsloom.store.ports import ArticleFilter, Backend
from store_contract.records import clustered, page


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with pg_server.temporary_store("copy") as url:
        yield url


def _filled(path: Path) -> None:
    """A store with every kind of record the copy carries."""
    with open_store(path) as store:
        store.add([page("v", "First text of v.")])
        store.add([page("v", "Second text of v.")])  # a new version of page v
        store.add([page("v", "First text of v.")])  # changed back: a third version entry
        clustered(store)  # articles, features, entities, stories, events, listings
        store.save_storylines([Storyline("l1", ["s1", "s2"], []), Storyline("l2", ["s3"], [])],
                              {"l1": "Ada", "l2": "Acme"})
        store.save_storylines([Storyline("l1", ["s1", "s2", "s3"], [])], {"l1": "Ada and Acme"})
        store.add_skips([Skip("broken.html", "no text")])
        run = store.start_run("analyze examples/")
        store.finish_run(run, "done", {"added": 4})
        _monitored(store)


def _monitored(store: Backend) -> None:
    """Monitoring rows (issue 16): a polled source and an entry, a watchlist, its alert,
    the alert's pending delivery and the cursor."""
    store.add_source("http://news.example/feed.xml", "2026-03-01T00:00:00+00:00")
    store.save_entries([SeenEntry("http://news.example/1", "http://news.example/feed.xml",
                                  "f1", "2026-03-01T00:00:00+00:00", "stored")])
    store.save_watchlist(Watchlist("ada", "entity", "Ada", "2026-03-01T00:00:00+00:00",
                                   ("en",), 1, "http://hook.example/", None, 0))
    store.save_alerts([NewAlert("ada", "ada|s1|new_story|", "new_story", "s1", 1,
                                "2026-03-01T00:00:00+00:00", {"title": "Ada"})], 4,
                      "2026-03-01T00:00:00+00:00")


def _article_id(store: Backend, source_id: str) -> str:
    article = store.get_article(source_id)
    assert article is not None
    return article.id


def _tables(store: Backend) -> dict[str, list[dict[str, object]]]:
    return {table.name: list(store.copy_rows(table)) for table in TABLES}


def _ints(rows: list[dict[str, object]], column: str) -> list[int]:
    """The ``column`` of ``rows``, each an int."""
    values = [row[column] for row in rows]
    ints = [value for value in values if isinstance(value, int)]
    assert len(ints) == len(values), values
    return ints


def test_a_store_makes_the_round_trip_through_postgres_unchanged(
        tmp_path: Path, postgres_url: str) -> None:
    _filled(tmp_path / "a.db")
    runner = CliRunner()
    there = runner.invoke(app, ["db", "copy", "--from", str(tmp_path / "a.db"),
                                "--to", postgres_url])
    assert there.exit_code == 0, there.output
    back = runner.invoke(app, ["db", "copy", "--from", postgres_url,
                               "--to", str(tmp_path / "b.db")])
    assert back.exit_code == 0, back.output
    with open_store(tmp_path / "a.db") as a, open_store(postgres_url) as pg, \
            open_store(tmp_path / "b.db") as b:
        original = _tables(a)
        assert all(original[name] for name in ("documents", "document_versions", "articles",
                                               "skipped", "runs", "article_entities",
                                               "story_events", "storyline_redirects",
                                               "sources", "source_entries", "watchlists",
                                               "alerts", "alert_deliveries", "monitor_cursor"))
        assert _tables(pg) == original
        assert _tables(b) == original
        assert pg.read_model_mark()[0] == b.read_model_mark()[0] == a.read_model_mark()[0] > 0
        # what the backends derive themselves follows: counts, keyword index, resolution
        for store in (pg, b):
            assert store.count_articles() == a.count_articles() == 5
            assert store.versions(_article_id(store, "v")) == a.versions(_article_id(a, "v"))
            assert store.resolve_storyline("l2") == "l1"
            assert store.keyword_matches([("acme",)], ArticleFilter(), 10) == a.keyword_matches(
                [("acme",)], ArticleFilter(), 10)
        # new articles continue after the carried keys
        pg.add([page("w")])
        assert pg.pending_articles(10)[-1][0] > max(_ints(original["articles"], "seq"))
        # and new alerts after the carried ones
        (added,) = pg.save_alerts([NewAlert("ada", "ada|s2|new_story|", "new_story", "s2", 5,
                                            "2026-03-02T00:00:00+00:00")], 5, "T")
        assert added > max(_ints(original["alerts"], "id")) and pg.alert_cursor() == 5


def test_a_copy_into_postgres_builds_the_vector_index_semantic_search_reads(
        tmp_path: Path, postgres_url: str) -> None:
    """The HNSW index the store creates with the first vectors it stores (save_corpus_batch) is
    built by the copy too: a copied store answers semantic queries from the index, not by
    scanning every vector (issue 14: the 50k copy had none)."""
    import psycopg

    from newsloom.store.postgres.search import hnsw_index_name

    _filled(tmp_path / "a.db")
    result = CliRunner().invoke(app, ["db", "copy", "--from", str(tmp_path / "a.db"),
                                      "--to", postgres_url])
    assert result.exit_code == 0, result.output
    with psycopg.connect(postgres_url) as conn:  # the URL's search_path names the schema
        index = conn.execute("SELECT to_regclass(%s)", (hnsw_index_name(4),)).fetchone()
    assert index is not None and index[0] is not None


def test_a_copy_into_a_store_that_has_documents_is_refused(
        tmp_path: Path, postgres_url: str) -> None:
    _filled(tmp_path / "a.db")
    with open_store(postgres_url) as target:
        target.add([page("x")])
    result = CliRunner().invoke(app, ["db", "copy", "--from", str(tmp_path / "a.db"),
                                      "--to", postgres_url])
    assert result.exit_code == 2
    assert "not empty" in result.output
    with open_store(postgres_url) as target:
        assert target.count_articles() == 1  # nothing was written
