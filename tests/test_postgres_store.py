"""What the PostgreSQL store promises beyond the contract suite: writers in several processes
at once lose and duplicate nothing (no store-wide lock: content-addressed upserts, a lock per
page), two processes opening a new store create its schema once, and the corpus lease holds
across processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest

import pg_server
from newsloom.store import open_store
from store_contract.records import page

_WRITERS = 3
_PAGES = 40


@pytest.fixture
def url() -> Iterator[str]:
    with pg_server.temporary_store("pg") as url:
        yield url


def _ingest(url: str, writer: int) -> tuple[int, int]:
    """Every writer stores the same pages, each starting at another one, then a version of
    its own of the page "own"; (added, new versions + unchanged)."""
    added = other = 0
    with open_store(url) as store:
        order = [(i + writer * 13) % _PAGES for i in range(_PAGES)]
        for start in range(0, _PAGES, 7):
            batch = [page(f"p{i}", f"Shared text {i}.") for i in order[start:start + 7]]
            result = store.add(batch)
            added += result.added
            other += result.new_versions + result.unchanged
        result = store.add([page("own", f"Writer {writer} wrote this version.")])
        added += result.added
        other += result.new_versions
    return added, other


def test_concurrent_writers_store_every_page_once(url: str) -> None:
    open_store(url).close()  # the schema, before the race on the rows
    with multiprocessing.get_context("spawn").Pool(_WRITERS) as pool:
        results = pool.starmap(_ingest, [(url, w) for w in range(_WRITERS)])
    with open_store(url) as store:
        counts = store.counts()
        # each shared page once, and one version of "own" per writer
        assert counts.documents == _PAGES + _WRITERS
        assert counts.current == _PAGES + 1
        assert sum(added for added, _ in results) == _PAGES + 1  # the first "own" is added
        assert sum(other for _, other in results) == (_WRITERS - 1) * _PAGES + _WRITERS - 1
        assert store.count_articles() == _PAGES + 1
        own = store.get_article("own")
        assert own is not None
        versions = store.versions(own.id)
        assert len(versions) == len(set(versions)) == _WRITERS
        assert versions[-1] == own.id  # the current version is the last that became so


def _open(url: str) -> int:
    with open_store(url) as store:
        return store.schema_version


def test_two_processes_opening_a_new_store_migrate_it_once(url: str) -> None:
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        levels = pool.map(_open, [url, url])
    assert levels[0] == levels[1] > 0


def _try_lease(url: str) -> str:
    import os

    os.environ["NEWSLOOM_LOCK_TIMEOUT"] = "0.2"
    from newsloom.store.errors import StoreBusy

    with open_store(url) as store:
        try:
            with store.corpus_lease():
                return "granted"
        except StoreBusy:
            return "busy"


def test_the_corpus_lease_holds_across_processes(url: str) -> None:
    with open_store(url) as store:
        ctx = multiprocessing.get_context("spawn")
        with store.corpus_lease(), ctx.Pool(1) as pool:
            assert pool.apply(_try_lease, (url,)) == "busy"
        with ctx.Pool(1) as pool:
            assert pool.apply(_try_lease, (url,)) == "granted"


def test_a_role_with_the_documented_grants_uses_an_existing_store(url: str) -> None:
    """docs/postgres.md: after the first open, DML on the tables and USAGE on their
    sequences are enough; no CREATE right on the schema."""
    import psycopg
    from psycopg import sql

    open_store(url).close()  # the owner creates the schema
    schema = url.split("search_path%3D", 1)[1].split("%2C", 1)[0]
    role = f"{schema}_writer"
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in (
                "CREATE ROLE {role} LOGIN",
                "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"):
            conn.execute(sql.SQL(statement).format(role=sql.Identifier(role),
                                                   schema=sql.Identifier(schema)))
    try:
        writer = url.replace("postgres@", f"{role}@", 1)
        with open_store(writer) as store:
            assert store.add([page("a"), page("b")]).added == 2
            with store.corpus_lease():
                assert [a for _, a in store.pending_articles(10)] == [
                    page("a")[0].id, page("b")[0].id]
            assert store.count_articles() == 2
        with psycopg.connect(writer, autocommit=True) as conn, \
                pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE intruder (x integer)")
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {role}; DROP ROLE {role}").format(
                role=sql.Identifier(role)))
