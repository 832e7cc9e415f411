"""Diagnostic reads of the PostgreSQL store for benchmarks and training sets (eval/,
training/): the :class:`newsloom.store.ports.StoreDiagnostics` port."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsloom.store.ports import StoreCounts
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.search import vector_from

_CURRENT = "FROM articles a JOIN documents d ON d.id = a.id WHERE d.superseded_by IS NULL"


class AdminQueries:
    """Counts and samples."""

    _pg: Database

    def counts(self) -> StoreCounts:
        row = self._pg.one(
            "SELECT (SELECT COUNT(*) FROM documents),"
            " (SELECT COUNT(*) FROM documents WHERE superseded_by IS NULL),"
            " (SELECT COUNT(*) FROM article_features),"
            f" (SELECT COUNT(*) {_CURRENT} AND NOT EXISTS"
            "  (SELECT 1 FROM article_features f WHERE f.article_id = a.id))")
        assert row is not None
        return StoreCounts(documents=int(row[0]), current=int(row[1]), clustered=int(row[2]),
                           pending=int(row[3]))

    def live_story_count(self) -> int:
        return int(self._pg.value("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL"))

    def max_feature_seq(self) -> int:
        return int(self._pg.value("SELECT COALESCE(MAX(seq), 0) FROM article_features"))

    def duplicates_after(self, seq: int) -> int:
        return int(self._pg.value("SELECT COUNT(*) FROM article_features WHERE seq > %s "
                                  "AND duplicate_of IS NOT NULL", (seq,)))

    def clustered_sources(self) -> list[tuple[str, str]]:
        """(article id, source id) of every clustered article, in processing order."""
        return [(str(r[0]), str(r[1])) for r in self._pg.rows(
            "SELECT f.article_id, a.source_id FROM article_features f "
            "JOIN articles a ON a.id = f.article_id ORDER BY f.seq")]

    def article_titles(self, current_only: bool = True) -> list[tuple[str, str, str | None]]:
        """(id, title, language) of the articles that have a title, in ingest order."""
        source = (_CURRENT + " AND") if current_only else "FROM articles a WHERE"
        return [(str(r[0]), str(r[1]), r[2]) for r in self._pg.rows(
            f"SELECT a.id, a.title, a.language {source} a.title IS NOT NULL ORDER BY a.seq")]

    def entities_by_article_count(self, least: int, most: int) -> list[str]:
        return [str(r[0]) for r in self._pg.rows(
            "SELECT entity_id FROM article_entities GROUP BY entity_id "
            "HAVING COUNT(*) BETWEEN %s AND %s ORDER BY entity_id COLLATE \"C\"",
            (least, most))]

    def entity_vectors(self, entity_id: str) -> list[np.ndarray]:
        """Vectors of the non-duplicate articles that mention ``entity_id``, in order."""
        return [vector_from(r[0]) for r in self._pg.rows(
            "SELECT f.vector::real[] FROM article_entities ae JOIN article_features f "
            "ON f.article_id = ae.article_id WHERE ae.entity_id = %s "
            "AND f.duplicate_of IS NULL ORDER BY f.seq", (entity_id,))]

    def feature_seqs(self) -> list[int]:
        return [int(r[0]) for r in self._pg.rows("SELECT seq FROM article_features ORDER BY seq")]

    def vectors_at(self, seqs: Sequence[int]) -> dict[int, np.ndarray]:
        return {int(r[0]): vector_from(r[1]) for r in self._pg.rows(
            "SELECT seq, vector::real[] FROM article_features WHERE seq = ANY(%s)",
            ([int(s) for s in seqs],))}
