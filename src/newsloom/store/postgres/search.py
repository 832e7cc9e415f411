"""PostgreSQL side of search: the lemma ``tsvector`` (GIN) candidates, the article filters and
the stored pgvector vectors (implements :class:`newsloom.store.ports.SearchBackend`).

The keyword index holds what the SQLite store's FTS5 lemma index holds: the lemmas of title
and text (``newsloom.text.stem.lemma_text``) folded to lower case without diacritics, here
as a ``tsvector`` of the ``simple`` configuration (no stemming, no stop words: the lemmas are
already the normal form), title at weight A and text at weight B.

Ranking is bm25 as FTS5 computes it, with its idf, k1, b and the (title, text) column
weights (bm25.py), from the lemma statistics migration 2 keeps beside the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, LiteralString

import numpy as np
from psycopg import sql

from newsloom.model import Article
from newsloom.store.ports import ArticleFilter, SearchRow
from newsloom.store.postgres.bm25 import ranked_params, ranked_sql
from newsloom.store.postgres.database import Database
from newsloom.store.rows import index_form
from newsloom.text.stem import lemma_text

_FROM = "FROM articles a LEFT JOIN article_features f ON f.article_id = a.id"
_FROM_FEATURES = "FROM article_features f JOIN articles a ON a.id = f.article_id"
#: Current versions only: the superseded ids are a small partial index.
_CURRENT = ("NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = a.id "
            "AND d.superseded_by IS NOT NULL)")


def lemma_vector_sql() -> LiteralString:
    """The ``lemmas`` column's value from the two :func:`lemma_vector_values`."""
    return ("setweight(to_tsvector('simple', %s), 'A') || "
            "setweight(to_tsvector('simple', %s), 'B')")


def lemma_vector_values(article: Article) -> list[str]:
    return [index_form(lemma_text(article.title, article.language)),
            index_form(lemma_text(article.text, article.language))]


def filter_sql(where: ArticleFilter) -> tuple[LiteralString, list[Any]]:
    """``where`` as one SQL expression over ``a`` and ``f``, with its parameters."""
    parts: list[LiteralString] = [_CURRENT]
    params: list[Any] = []
    if where.languages:
        parts.append("a.language = ANY(%s)")
        params.append([lang.lower() for lang in where.languages])
    if where.outlets:
        parts.append("lower(a.outlet) = ANY(%s)")
        params.append([outlet.lower() for outlet in where.outlets])
    if where.date_from:
        parts.append("a.published >= %s")
        params.append(where.date_from)
    if where.date_to:  # inclusive at its own precision: "2024-03" keeps March
        parts.append("left(a.published, %s) <= %s")
        params += [len(where.date_to), where.date_to]
    if where.entity_id is not None:
        parts.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = %s)")
        params.append(where.entity_id)
    if where.story_id is not None:
        parts.append("f.story_id = %s")
        params.append(where.story_id)
    return " AND ".join(parts), params


def tsquery_sql(groups: Sequence[tuple[str, ...]], any_group: bool
                ) -> tuple[LiteralString, list[str]]:
    """A tsquery: each term a phrase (so no term is read as query syntax), the alternatives
    of one word OR-ed, the words AND-ed (OR-ed with ``any_group``)."""
    joined: LiteralString = " || " if any_group else " && "
    parts: list[LiteralString] = []
    params: list[str] = []
    for group in groups:
        parts.append("(" + " || ".join(["phraseto_tsquery('simple', %s)"] * len(group)) + ")")
        params += [index_form(term) for term in group]
    return "(" + joined.join(parts) + ")", params


def vector_values(vector: np.ndarray) -> list[float]:
    """A vector as the float list pgvector takes (``%s::real[]::vector``)."""
    return [float(v) for v in np.asarray(vector, dtype=np.float32)]


def vector_from(values: Sequence[float]) -> np.ndarray:
    """A vector read back as ``vector::real[]``."""
    return np.asarray(values, dtype=np.float32)


class SearchTables:
    """Reads of :class:`newsloom.store.ports.SearchBackend`; no writes."""

    _pg: Database

    # -- articles ------------------------------------------------------------------------------
    def article_count(self) -> int:
        """Every stored version, as the lemma statistics count them (kept by a trigger)."""
        return int(self._pg.value("SELECT articles FROM lemma_totals"))

    def corpus_languages(self, limit: int | None = None) -> list[str]:
        return [str(r[0]) for r in self._pg.rows(
            "SELECT language FROM articles WHERE language IS NOT NULL GROUP BY language "
            "ORDER BY COUNT(*) DESC, language LIMIT %s", (limit,))]

    def canonical_ids(self, article_ids: Iterable[str]) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in self._pg.rows(
            "SELECT article_id, duplicate_of FROM article_features WHERE duplicate_of IS "
            "NOT NULL AND article_id = ANY(%s)", (sorted(set(article_ids)),))}

    def duplicates_of(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for copy, original in self._pg.rows(
                "SELECT article_id, duplicate_of FROM article_features "
                "WHERE duplicate_of = ANY(%s) ORDER BY seq", (list(article_ids),)):
            found.setdefault(str(original), []).append(str(copy))
        return found

    def search_rows(self, article_ids: Iterable[str], *, with_text: bool
                    ) -> dict[str, SearchRow]:
        text: LiteralString = "a.text" if with_text else "NULL"
        return {str(r[0]): SearchRow(str(r[0]), *r[1:]) for r in self._pg.rows(
            f"SELECT a.id, a.title, a.language, a.outlet, a.published, f.story_id, {text} "
            f"{_FROM} WHERE a.id = ANY(%s)", (list(article_ids),))}

    def entity_holders(self, article_ids: Sequence[str], entity_ids: Iterable[str]
                       ) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for article_id, entity_id in self._pg.rows(
                "SELECT article_id, entity_id FROM article_entities "
                "WHERE article_id = ANY(%s) AND entity_id = ANY(%s)",
                (list(article_ids), sorted(set(entity_ids)))):
            found.setdefault(str(article_id), set()).add(str(entity_id))
        return found

    # -- the lemma index -----------------------------------------------------------------------
    def keyword_matches(self, groups: Sequence[tuple[str, ...]], where: ArticleFilter,
                        depth: int, *, any_group: bool = False,
                        weights: tuple[float, float] = (1.0, 1.0)) -> list[str]:
        if not groups:
            return []
        query, terms = tsquery_sql(groups, any_group)
        condition, params = filter_sql(where)
        return [str(r[0]) for r in self._pg.rows(
            ranked_sql(query, _FROM, condition),
            ranked_params(terms, terms, params, weights, depth))]

    def term_holders(self, article_ids: Sequence[str], groups: Sequence[tuple[str, ...]]
                     ) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {}
        ids = list(dict.fromkeys(article_ids))
        for position, group in enumerate(groups):
            if not ids or not group:
                continue
            query, terms = tsquery_sql([group], any_group=True)
            for (article_id,) in self._pg.rows(
                    "SELECT a.id FROM articles a WHERE a.id = ANY(%s) AND a.lemmas @@ " + query,
                    (ids, *terms)):
                found.setdefault(str(article_id), set()).add(position)
        return found

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """From the lemma statistics (every stored version, as FTS5's vocabulary counts)."""
        forms = {term: index_form(term) for term in terms}
        found = {str(r[0]): int(r[1]) for r in self._pg.rows(
            "SELECT term, articles FROM lemma_df WHERE term = ANY(%s) AND articles > 0",
            (sorted(set(forms.values())),))}
        return {term: found[form] for term, form in forms.items() if form in found}

    # -- stored vectors ------------------------------------------------------------------------
    def vector_model(self) -> str | None:
        value = self._pg.value("SELECT embedder FROM article_features LIMIT 1")
        return None if value is None else str(value)

    def vector_count(self) -> int:
        return int(self._pg.value("SELECT COUNT(*) FROM article_features"))

    def count_vector_candidates(self, where: ArticleFilter, cap: int) -> int:
        condition, params = filter_sql(where)
        return int(self._pg.value(
            f"SELECT COUNT(*) FROM (SELECT 1 {_FROM_FEATURES} WHERE {condition} LIMIT %s) c",
            (*params, cap)))

    def vector_keys(self, where: ArticleFilter) -> list[int]:
        condition, params = filter_sql(where)
        return [int(r[0]) for r in self._pg.rows(
            f"SELECT f.seq {_FROM_FEATURES} WHERE {condition} ORDER BY f.seq", params)]

    def stored_vectors(self, where: ArticleFilter) -> list[tuple[int, np.ndarray]]:
        condition, params = filter_sql(where)
        return [(int(r[0]), vector_from(r[1])) for r in self._pg.rows(
            f"SELECT f.seq, f.vector::real[] {_FROM_FEATURES} WHERE {condition} "
            f"ORDER BY f.seq", params)]

    def articles_for_keys(self, keys: Sequence[int], where: ArticleFilter | None = None
                          ) -> dict[int, str]:
        condition, params = filter_sql(where) if where is not None else ("TRUE", [])
        return {int(r[0]): str(r[1]) for r in self._pg.rows(
            f"SELECT f.seq, a.id {_FROM_FEATURES} WHERE f.seq = ANY(%s) AND {condition}",
            ([int(k) for k in keys], *params))}

    def nearest_vectors(self, vector: np.ndarray, where: ArticleFilter, depth: int
                        ) -> list[tuple[str, float]] | None:
        """From the HNSW index (``hnsw_index_sql``), cosine order. Iterative scans keep
        searching the graph until ``depth`` rows pass the filters (pgvector 0.8), in strict
        distance order; ``ef_search`` is raised to ``depth`` so a deep page is not cut at
        pgvector's default of 40."""
        dim = len(vector)
        distance = sql.SQL("f.vector::vector({dim}) <=> %s::real[]::vector({dim})").format(
            dim=sql.Literal(dim))
        condition, params = filter_sql(where)
        query = sql.SQL(
            "SELECT a.id, 1 - ({distance}) {features} WHERE vector_dims(f.vector) = {dim} "
            "AND {condition} ORDER BY {distance} LIMIT %s").format(
            distance=distance, features=sql.SQL(_FROM_FEATURES), dim=sql.Literal(dim),
            condition=sql.SQL(condition))
        values = vector_values(vector)
        with self._pg.transaction():
            self._pg.execute("SELECT set_config('hnsw.ef_search', %s, true), "
                             "set_config('hnsw.iterative_scan', 'strict_order', true)",
                             (str(max(40, min(depth, 1000))),))
            return [(str(r[0]), float(r[1])) for r in self._pg.rows(
                query, (values, *params, values, depth))]


def hnsw_index_name(dim: int) -> str:
    return f"article_features_hnsw_{int(dim)}"


def hnsw_index_sql(dim: int) -> sql.Composed:
    """The HNSW index of the article vectors of dimension ``dim`` (cosine). pgvector indexes
    only vectors of a fixed dimension and the column takes any encoder's, so the index is
    on the column cast to the corpus's dimension, created with the first vectors stored."""
    return sql.SQL("CREATE INDEX IF NOT EXISTS {name} ON article_features USING hnsw "
                   "((vector::vector({dim})) vector_cosine_ops) "
                   "WHERE vector_dims(vector) = {dim}").format(
        name=sql.Identifier(hnsw_index_name(dim)), dim=sql.Literal(int(dim)))
