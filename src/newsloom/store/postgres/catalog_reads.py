"""The catalog's indexed and counted reads on PostgreSQL (articles, entities, a story's
articles and entities) behind :class:`newsloom.store.ports.ReadModel`. Counts over every
current article read the trigger-kept ``article_counts``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from newsloom.model import Entity, EntityRef
from newsloom.store.ports import ArticleListFilter, ArticleRow, Cooccurrence
from newsloom.store.postgres.database import Database
from newsloom.store.rows import (
    CONFIRMED_E_SQL,
    CONFIRMED_SQL,
    ENTITY_COLUMNS,
    entity_from_row,
    kept_count,
)

_ARTICLE_ROWS = (
    "SELECT a.id, a.source_id, a.title, a.outlet, a.language, a.published, "
    "a.published_source, a.url, f.story_id, f.duplicate_of "
    "FROM articles a JOIN documents d ON d.id = a.id "
    "LEFT JOIN article_features f ON f.article_id = a.id "
)
_ENTITY_SELECT = f"SELECT {', '.join(ENTITY_COLUMNS)} FROM entities"
#: A story's original articles: a copy whose original lies in another story counts as one.
_ORIGINAL = ("f.story_id = %s AND (f.duplicate_of IS NULL OR NOT EXISTS (SELECT 1 FROM "
             "article_features g WHERE g.article_id = f.duplicate_of AND "
             "g.story_id = f.story_id))")


def _article_filter(filters: ArticleListFilter) -> tuple[LiteralString, list[Any]]:
    clauses: list[LiteralString] = ["d.superseded_by IS NULL"]
    params: list[Any] = []
    if filters.languages:
        clauses.append("a.language = ANY(%s)")
        params.append(list(filters.languages))
    if filters.outlet:
        clauses.append("a.outlet = %s")
        params.append(filters.outlet)
    if filters.story_id:
        clauses.append("f.story_id = %s")
        params.append(filters.story_id)
    if filters.entity_id:
        clauses.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = %s)")
        params.append(filters.entity_id)
    # Prefix comparison: "2019" matches every 2019 date at both ends of the range.
    for bound, operator in ((filters.date_from, ">="), (filters.date_to, "<=")):
        if bound:
            clauses.append("left(a.published, %s) >= %s" if operator == ">="
                           else "left(a.published, %s) <= %s")
            params += [len(bound), bound]
    return "WHERE " + " AND ".join(clauses), params


def _entity_filter(query: str | None, entity_type: str | None, unconfirmed: bool = False
                   ) -> tuple[LiteralString, list[Any]]:
    clauses: list[LiteralString] = ["TRUE" if unconfirmed else CONFIRMED_SQL]
    params: list[Any] = []
    if query:
        clauses.append("(strpos(lower(name), %s) > 0 OR strpos(lower(aliases), %s) > 0)")
        params += [query.lower(), query.lower()]
    if entity_type:
        clauses.append("type = %s")
        params.append(entity_type)
    return "WHERE " + " AND ".join(clauses), params


class CatalogReads:
    """Mixed into PostgresStore."""

    _pg: Database

    # -- article counts (trigger-kept) ---------------------------------------------------------
    def _counted(self, facet: str, values: Sequence[str]) -> int:
        return int(self._pg.value(
            "SELECT COALESCE(SUM(articles), 0) FROM article_counts WHERE facet = %s AND "
            "value = ANY(%s)", (facet, list(values))))

    def count_articles(self) -> int:
        return self._counted("all", [""])

    def facets(self, limit: int) -> tuple[list[str], list[str]]:
        """Languages and outlets of current articles, most frequent first."""
        def column(facet: str) -> list[str]:
            return [str(r[0]) for r in self._pg.rows(
                "SELECT value FROM article_counts WHERE facet = %s AND articles > 0 "
                "ORDER BY articles DESC, value COLLATE \"C\" LIMIT %s", (facet, limit))]
        return column("language"), column("outlet")

    def count_matching_articles(self, filters: ArticleListFilter) -> int:
        kept = kept_count(filters)
        if kept is not None:
            return self._counted(*kept)
        where, params = _article_filter(filters)
        return int(self._pg.value(
            "SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
            f"LEFT JOIN article_features f ON f.article_id = a.id {where}", params))

    # -- article rows --------------------------------------------------------------------------
    def article_page(self, filters: ArticleListFilter, limit: int, offset: int
                     ) -> list[ArticleRow]:
        """One page of current articles, newest ingested first."""
        where, params = _article_filter(filters)
        return [ArticleRow(*r) for r in self._pg.rows(
            f"{_ARTICLE_ROWS} {where} ORDER BY a.seq DESC LIMIT %s OFFSET %s",
            [*params, limit, offset])]

    def article_rows(self, ids: Sequence[str]) -> list[ArticleRow]:
        """Rows of these article ids, in the given order (unknown ids left out)."""
        found = {r[0]: ArticleRow(*r) for r in self._pg.rows(
            f"{_ARTICLE_ROWS} WHERE a.id = ANY(%s)", (list(ids),))}
        return [found[i] for i in ids if i in found]

    def entity_articles(self, entity_id: str, limit: int) -> list[ArticleRow]:
        """The entity's most recently processed articles, through its index."""
        return [ArticleRow(*r) for r in self._pg.rows(
            "SELECT a.id, a.source_id, a.title, a.outlet, a.language, a.published, "
            "a.published_source, a.url, f.story_id, f.duplicate_of "
            "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
            "JOIN documents d ON d.id = a.id LEFT JOIN article_features f "
            "ON f.article_id = a.id WHERE ae.entity_id = %s AND d.superseded_by IS NULL "
            "ORDER BY ae.seq DESC LIMIT %s", (entity_id, limit))]

    # -- one story's articles and entities -----------------------------------------------------
    def count_story_originals(self, story_id: str) -> int:
        return int(self._pg.value(f"SELECT COUNT(*) FROM article_features f WHERE {_ORIGINAL}",
                                  (story_id,)))

    def story_original_ids(self, story_id: str, limit: int, offset: int) -> list[str]:
        return [str(r[0]) for r in self._pg.rows(
            f"SELECT f.article_id FROM article_features f WHERE {_ORIGINAL} "
            "ORDER BY f.seq LIMIT %s OFFSET %s", (story_id, limit, offset))]

    def story_copies(self, story_id: str, original_ids: Sequence[str]
                     ) -> dict[str, list[ArticleRow]]:
        """The story's duplicates of each of ``original_ids``, in processing order."""
        copies: dict[str, list[ArticleRow]] = {}
        for row in self._pg.rows(f"{_ARTICLE_ROWS} WHERE f.story_id = %s AND "
                                 "f.duplicate_of = ANY(%s) ORDER BY f.seq",
                                 (story_id, list(original_ids))):
            copies.setdefault(str(row[9]), []).append(ArticleRow(*row))
        return copies

    def story_entity_counts(self, story_id: str, sample: int, limit: int
                            ) -> tuple[list[EntityRef], int]:
        """Entities of the story's ``sample`` most recent independent articles, most
        mentioned first; and how many articles that was."""
        recent = ("WITH recent AS (SELECT article_id FROM article_features WHERE story_id = %s "
                  "AND duplicate_of IS NULL ORDER BY seq DESC LIMIT %s) ")
        rows = self._pg.rows(
            recent + "SELECT e.id, e.name, e.type, SUM(ae.mentions) AS n FROM recent r "
            "JOIN article_entities ae ON ae.article_id = r.article_id "
            "JOIN entities e ON e.id = ae.entity_id WHERE " + CONFIRMED_E_SQL +
            " GROUP BY e.id ORDER BY n DESC, e.name LIMIT %s", (story_id, sample, limit))
        counted = self._pg.value(recent + "SELECT COUNT(*) FROM recent", (story_id, sample))
        return [EntityRef(r[0], r[1], r[2], int(r[3])) for r in rows], int(counted)

    # -- entities ------------------------------------------------------------------------------
    def entity_page(self, query: str | None, entity_type: str | None, limit: int,
                    offset: int, unconfirmed: bool = False) -> list[Entity]:
        where, params = _entity_filter(query, entity_type, unconfirmed)
        return [entity_from_row(r) for r in self._pg.rows(
            f"{_ENTITY_SELECT} {where} ORDER BY articles DESC, name LIMIT %s OFFSET %s",
            [*params, limit, offset])]

    def count_entities(self, query: str | None, entity_type: str | None,
                       unconfirmed: bool = False) -> int:
        where, params = _entity_filter(query, entity_type, unconfirmed)
        return int(self._pg.value(f"SELECT COUNT(*) FROM entities {where}", params))

    def entity_by_id(self, entity_id: str) -> Entity | None:
        row = self._pg.one(f"{_ENTITY_SELECT} WHERE id = %s", (entity_id,))
        return entity_from_row(row) if row else None

    def cooccurring(self, entity_id: str, limit: int, sample: int) -> list[Cooccurrence]:
        """Entities named in the same articles, by how many of the entity's ``sample`` most
        recent articles they share."""
        return [Cooccurrence(entity_from_row(r), int(r[7])) for r in self._pg.rows(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = %s "
            "ORDER BY seq DESC LIMIT %s) "
            "SELECT e.id, e.key, e.name, e.type, e.aliases, e.articles, e.vouched, "
            "COUNT(*) AS n FROM recent x JOIN article_entities y ON y.article_id = x.article_id "
            "JOIN entities e ON e.id = y.entity_id WHERE y.entity_id <> %s AND "
            + CONFIRMED_E_SQL + " GROUP BY e.id ORDER BY n DESC, e.name LIMIT %s",
            (entity_id, sample, entity_id, limit))]
