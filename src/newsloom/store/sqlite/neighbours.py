"""SQLite side of :class:`newsloom.store.ports.StoredNeighbours`, mixed into SQLiteStore.

SQLite has no vector index of its own: the corpus stage clusters through the usearch file
beside the store (``vector_index_path``) and never asks these for neighbours. They answer
anyway, exactly (every stored vector compared), so the port means the same on each backend
and the contract suite holds both to it.
"""

from __future__ import annotations

import sqlite3

import numpy as np


class NeighbourQueries:
    """Reads of :class:`newsloom.store.ports.StoredNeighbours`; no writes."""

    _db: sqlite3.Connection

    def nearest_clustered(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Every stored vector of ``vector``'s dimension scored by cosine (a full scan)."""
        query = np.asarray(vector, dtype=np.float64)
        if k <= 0 or not np.linalg.norm(query):
            return []
        rows = [(int(seq), np.frombuffer(blob, dtype=np.float32))
                for seq, blob in self._db.execute("SELECT seq, vector FROM article_features")]
        rows = [(seq, stored) for seq, stored in rows if len(stored) == len(query)]
        if not rows:
            return []
        matrix = np.vstack([stored for _, stored in rows]).astype(np.float64)
        norms = np.linalg.norm(matrix, axis=1)
        scores = (matrix @ query) / np.where(norms > 0, norms, 1.0) / np.linalg.norm(query)
        found = sorted(((float(score), seq) for (seq, _), score in zip(rows, scores,
                                                                         strict=True)),
                       key=lambda item: (-item[0], item[1]))
        return [(seq, score) for score, seq in found[:k]]
