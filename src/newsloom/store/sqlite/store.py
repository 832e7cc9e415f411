"""The embedded default store: one SQLite file in WAL mode with an FTS5 index.

Every write method runs in one transaction, so a crash or Ctrl-C leaves the store as it was
before that call; the pipeline commits in batches and a rerun skips what is already stored.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsloom.model import Article, RawDocument, Skip
from newsloom.model.entities import person_surname
from newsloom.settings import settings
from newsloom.store.ports import AddResult, RunRecord, StoreSummary
from newsloom.store.rows import (
    ARTICLE_COLUMNS,
    article_from_row,
    article_values,
    document_from_row,
    document_meta,
)
from newsloom.store.sqlite.admin import AdminQueries
from newsloom.store.sqlite.contexts import name_terms_json
from newsloom.store.sqlite.copy import StoreCopyTables
from newsloom.store.sqlite.corpus import CorpusTables
from newsloom.store.sqlite.lease import lease
from newsloom.store.sqlite.monitoring import MonitorQueries
from newsloom.store.sqlite.neighbours import NeighbourQueries
from newsloom.store.sqlite.schema import MIGRATIONS
from newsloom.store.sqlite.search import SearchTables
from newsloom.store.version_writes import VersionedAdds
from newsloom.text.stem import lemma_text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore(CorpusTables, AdminQueries, SearchTables, NeighbourQueries,
                  StoreCopyTables, MonitorQueries, VersionedAdds):
    """SQLite implementation of every port of :mod:`newsloom.store.ports`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # The busy timeout is SQLite's second line behind the write lease (store/lease.py):
        # it only matters for writers that do not take the lease, and for WAL checkpoints.
        # Seconds SQLite itself waits for a lock before "database is locked": a setting.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=settings().busy_timeout)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.create_function("newsloom_surname", 2, person_surname, deterministic=True)
        self._db.create_function("newsloom_name_terms", 1, name_terms_json, deterministic=True)
        # The lemma index's triggers (migration 4) call this on every article write.
        self._db.create_function("newsloom_lemmas", 2, lemma_text, deterministic=True)
        self._migrate()
        self._ensure_read_model()  # once, for a store from before migration 11
        self._db.execute("PRAGMA synchronous=NORMAL")

    # -- lifecycle -----------------------------------------------------------------------------
    def _migrate(self) -> None:
        if self.schema_version == len(MIGRATIONS) and self._journal_mode() == "wal":
            return
        # Under the write lease, and the level read again inside it: two processes opening a
        # new store at once must not both create its tables (nor race to switch to WAL).
        with lease(self.path, "write"):
            if self._journal_mode() != "wal":
                self._db.execute("PRAGMA journal_mode=WAL")
            for number, script in enumerate(MIGRATIONS[self.schema_version:],
                                            start=self.schema_version + 1):
                with self._write():
                    for statement in _split_sql(script):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={number}")

    def _journal_mode(self) -> str:
        return str(self._db.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def vector_index_path(self) -> Path:
        return self.path.with_name(self.path.name + ".vectors.usearch")

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes --------------------------------------------------------------------------------
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Ids stored as the current version of their page: the pipeline need not extract
        these again. An older version is not "known": it may be a page changed back."""
        return self._stored(ids, "AND superseded_by IS NULL")

    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Ids stored in any version of their page."""
        return self._stored(ids, "")

    def _stored(self, ids: Iterable[str], condition: str) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self._db.execute(
                f"SELECT id FROM documents WHERE id IN ({marks}) {condition}", chunk))
        return found

    def add(self, items: Sequence[tuple[RawDocument, Article | None]], revert: bool = True
            ) -> AddResult:
        """Store documents with their articles in one transaction; a known content is a
        no-op, unless it is an earlier version of its page, which becomes current again
        (with ``revert=False`` it is left as it is and listed in ``reverts``: the pipeline
        decides at the end of a run, when it knows whether a later input names the page)."""
        with self._write():
            return self._add_versions(items, revert)

    # -- the steps of store/version_writes.py --------------------------------------------------
    def _current_version(self, keys: Sequence[str]) -> tuple[str, str] | None:
        row = self._db.execute(
            f"SELECT id, version_key FROM documents WHERE version_key IN "
            f"({','.join('?' * len(keys))}) AND superseded_by IS NULL "
            "ORDER BY rowid DESC LIMIT 1", list(keys)).fetchone()
        return (row[0], row[1]) if row else None

    def _stored_version(self, doc_id: str) -> tuple[str | None, str] | None:
        row = self._db.execute("SELECT superseded_by, version_key FROM documents WHERE id=?",
                               (doc_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def _make_current(self, doc_id: str) -> None:
        self._db.execute("UPDATE documents SET superseded_by=NULL WHERE id=?", (doc_id,))

    def _insert(self, doc: RawDocument, article: Article, key: str, previous: str | None
                ) -> bool:
        # one writer at a time (the lease): nothing can have stored the id since the check
        self._insert_document(doc, key, previous)
        self._insert_article(article)
        return True

    def _supersede(self, old: str, new: str, key: str) -> None:
        self._db.execute("UPDATE documents SET superseded_by=? WHERE id=?", (new, old))
        self._record_version(key, new)

    def _record_version(self, key: str, doc_id: str) -> None:
        self._db.execute("INSERT INTO document_versions (version_key, document_id, at) "
                         "VALUES (?,?,?)", (key, doc_id, _now()))

    def _insert_document(self, doc: RawDocument, key: str, previous: str | None) -> None:
        self._db.execute(
            "INSERT INTO documents (id, source_id, source, version_key, content_type, url, meta,"
            " content, previous_version, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.source_id, doc.source, key, doc.content_type, doc.url,
             document_meta(doc),
             zlib.compress(doc.content.encode("utf-8")), previous, _now()),
        )

    def _insert_article(self, article: Article) -> None:
        marks = ",".join("?" * len(ARTICLE_COLUMNS))
        self._db.execute(f"INSERT INTO articles ({','.join(ARTICLE_COLUMNS)}) VALUES ({marks})",
                         article_values(article))

    def add_skips(self, skips: Iterable[Skip]) -> None:
        rows = [(s.source, s.reason, _now()) for s in skips]
        if not rows:
            return
        with self._write():
            self._db.executemany("INSERT OR IGNORE INTO skipped VALUES (?,?,?)", rows)

    def start_run(self, command: str) -> int:
        with self._write():
            cursor = self._db.execute(
                "INSERT INTO runs (command, started_at, status) VALUES (?,?,'running')",
                (command, _now()))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self._write():
            self._db.execute("UPDATE runs SET finished_at=?, status=?, stats=? WHERE id=?",
                             (_now(), status, json.dumps(stats, default=str), run_id))

    # -- reads ---------------------------------------------------------------------------------
    def articles(self, *, current_only: bool = True, limit: int | None = None
                 ) -> Iterator[Article]:
        """Articles in ingest order; by default only the latest version of each page."""
        sql = "SELECT a.* FROM articles a JOIN documents d ON d.id = a.id"
        if current_only:
            sql += " WHERE d.superseded_by IS NULL"
        sql += " ORDER BY a.rowid"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for row in self._db.execute(sql):
            yield article_from_row(row)

    def get_article(self, ref: str) -> Article | None:
        """By id, unique id prefix, or source_id (the latest version)."""
        row = self._db.execute("SELECT * FROM articles WHERE id=?", (ref,)).fetchone()
        if row is None:
            rows = self._db.execute(
                "SELECT a.* FROM articles a JOIN documents d ON d.id=a.id WHERE a.source_id=? "
                "ORDER BY d.superseded_by IS NULL DESC, a.rowid DESC LIMIT 1", (ref,)).fetchall()
            if not rows and len(ref) >= 4:
                rows = self._db.execute("SELECT * FROM articles WHERE id LIKE ? LIMIT 2",
                                        (ref + "%",)).fetchall()
                rows = rows if len(rows) == 1 else []
            row = rows[0] if rows else None
        return article_from_row(row) if row else None

    def get_document(self, doc_id: str) -> RawDocument | None:
        row = self._db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        return document_from_row(row, zlib.decompress(row["content"]).decode("utf-8"))

    def versions(self, doc_id: str) -> list[str]:
        """Ids of the versions of the page ``doc_id`` belongs to, in the order they became
        current (a page changed back to an earlier content lists that id again)."""
        rows = self._db.execute(
            "SELECT v.document_id FROM document_versions v JOIN documents d "
            "ON d.version_key = v.version_key WHERE d.id=? ORDER BY v.seq", (doc_id,))
        return [r[0] for r in rows]

    def last_run(self, command_prefix: str) -> RunRecord | None:
        """The latest run whose command starts with ``command_prefix`` and that recorded
        its stats (a run still going, or killed, has none)."""
        row = self._db.execute(
            "SELECT command, status, stats FROM runs WHERE stats IS NOT NULL "
            "AND substr(command, 1, ?) = ? ORDER BY id DESC LIMIT 1",
            (len(command_prefix), command_prefix)).fetchone()
        if row is None:
            return None
        stats = json.loads(row["stats"])
        return RunRecord(row["command"], row["status"], stats if isinstance(stats, dict) else {})

    def skipped(self) -> list[Skip]:
        rows = self._db.execute("SELECT source, reason FROM skipped ORDER BY first_seen, source")
        return [Skip(r[0], r[1]) for r in rows]

    def search_text(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Keyword search over title and text (FTS5), with a highlighted snippet."""
        rows = self._db.execute(
            "SELECT a.*, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit))
        return [(article_from_row(r), r["snippet"]) for r in rows]

    def summary(self) -> StoreSummary:
        current = ("FROM articles a JOIN documents d ON d.id=a.id "
                   "WHERE d.superseded_by IS NULL")

        def grouped(column: str) -> dict[str, int]:
            rows = self._db.execute(
                f"SELECT COALESCE({column}, '(unknown)'), COUNT(*) {current} "
                f"GROUP BY 1 ORDER BY 2 DESC, 1")
            return {str(r[0]): int(r[1]) for r in rows}

        reasons: dict[str, int] = {}
        for (removed,) in self._db.execute(f"SELECT a.removed_lines {current}"):
            for line in json.loads(removed):
                reasons[line["reason"]] = reasons.get(line["reason"], 0) + 1
        return StoreSummary(
            documents=int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]),
            articles=int(self._db.execute(f"SELECT COUNT(*) {current}").fetchone()[0]),
            skipped=int(self._db.execute("SELECT COUNT(*) FROM skipped").fetchone()[0]),
            by_language=grouped("a.language"),
            by_outlet=grouped("a.outlet"),
            by_date_source=grouped("a.published_source"),
            removed_by_reason=dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
        )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; sqlite3.complete_statement keeps triggers whole."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
