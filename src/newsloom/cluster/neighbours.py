"""The clusterer's neighbour index: what :class:`~newsloom.cluster.stories.StoryClusterer`
asks for candidate neighbours, and the implementation for backends that index the vectors
themselves.

Two implementations satisfy :class:`NeighbourIndex`:

* :class:`newsloom.cluster.index.VectorIndex`, the usearch HNSW file beside a SQLite store
  (the corpus stage opens it, checks it against the store, rebuilds and saves it);
* :class:`StoreNeighbours`, for a store whose database has its own vector index
  (PostgreSQL: pgvector HNSW; the store's ``vector_index_path()`` is None): no file.

Keys are the corpus sequence numbers of the articles (``article_features.seq``, the keys of
``ClusterState.keys``), so a neighbour the database returns is already a clusterer key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from newsloom.store.ports import StoredNeighbours


class NeighbourIndex(Protocol):
    """Cosine nearest neighbours over integer keys: what the clusterer calls (``add`` each
    article it places, ``search`` for the candidates of the next) and what the corpus stage
    calls when a run is done (``save``). Loading, checking and rebuilding an index file are
    the file index's own business (pipeline/corpus.py), not part of this protocol."""

    def add(self, key: int, vector: npt.NDArray[np.float32]) -> None: ...

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """Up to ``k`` (key, cosine similarity) pairs, most similar first."""
        ...

    def save(self) -> None:
        """Make what was added durable (called once a run's batches are committed)."""
        ...


def _unit(vector: npt.ArrayLike) -> npt.NDArray[np.float64]:
    found = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(found))
    return found / norm if norm > 0 else found


class StoreNeighbours:
    """Neighbours from the database's vector index, plus the batch it has not seen yet.

    The clusterer adds each article as it places it, but the corpus stage commits a batch
    only after clustering all of it: a later article of the same batch must still find an
    earlier one. So :meth:`search` merges the database's nearest committed articles with an
    exact search over the vectors added since the last :meth:`committed` (by key: an article
    found in both counts once). The corpus stage calls :meth:`committed` when a batch's
    transaction is done, so memory holds one batch's vectors, whatever the corpus size."""

    def __init__(self, store: StoredNeighbours) -> None:
        self.store = store
        self._pending: dict[int, npt.NDArray[np.float64]] = {}

    @property
    def pending(self) -> int:
        """How many added vectors are held in memory (added since the last commit)."""
        return len(self._pending)

    def add(self, key: int, vector: npt.NDArray[np.float32]) -> None:
        self._pending.setdefault(int(key), _unit(vector))

    def search(self, vector: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        if k <= 0:
            return []
        found = dict(self.store.nearest_clustered(np.asarray(vector, dtype=np.float32), k))
        query = _unit(vector)
        pending = [(key, v) for key, v in self._pending.items() if len(v) == len(query)]
        if pending:
            scores = np.vstack([v for _, v in pending]) @ query
            for (key, _), score in zip(pending, scores, strict=True):
                found.setdefault(key, float(score))
        # Ties (identical vectors: exact duplicates) broken by key, so the order is stable.
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:k]

    def committed(self) -> None:
        """Everything added so far is committed: the database finds it from now on."""
        self._pending.clear()

    def save(self) -> None:
        """Nothing to write: the database has each batch's vectors once it commits."""
