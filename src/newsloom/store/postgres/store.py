"""The server store: PostgreSQL through a psycopg connection pool (``--db postgresql://…``).

Every write method is one transaction. Writers need no store-wide lock: MVCC lets any number of
processes ingest at once, a page's versions are serialised by a transaction-scoped advisory
lock on its version keys, and documents are content-addressed (``INSERT … ON CONFLICT DO
NOTHING``), so two writers storing the same content store it once. The corpus stage holds a
session advisory lock (lease.py) so that one runs at a time; readers never wait.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, LiteralString

import psycopg
from psycopg import sql

from newsloom.model import Article, RawDocument, Skip
from newsloom.store.ports import AddResult, RunRecord, StoreSummary
from newsloom.store.postgres.admin import AdminQueries
from newsloom.store.postgres.copy import StoreCopyTables
from newsloom.store.postgres.corpus import CorpusTables
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.monitoring import MonitorQueries
from newsloom.store.postgres.neighbours import NeighbourQueries
from newsloom.store.postgres.schema import MIGRATIONS
from newsloom.store.postgres.search import SearchTables, lemma_vector_sql, lemma_vector_values
from newsloom.store.rows import (
    ARTICLE_COLUMNS,
    article_from_row,
    article_values,
    document_from_row,
    document_meta,
)
from newsloom.store.version_writes import VersionedAdds
from newsloom.store.versions import lookup_keys

log = logging.getLogger("newsloom")

#: Advisory lock key of schema migrations (two processes opening a new store at once), hashed
#: with the schema: stores in two schemas of one database are two stores.
_MIGRATION_LOCK = 0x6E6C_0001
#: Transaction retries when PostgreSQL aborts one of two writers (deadlock on the shared
#: article counts, serialisation failure): the transaction is idempotent, so it is run again.
_RETRIES = 5

_INSERT_ARTICLE = sql.SQL("INSERT INTO articles ({columns}, lemmas) VALUES ({values}, {lemmas})"
                          ).format(
    columns=sql.SQL(", ").join(map(sql.Identifier, ARTICLE_COLUMNS)),
    values=sql.SQL(", ").join(sql.Placeholder() * len(ARTICLE_COLUMNS)),
    lemmas=sql.SQL(lemma_vector_sql()))
_CURRENT = "FROM articles a JOIN documents d ON d.id = a.id WHERE d.superseded_by IS NULL"


def _lock_key(key: str) -> int:
    """A signed 64-bit advisory lock key for a page's version key."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


class PostgresStore(CorpusTables, AdminQueries, SearchTables, NeighbourQueries,
                    StoreCopyTables, MonitorQueries, VersionedAdds):
    """PostgreSQL implementation of every port of :mod:`newsloom.store.ports`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pg = Database(url)
        self._lease_depth = threading.local()  # corpus lease re-entry per thread (lease.py)
        self._migrate()

    # -- lifecycle -----------------------------------------------------------------------------
    def _migrate(self) -> None:
        if self.schema_version == len(MIGRATIONS):
            return  # up to date: a role without CREATE rights opens it too
        with self._pg.transaction() as conn:
            # the level read again under the lock: two processes opening a new store at once
            # must not both create its tables
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(current_schema(), %s))",
                         (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS newsloom_schema (version integer NOT NULL)")
            level = self.schema_version
            for number, script in enumerate(MIGRATIONS[level:], start=level + 1):
                conn.execute(script)
                conn.execute("DELETE FROM newsloom_schema")
                conn.execute("INSERT INTO newsloom_schema VALUES (%s)", (number,))

    @property
    def schema_version(self) -> int:
        """The migration level (0: no newsloom store in this schema yet)."""
        if self._pg.value("SELECT to_regclass('newsloom_schema')") is None:
            return 0
        return int(self._pg.value("SELECT COALESCE(MAX(version), 0) FROM newsloom_schema"))

    def close(self) -> None:
        self._pg.close()

    def vector_index_path(self) -> None:
        """None: no ANN index file. The database indexes the vectors itself (pgvector HNSW):
        search asks it (``nearest_vectors``), and so does clustering (``nearest_clustered``,
        neighbours.py)."""
        return None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes --------------------------------------------------------------------------------
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Ids stored as the current version of their page (see SQLiteStore.known_ids)."""
        return self._stored(ids, "AND superseded_by IS NULL")

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Ids stored in any version of their page."""
        return self._stored(ids, "")

    def _stored(self, ids: Iterable[str], condition: str) -> set[str]:
        return {r[0] for r in self._pg.rows(
            f"SELECT id FROM documents WHERE id = ANY(%s) {condition}",
            (list(dict.fromkeys(ids)),))}

    def add(self, items: Sequence[tuple[RawDocument, Article | None]], revert: bool = True
            ) -> AddResult:
        """Store documents with their articles in one transaction (the rules of
        :meth:`newsloom.store.sqlite.store.SQLiteStore.add`)."""
        # every page's lock, in one order for all writers (so two cannot wait on each other)
        keys = sorted({_lock_key(k) for doc, _ in items
                       for k in lookup_keys(doc.version_key, doc.url)})
        attempt = 1
        while True:
            try:
                with self._pg.transaction() as conn:
                    conn.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) k",
                                 (keys,))
                    return self._add_versions(items, revert)
            except (psycopg.errors.DeadlockDetected,
                    psycopg.errors.SerializationFailure) as exc:
                if attempt == _RETRIES:
                    raise
                attempt += 1
                log.info("ingest transaction run again after %s", type(exc).__name__)

    # -- the steps of store/version_writes.py --------------------------------------------------
    def _current_version(self, keys: Sequence[str]) -> tuple[str, str] | None:
        row = self._pg.one(
            "SELECT d.id, d.version_key FROM documents d LEFT JOIN articles a "
            "ON a.id = d.id WHERE d.version_key = ANY(%s) AND d.superseded_by IS NULL "
            "ORDER BY a.seq DESC NULLS LAST LIMIT 1", (list(keys),))
        return (row[0], row[1]) if row else None

    def _stored_version(self, doc_id: str) -> tuple[str | None, str] | None:
        row = self._pg.one("SELECT superseded_by, version_key FROM documents WHERE id = %s",
                           (doc_id,))
        return (row[0], row[1]) if row else None

    def _make_current(self, doc_id: str) -> None:
        self._pg.execute("UPDATE documents SET superseded_by = NULL WHERE id = %s", (doc_id,))

    def _insert(self, doc: RawDocument, article: Article, key: str, previous: str | None
                ) -> bool:
        inserted = self._pg.execute(
            "INSERT INTO documents (id, source_id, source, version_key, content_type, url, "
            "meta, content, previous_version) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (id) DO NOTHING",
            (doc.id, doc.source_id, doc.source, key, doc.content_type, doc.url,
             document_meta(doc), zlib.compress(doc.content.encode("utf-8")), previous))
        if inserted:
            with self._pg.connection() as conn:
                conn.execute(_INSERT_ARTICLE, [*article_values(article),
                                               *lemma_vector_values(article)])
        return bool(inserted)

    def _supersede(self, old: str, new: str, key: str) -> None:
        self._pg.execute("UPDATE documents SET superseded_by = %s WHERE id = %s", (new, old))
        self._record_version(key, new)

    def _record_version(self, key: str, doc_id: str) -> None:
        self._pg.execute("INSERT INTO document_versions (version_key, document_id) "
                         "VALUES (%s, %s)", (key, doc_id))

    def add_skips(self, skips: Iterable[Skip]) -> None:
        rows = [(s.source, s.reason) for s in skips]
        with self._pg.transaction():
            self._pg.many("INSERT INTO skipped (source, reason) VALUES (%s, %s) "
                          "ON CONFLICT DO NOTHING", rows)

    def start_run(self, command: str) -> int:
        with self._pg.transaction():
            return int(self._pg.value("INSERT INTO runs (command, status) "
                                      "VALUES (%s, 'running') RETURNING id", (command,)))

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self._pg.transaction():
            self._pg.execute("UPDATE runs SET finished_at = now(), status = %s, stats = %s "
                             "WHERE id = %s", (status, json.dumps(stats, default=str), run_id))

    # -- reads ---------------------------------------------------------------------------------
    def articles(self, *, current_only: bool = True, limit: int | None = None
                 ) -> Iterator[Article]:
        """Articles in ingest order; by default only the latest version of each page."""
        where = "WHERE d.superseded_by IS NULL" if current_only else ""
        rows = self._pg.stream(
            "SELECT a.* FROM articles a JOIN documents d ON d.id = a.id "
            + where + " ORDER BY a.seq LIMIT %s", (limit,))
        yield from (article_from_row(r) for r in rows)

    def get_article(self, ref: str) -> Article | None:
        """By id, source_id (the latest version) or unique id prefix."""
        rows = self._pg.records("SELECT * FROM articles WHERE id = %s", (ref,))
        if not rows:
            rows = self._pg.records(
                "SELECT a.* FROM articles a JOIN documents d ON d.id = a.id "
                "WHERE a.source_id = %s ORDER BY d.superseded_by IS NULL DESC, a.seq DESC "
                "LIMIT 1", (ref,))
        if not rows and len(ref) >= 4:
            rows = self._pg.records("SELECT * FROM articles WHERE starts_with(id, %s) LIMIT 2",
                                    (ref,))
            rows = rows if len(rows) == 1 else []
        return article_from_row(rows[0]) if rows else None

    def get_document(self, doc_id: str) -> RawDocument | None:
        rows = self._pg.records("SELECT * FROM documents WHERE id = %s", (doc_id,))
        if not rows:
            return None
        return document_from_row(rows[0], zlib.decompress(rows[0]["content"]).decode("utf-8"))

    def versions(self, doc_id: str) -> list[str]:
        """Ids of the versions of ``doc_id``'s page in the order they became current."""
        return [r[0] for r in self._pg.rows(
            "SELECT v.document_id FROM document_versions v JOIN documents d "
            "ON d.version_key = v.version_key WHERE d.id = %s ORDER BY v.seq", (doc_id,))]

    def last_run(self, command_prefix: str) -> RunRecord | None:
        """The latest run whose command starts with ``command_prefix`` and that recorded
        its stats."""
        row = self._pg.one("SELECT command, status, stats FROM runs WHERE stats IS NOT NULL "
                           "AND starts_with(command, %s) ORDER BY id DESC LIMIT 1",
                           (command_prefix,))
        if row is None:
            return None
        stats = json.loads(row[2])
        return RunRecord(row[0], row[1], stats if isinstance(stats, dict) else {})

    def skipped(self) -> list[Skip]:
        return [Skip(r[0], r[1]) for r in self._pg.rows(
            "SELECT source, reason FROM skipped ORDER BY first_seen, source")]

    def summary(self) -> StoreSummary:
        def grouped(column: LiteralString) -> dict[str, int]:
            rows = self._pg.rows(f"SELECT COALESCE({column}, '(unknown)'), COUNT(*) "
                                 f"{_CURRENT} GROUP BY 1 ORDER BY 2 DESC, 1")
            return {str(r[0]): int(r[1]) for r in rows}

        reasons: dict[str, int] = {}
        for (removed,) in self._pg.rows("SELECT a.removed_lines " + _CURRENT):
            for line in json.loads(removed):
                reasons[line["reason"]] = reasons.get(line["reason"], 0) + 1
        return StoreSummary(
            documents=int(self._pg.value("SELECT COUNT(*) FROM documents")),
            articles=int(self._pg.value("SELECT COUNT(*) " + _CURRENT)),
            skipped=int(self._pg.value("SELECT COUNT(*) FROM skipped")),
            by_language=grouped("a.language"),
            by_outlet=grouped("a.outlet"),
            by_date_source=grouped("a.published_source"),
            removed_by_reason=dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
        )
