"""Nearest stored vectors served by the database itself (PostgreSQL's HNSW index): cosine
order, the filters applied, at most ``depth``. A backend without an index of its own returns
None and search uses the ANN index file instead (tests/test_search*.py cover that path)."""

from __future__ import annotations

import numpy as np
import pytest

from newsloom.store.ports import ArticleFilter, Backend

from .records import clustered, vector


def test_nearest_vectors_in_cosine_order_under_filters(store: Backend) -> None:
    ids = clustered(store).ids
    query = vector(0.2, 1.0, 0.1, 0.0)
    query /= np.linalg.norm(query)
    found = store.nearest_vectors(query, ArticleFilter(), 10)
    if found is None:  # no index of its own: never an answer, so search uses the ANN file
        assert store.nearest_vectors(query, ArticleFilter(story_id="s3"), 10) is None
        assert store.nearest_vectors(query, ArticleFilter(languages=("fr",)), 2) is None
        return
    assert [a for a, _ in found][:1] == [ids["c"]]  # (0, 1, 0, 0) is nearest
    assert {a for a, _ in found} == set(ids.values())
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(float(query @ vector(0, 1, 0, 0)), abs=1e-6)
    assert len(store.nearest_vectors(query, ArticleFilter(), 2) or []) == 2
    in_s3: list[tuple[str, object]] = [
        (ids["d"], pytest.approx(float(query @ vector(0, 0, 1, 0)), abs=1e-6))]
    assert store.nearest_vectors(query, ArticleFilter(story_id="s3"), 10) == in_s3
    assert store.nearest_vectors(query, ArticleFilter(languages=("fr",)), 10) == []


def test_nearest_clustered_articles_by_key_in_cosine_order(store: Backend) -> None:
    """The clusterer's neighbour source (StoredNeighbours): keys are the articles' sequence
    numbers (the clusterer's keys), every clustered article a candidate, filters none. Served
    by the database's index where ``vector_index_path()`` is None, by a scan elsewhere: the
    same answer either way."""
    ids = clustered(store).ids
    key = {article: seq for seq, article in store.load_cluster_state().keys.items()}
    query = vector(0.2, 1.0, 0.1, 0.0)
    found = store.nearest_clustered(query, 10)
    unit = query / np.linalg.norm(query)
    assert [k for k, _ in found][:1] == [key[ids["c"]]]
    assert {k for k, _ in found} == set(key.values())
    scores = [s for _, s in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(float(unit @ vector(0, 1, 0, 0)), abs=1e-6)
    assert [k for k, _ in store.nearest_clustered(query, 2)] == [k for k, _ in found][:2]
    assert store.nearest_clustered(query, 0) == []
    assert store.nearest_clustered(vector(1, 0, 0), 5) == []  # no vector of that dimension
