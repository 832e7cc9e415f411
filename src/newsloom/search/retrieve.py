"""The two retrievers: keyword (FTS5 over lemmas, bm25) and semantic (query embedding
against the stored article vectors, through the usearch index beside the store).

Each returns article ids best first, at most ``depth`` of them, restricted by the filter
:class:`~newsloom.search.filters.Condition`; fusion happens in ``newsloom.search``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from usearch.index import Index

from newsloom.search.filters import FROM_FEATURES, JOINS, Condition
from newsloom.search.stem import index_form, match_expression

if TYPE_CHECKING:
    from newsloom.represent.embed import Embedder, Vectors
    from newsloom.store.sqlite.store import SQLiteStore

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


def query_languages(store: SQLiteStore, wanted: tuple[str, ...]) -> list[str]:
    """Languages to lemmatise query words in: the filter's, else the corpus's largest."""
    if wanted:
        return [lang.lower() for lang in wanted]
    rows = store.read("SELECT language FROM articles WHERE language IS NOT NULL "
                      "GROUP BY language ORDER BY COUNT(*) DESC LIMIT ?", (QUERY_LANGUAGES,))
    return [str(r[0]) for r in rows]


def keyword_ranking(store: SQLiteStore, groups: list[tuple[str, ...]], where: Condition,
                    depth: int) -> list[str]:
    """Article ids by bm25 over the lemma index (``groups``: stem.query_terms): articles with
    every query word first, then (when those are fewer than ``depth``) articles with any of
    the query's distinctive words (see :func:`_distinctive`)."""
    if not groups:
        return []
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    sql = (f"SELECT a.id FROM articles_lemma_fts l JOIN articles a ON a.rowid = l.rowid "
           f"{JOINS} WHERE articles_lemma_fts MATCH ? AND {where.sql} "
           f"ORDER BY bm25(articles_lemma_fts, {weights}) LIMIT ?")
    found = [str(r[0]) for r in store.read(sql, (match_expression(groups), *where.params,
                                                 depth))]
    if len(found) < depth and len(groups) > 1:
        rare = _distinctive(store, groups)
        if rare:
            seen = set(found)
            more = store.read(sql, (match_expression(rare, "OR"), *where.params, depth))
            found += [str(r[0]) for r in more if str(r[0]) not in seen][:depth - len(found)]
    return found


def _distinctive(store: SQLiteStore, groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The query terms in at most OR_MAX_SHARE of the articles. Ranking "any of the words"
    scores every article holding one of them, so a common word would make the OR query scan
    a large part of the corpus (measured: 80-130 ms at 50,000 articles) to add matches on
    that word alone, which say little."""
    store.read("CREATE VIRTUAL TABLE IF NOT EXISTS temp.articles_lemma_vocab "
               "USING fts5vocab(main, articles_lemma_fts, 'row')")
    terms = sorted({index_form(t) for group in groups for t in group})
    df = {str(r[0]): int(r[1]) for r in store.read(
        f"SELECT term, doc FROM temp.articles_lemma_vocab WHERE term IN "
        f"({','.join('?' * len(terms))})", terms)}
    articles = int(store.read("SELECT COUNT(*) FROM articles")[0][0])
    cap = max(OR_MIN_DOCS, OR_MAX_SHARE * articles)
    kept = [tuple(t for t in group if df.get(index_form(t), 0) <= cap) for group in groups]
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
    return Index.restore(str(file.path), view=False)


def _index(store: SQLiteStore, stored: int) -> Index | None:
    """The ANN index beside the store, if it holds exactly the stored vectors."""
    path = store.path.with_name(store.path.name + ".vectors.usearch")
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


def stored_embedder(store: SQLiteStore) -> str | None:
    """Name of the encoder the corpus's vectors came from (None: no vectors yet)."""
    rows = store.read("SELECT embedder FROM article_features LIMIT 1")
    return str(rows[0][0]) if rows else None


def _ids(store: SQLiteStore, scored: list[tuple[int, float]], where: Condition | None
         ) -> list[tuple[str, float]]:
    """(article id, score) of (seq, score) pairs, in order; those failing ``where`` dropped."""
    similarity = dict(scored)
    found: dict[int, str] = {}
    condition, params = (f" AND {where.sql}", where.params) if where else ("", ())
    keys = [key for key, _ in scored]
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        # CROSS JOIN fixes the loop order: look the few seqs up first. Left to itself the
        # planner may walk a filter's index instead (every article in the language, say):
        # measured 9 ms against 415 ms for 500 neighbours under a language filter.
        found.update((int(r[1]), str(r[0])) for r in store.read(
            f"SELECT a.id, f.seq FROM article_features f CROSS JOIN articles a "
            f"ON a.id = f.article_id WHERE f.seq IN ({','.join('?' * len(chunk))}){condition}",
            (*chunk, *params)))
    return [(found[key], similarity[key]) for key in keys if key in found]


def _exact(store: SQLiteStore, index: Index | None, vector: Vectors, where: Condition,
           depth: int) -> list[tuple[str, float]]:
    """Every candidate passing ``where`` scored against the query (vectors from the ANN
    index when there is one, else from the store)."""
    if index is not None:
        seqs = [int(r[0]) for r in store.read(
            f"SELECT f.seq {FROM_FEATURES} WHERE {where.sql}", where.params)]
        if not seqs:
            return []
        vectors = index.get(np.asarray(seqs, dtype=np.uint64))
        matrix = np.vstack([np.asarray(v, dtype=np.float32) for v in (
            vectors if isinstance(vectors, tuple) else [vectors])])
    else:
        rows = store.read(f"SELECT f.seq, f.vector {FROM_FEATURES} WHERE {where.sql}",
                          where.params)
        if not rows:
            return []
        seqs = [int(r[0]) for r in rows]
        matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
    scores = matrix @ vector
    order = np.argsort(-scores)[:depth]
    return _ids(store, [(seqs[i], float(scores[i])) for i in order], None)


def semantic_ranking(store: SQLiteStore, vector: Vectors, where: Condition, depth: int
                     ) -> list[tuple[str, float]]:
    """(article id, cosine) best first, cosine at least :data:`MIN_SIMILARITY`."""
    stored = int(store.read("SELECT COUNT(*) FROM article_features")[0][0])
    if stored == 0:
        return []
    index = _index(store, stored)
    if index is None or (where.filtered and int(store.read(
            f"SELECT COUNT(*) FROM (SELECT 1 {FROM_FEATURES} WHERE {where.sql} LIMIT ?)",
            (*where.params, EXACT_MAX + 1))[0][0]) <= EXACT_MAX):
        found = _exact(store, index, vector, where, depth)
    else:
        found = _post_filtered(store, index, vector, where, depth, stored)
    return [(a, s) for a, s in found if s >= MIN_SIMILARITY]


def _post_filtered(store: SQLiteStore, index: Index, vector: Vectors, where: Condition,
                   depth: int, stored: int) -> list[tuple[str, float]]:
    """ANN neighbours that pass the filters, widening the search until ``depth`` pass, the
    neighbours fall below MIN_SIMILARITY, or MAX_NEIGHBOURS were checked (a filter that
    leaves more than EXACT_MAX articles but few near the query then returns fewer)."""
    k = depth * (4 if where.filtered else 1)
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
