"""Diagnostic reads of the SQLite store for benchmarks and training sets (eval/, training/):
the :class:`newsloom.store.ports.StoreDiagnostics` port, mixed into SQLiteStore."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np

from newsloom.store.ports import StoreCounts

#: Host parameters per IN (...) query; SQLite's default limit is 32,766.
_CHUNK = 900

_CURRENT_ARTICLES = "FROM articles a JOIN documents d ON d.id = a.id WHERE d.superseded_by IS NULL"


class AdminQueries:
    """Counts and samples; ``_db`` is the store's connection."""

    _db: sqlite3.Connection

    def _one(self, sql: str, params: Sequence[object] = ()) -> int:
        return int(self._db.execute(sql, params).fetchone()[0])

    def counts(self) -> StoreCounts:
        return StoreCounts(
            documents=self._one("SELECT COUNT(*) FROM documents"),
            current=self._one("SELECT COUNT(*) FROM documents WHERE superseded_by IS NULL"),
            clustered=self._one("SELECT COUNT(*) FROM article_features"),
            pending=self._one(
                "SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
                "LEFT JOIN article_features f ON f.article_id = a.id "
                "WHERE d.superseded_by IS NULL AND f.article_id IS NULL"),
        )

    def live_story_count(self) -> int:
        """Stories not merged into another."""
        return self._one("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL")

    def max_feature_seq(self) -> int:
        """Sequence number of the last clustered article (0: none yet)."""
        return self._one("SELECT COALESCE(MAX(seq), 0) FROM article_features")

    def duplicates_after(self, seq: int) -> int:
        """Clustered articles after sequence number ``seq`` marked duplicates."""
        return self._one("SELECT COUNT(*) FROM article_features WHERE seq > ? AND "
                         "duplicate_of IS NOT NULL", (seq,))

    def clustered_sources(self) -> list[tuple[str, str]]:
        """(article id, source id) of every clustered article, in processing order."""
        return [(str(r[0]), str(r[1])) for r in self._db.execute(
            "SELECT f.article_id, a.source_id FROM article_features f "
            "JOIN articles a ON a.id = f.article_id ORDER BY f.seq")]

    def article_titles(self, current_only: bool = True) -> list[tuple[str, str, str | None]]:
        """(id, title, language) of the articles that have a title, in ingest order."""
        sql = ("SELECT a.id, a.title, a.language "
               + (_CURRENT_ARTICLES + " AND" if current_only else "FROM articles a WHERE")
               + " a.title IS NOT NULL ORDER BY a.rowid")
        return [(str(r[0]), str(r[1]), r[2]) for r in self._db.execute(sql)]

    def entities_by_article_count(self, least: int, most: int) -> list[str]:
        """Ids of the entities mentioned in ``least`` to ``most`` articles, sorted."""
        return [str(r[0]) for r in self._db.execute(
            "SELECT entity_id FROM article_entities GROUP BY entity_id "
            "HAVING count(*) BETWEEN ? AND ? ORDER BY entity_id", (least, most))]

    def entity_vectors(self, entity_id: str) -> list[np.ndarray]:
        """Vectors of the non-duplicate articles that mention ``entity_id``, in order."""
        return [np.frombuffer(r[0], dtype=np.float32) for r in self._db.execute(
            "SELECT f.vector FROM article_entities ae JOIN article_features f "
            "ON f.article_id = ae.article_id WHERE ae.entity_id = ? AND f.duplicate_of IS NULL "
            "ORDER BY f.seq", (entity_id,))]

    def feature_seqs(self) -> list[int]:
        """Sequence numbers of every clustered article, in order."""
        return [int(r[0]) for r in self._db.execute(
            "SELECT seq FROM article_features ORDER BY seq")]

    def vectors_at(self, seqs: Sequence[int]) -> dict[int, np.ndarray]:
        """Vectors of the clustered articles with these sequence numbers."""
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(seqs), _CHUNK):
            chunk = list(seqs[start:start + _CHUNK])
            found.update((int(r[0]), np.frombuffer(r[1], dtype=np.float32)) for r in
                         self._db.execute(f"SELECT seq, vector FROM article_features WHERE seq "
                                          f"IN ({','.join('?' * len(chunk))})", chunk))
        return found
