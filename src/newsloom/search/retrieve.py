"""The two retrievers: keyword (the store's full-text index over lemmas, bm25) and semantic
(query embedding against the stored article vectors, through the usearch index beside the
store).

Each returns article ids best first, at most ``depth`` of them, restricted by the filter
:class:`~newsloom.store.ports.ArticleFilter`; fusion happens in ``newsloom.search``. The store
behind them is any :class:`~newsloom.store.ports.SearchBackend`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsloom.text.stem import WORD, query_lemma

if TYPE_CHECKING:
    from collections.abc import Iterable

    from usearch.index import Index

    from newsloom.represent.embed import Embedder, Vectors
    from newsloom.store.ports import (
        ArticleFilter,
        KeywordIndex,
        SearchArticles,
        VectorCandidates,
    )

log = logging.getLogger("newsloom")

#: bm25 column weights (title, text): a query word in the headline says more about what the
#: article is about than the same word deep in the body.
BM25_WEIGHTS = (3.0, 1.0)
#: "Any of the words" matching uses only words in at most this share of the articles (and
#: always words in at most OR_MIN_DOCS articles, so small stores keep every word).
OR_MAX_SHARE = 0.02
OR_MIN_DOCS = 50
#: Query words are lemmatised in at most this many of the corpus's languages (its largest):
#: each language's lexicon costs memory and a one-off load, and alternatives widen the query.
QUERY_LANGUAGES = 6
#: With filters that leave at most this many articles, semantic search compares the query
#: with each of their vectors exactly instead of post-filtering ANN neighbours.
EXACT_MAX = 2000
#: Filtered ANN search checks at most this many neighbours against the filters.
MAX_NEIGHBOURS = 3200
#: Cosine below which a stored article is no semantic match at all. A floor, not a relevance
#: model: on the 50k benchmark store two random articles score 0.27 at the median and 10 %
#: of pairs fall below 0.15 (USE-m3), and semantic queries there keep 18.5 of 20 hits.
MIN_SIMILARITY = 0.15


def query_languages(store: SearchArticles, wanted: tuple[str, ...]) -> list[str]:
    """Languages to lemmatise query words in: the filter's, else the corpus's largest."""
    if wanted:
        return [lang.lower() for lang in wanted]
    return store.corpus_languages(QUERY_LANGUAGES)


def query_terms(text: str, languages: Iterable[str]) -> list[tuple[str, ...]]:
    """One group of alternative index terms per query word: the word itself (lower-case)
    and its lemma in each candidate language, since a short query's language is unknown."""
    langs = sorted(set(languages))
    groups: list[tuple[str, ...]] = []
    for word in WORD.findall(text):
        forms = dict.fromkeys([word.lower()] + [query_lemma(word, lang) for lang in langs])
        groups.append(tuple(forms))
    return groups


def keyword_ranking(store: KeywordIndex, groups: list[tuple[str, ...]],
                    where: ArticleFilter, depth: int) -> list[str]:
    """Article ids by bm25 over the lemma index (``groups``: :func:`query_terms`): articles
    with every query word first, then (when those are fewer than ``depth``) articles with any
    of the query's distinctive words (see :func:`_distinctive`)."""
    found = store.keyword_matches(groups, where, depth, weights=BM25_WEIGHTS)
    if len(found) < depth and len(groups) > 1:
        rare = _distinctive(store, groups)
        if rare:
            seen = set(found)
            more = store.keyword_matches(rare, where, depth, any_group=True,
                                         weights=BM25_WEIGHTS)
            found += [a for a in more if a not in seen][:depth - len(found)]
    return found


def _distinctive(store: KeywordIndex, groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The query terms in at most OR_MAX_SHARE of the articles. Ranking "any of the words"
    scores every article holding one of them, so a common word would make the OR query scan
    a large part of the corpus (measured: 80-130 ms at 50,000 articles) to add matches on
    that word alone, which say little."""
    df = store.document_frequencies({t for group in groups for t in group})
    cap = max(OR_MIN_DOCS, OR_MAX_SHARE * store.article_count())
    kept = [tuple(t for t in group if df.get(t, 0) <= cap) for group in groups]
    return [group for group in kept if group]


@dataclass(frozen=True, slots=True)
class _IndexFile:
    path: Path
    stamp: tuple[int, int]


@lru_cache(maxsize=2)
def _open_index(file: _IndexFile) -> Index | None:
    # The file the corpus stage writes (cluster/index.py), loaded with usearch directly since
    # exact scoring of a filtered candidate set reads vectors back by key. Loaded whole;
    # keyed by mtime and size, so a file a corpus run replaced (atomically) is loaded again.
    # Imported here: keyword search and a store without vectors never need usearch (0.1 s).
    from usearch.index import Index

    return Index.restore(str(file.path), view=False)


def _index(store: VectorCandidates, stored: int) -> Index | None:
    """The ANN index beside the store, if it holds exactly the stored vectors."""
    path = store.vector_index_path()
    if path is None:
        return None  # the database indexes the vectors itself (nearest_vectors)
    try:
        stat = os.stat(path)
    except OSError:
        return None  # no corpus run wrote one yet
    try:
        index = _open_index(_IndexFile(path, (stat.st_mtime_ns, stat.st_size)))
    except (OSError, RuntimeError, ValueError) as exc:
        # Searching still works, from the vectors in the store; the next corpus run
        # (newsloom analyze) rebuilds the file.
        log.warning("vector index %s cannot be read (%s): searching the stored vectors; "
                    "the next analyze rebuilds it", path, exc)
        return None
    return index if index is not None and len(index) == stored else None


def _ids(store: VectorCandidates, scored: list[tuple[int, float]],
         where: ArticleFilter | None) -> list[tuple[str, float]]:
    """(article id, score) of (key, score) pairs, in order; those failing ``where`` dropped."""
    found = store.articles_for_keys([key for key, _ in scored], where)
    return [(found[key], score) for key, score in scored if key in found]


def _exact(store: VectorCandidates, index: Index | None, vector: Vectors,
           where: ArticleFilter, depth: int) -> list[tuple[str, float]]:
    """Every candidate passing ``where`` scored against the query (vectors from the ANN
    index when there is one, else from the store)."""
    if index is not None:
        seqs = store.vector_keys(where)
        if not seqs:
            return []
        vectors = index.get(np.asarray(seqs, dtype=np.uint64))
        matrix = np.vstack([np.asarray(v, dtype=np.float32) for v in (
            vectors if isinstance(vectors, tuple) else [vectors])])
    else:
        rows = store.stored_vectors(where)
        if not rows:
            return []
        seqs = [seq for seq, _ in rows]
        matrix = np.vstack([stored for _, stored in rows])
    scores = matrix @ vector
    order = np.argsort(-scores)[:depth]
    return _ids(store, [(seqs[i], float(scores[i])) for i in order], None)


def semantic_ranking(store: VectorCandidates, vector: Vectors, where: ArticleFilter,
                     depth: int) -> list[tuple[str, float]]:
    """(article id, cosine) best first, cosine at least :data:`MIN_SIMILARITY`."""
    stored = store.vector_count()
    if stored == 0:
        return []
    nearest = store.nearest_vectors(np.asarray(vector, dtype=np.float32), where, depth)
    if nearest is not None:  # the database's own vector index (PostgreSQL: HNSW)
        return [(a, s) for a, s in nearest if s >= MIN_SIMILARITY]
    index = _index(store, stored)
    if index is None or (where.narrowed and store.count_vector_candidates(
            where, EXACT_MAX + 1) <= EXACT_MAX):
        found = _exact(store, index, vector, where, depth)
    else:
        found = _post_filtered(store, index, vector, where, depth, stored)
    return [(a, s) for a, s in found if s >= MIN_SIMILARITY]


def _post_filtered(store: VectorCandidates, index: Index, vector: Vectors,
                   where: ArticleFilter, depth: int, stored: int) -> list[tuple[str, float]]:
    """ANN neighbours that pass the filters, widening the search until ``depth`` pass, the
    neighbours fall below MIN_SIMILARITY, or MAX_NEIGHBOURS were checked (a filter that
    leaves more than EXACT_MAX articles but few near the query then returns fewer)."""
    k = depth * (4 if where.narrowed else 1)
    while True:
        k = min(k, stored, MAX_NEIGHBOURS)
        found = index.search(np.asarray(vector, dtype=np.float32), k)
        neighbours = [(int(key), 1.0 - float(dist))
                      for key, dist in zip(found.keys, found.distances, strict=True)]
        passed = _ids(store, neighbours, where)
        weakest = neighbours[-1][1] if neighbours else 0.0
        if (len(passed) >= depth or k >= min(stored, MAX_NEIGHBOURS)
                or weakest < MIN_SIMILARITY):
            return passed[:depth]
        k *= 4


def embed_query(embedder: Embedder, text: str) -> Vectors:
    vectors: Vectors = embedder.embed([text])
    return np.asarray(vectors[0], dtype=np.float32)
