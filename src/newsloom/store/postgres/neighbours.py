"""PostgreSQL side of the clusterer's neighbour search: the nearest clustered articles from
the pgvector HNSW index (implements :class:`newsloom.store.ports.StoredNeighbours`; mixed into
PostgresStore).

The HNSW index is the one semantic search reads (``search.hnsw_index_sql``): on
``article_features.vector``, the vector the corpus stage stores for each article, which is
the very vector the clusterer scores and indexes (``Evidence.vector``: both are the
featurized embedding, and ``evidence()`` reads it back from this column). Its keys are
``article_features.seq``, the clusterer's keys, so no id mapping is needed. The in-batch
vectors that are not committed yet are the caller's (cluster/neighbours.py).
"""

from __future__ import annotations

import numpy as np
from psycopg import sql

from newsloom.store.postgres.database import Database
from newsloom.store.postgres.search import vector_values

#: ``hnsw.ef_search`` of a neighbour search for ``k`` neighbours: at least EF_SEARCH_FLOOR,
#: EF_SEARCH_PER_NEIGHBOUR per neighbour, at most EF_SEARCH_MAX (pgvector's limit).
#:
#: HNSW keeps ``ef_search`` candidates while it walks the graph, and stops early only once the
#: list is full and no closer vector is left to expand. A store of at most that many
#: clustered articles fits whole in the list, so the walk visits every vector it can reach
#: (the whole, connected graph) and the search is exact: up to 200 articles at the default
#: k = 20. The usearch file on SQLite searches with expansion 64, so up to 64 articles both
#: are exhaustive and return the same k neighbours, hence the same stories (every test corpus
#: is that small). On larger stores 10 candidates per neighbour (200 for k = 20) is a wider
#: search than usearch's 64 for the same k, so recall is at least the file index's, though
#: the two approximate searches may then differ. pgvector's default (40, twice k) would stop
#: guaranteeing exact neighbours at 41 articles.
EF_SEARCH_FLOOR = 200
EF_SEARCH_PER_NEIGHBOUR = 10
EF_SEARCH_MAX = 1000


def ef_search(k: int) -> int:
    return min(EF_SEARCH_MAX, max(EF_SEARCH_FLOOR, EF_SEARCH_PER_NEIGHBOUR * k))


class NeighbourQueries:
    """Reads of :class:`newsloom.store.ports.StoredNeighbours`; no writes."""

    _pg: Database

    def nearest_clustered(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """From the HNSW index of the vectors' dimension, in cosine order. Iterative scans
        (strict order) keep walking the graph when rows the index returns are not visible
        (old versions of rows a merge or split updated), so ``k`` rows still come back."""
        if k <= 0:
            return []
        dim = len(vector)
        distance = sql.SQL("vector::vector({dim}) <=> %s::real[]::vector({dim})").format(
            dim=sql.Literal(dim))
        query = sql.SQL(
            "SELECT seq, 1 - ({distance}) FROM article_features "
            "WHERE vector_dims(vector) = {dim} ORDER BY {distance} LIMIT %s").format(
            distance=distance, dim=sql.Literal(dim))
        values = vector_values(vector)
        with self._pg.transaction():
            self._pg.execute("SELECT set_config('hnsw.ef_search', %s, true), "
                             "set_config('hnsw.iterative_scan', 'strict_order', true)",
                             (str(ef_search(k)),))
            return [(int(r[0]), float(r[1])) for r in self._pg.rows(query, (values, values, k))]
