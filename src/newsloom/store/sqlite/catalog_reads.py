"""The catalog's indexed and counted reads (articles, entities, a story's articles and
entities) behind :class:`newsloom.store.ports.ReadModel`; the story and storyline listings
are in readmodel.py. Counts over every current article read the trigger-kept
``article_counts`` (migration 11) instead of scanning the articles."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from newsloom.model import Entity, EntityRef
from newsloom.store.ports import ArticleListFilter, ArticleRow, Cooccurrence
from newsloom.store.rows import (
    CONFIRMED_E_SQL,
    CONFIRMED_SQL,
    ENTITY_COLUMNS,
    entity_from_row,
    kept_count,
)

_ARTICLE_ROW_SQL = (
    "SELECT a.id, a.source_id, a.title, a.outlet, a.language, a.published, "
    "a.published_source, a.url, f.story_id, f.duplicate_of "
    "FROM articles a JOIN documents d ON d.id = a.id "
    "LEFT JOIN article_features f ON f.article_id = a.id "
)
_ENTITY_SQL = f"SELECT {', '.join(ENTITY_COLUMNS)} FROM entities "
#: A story's original articles: a copy whose original lies in another story counts as one.
_ORIGINAL = ("f.story_id = ? AND (f.duplicate_of IS NULL OR NOT EXISTS (SELECT 1 FROM "
             "article_features g WHERE g.article_id = f.duplicate_of AND "
             "g.story_id = f.story_id))")
_CHUNK = 500


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _article_row(row: Sequence[object]) -> ArticleRow:
    return ArticleRow(*row)  # type: ignore[arg-type]


def _article_where(filters: ArticleListFilter) -> tuple[str, list[object]]:
    clauses, params = ["d.superseded_by IS NULL"], list[object]()
    if filters.languages:
        clauses.append(f"a.language IN ({_marks(filters.languages)})")
        params += filters.languages
    if filters.outlet:
        clauses.append("a.outlet = ?")
        params.append(filters.outlet)
    if filters.story_id:
        clauses.append("f.story_id = ?")
        params.append(filters.story_id)
    if filters.entity_id:
        clauses.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
        params.append(filters.entity_id)
    # Prefix comparison: "2019" matches every 2019 date at both ends of the range.
    if filters.date_from:
        clauses.append("substr(a.published, 1, ?) >= ?")
        params += [len(filters.date_from), filters.date_from]
    if filters.date_to:
        clauses.append("substr(a.published, 1, ?) <= ?")
        params += [len(filters.date_to), filters.date_to]
    return "WHERE " + " AND ".join(clauses), params


def _entity_where(query: str | None, entity_type: str | None, unconfirmed: bool = False
                  ) -> tuple[str, list[object]]:
    clauses, params = ["1 = 1" if unconfirmed else CONFIRMED_SQL], list[object]()
    if query:
        needle = query.lower()
        clauses.append("(instr(lower(name), ?) > 0 OR instr(lower(aliases), ?) > 0)")
        params += [needle, needle]
    if entity_type:
        clauses.append("type = ?")
        params.append(entity_type)
    return "WHERE " + " AND ".join(clauses), params


class CatalogReads:
    """Mixed into SQLiteStore; ``_db`` is the store's connection."""

    _db: sqlite3.Connection

    # -- article counts (trigger-kept) ----------------------------------------------------------
    def _counted(self, facet: str, values: Sequence[str]) -> int:
        row = self._db.execute(
            f"SELECT COALESCE(SUM(articles), 0) FROM article_counts WHERE facet = ? AND "
            f"value IN ({_marks(values)})", [facet, *values]).fetchone()
        return int(row[0])

    def count_articles(self) -> int:
        """Current articles (the latest version of each page)."""
        return self._counted("all", [""])

    def facets(self, limit: int) -> tuple[list[str], list[str]]:
        """Languages and outlets of current articles, most frequent first."""
        def column(facet: str) -> list[str]:
            return [str(r[0]) for r in self._db.execute(
                "SELECT value FROM article_counts WHERE facet = ? AND articles > 0 "
                "ORDER BY articles DESC, value LIMIT ?", (facet, limit))]
        return column("language"), column("outlet")

    def count_matching_articles(self, filters: ArticleListFilter) -> int:
        """Current articles that pass ``filters``; by language only, by outlet only or
        unfiltered from the kept counts, else counted."""
        kept = kept_count(filters)
        if kept is not None:
            return self._counted(*kept)
        where, params = _article_where(filters)
        return int(self._db.execute(
            "SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
            f"LEFT JOIN article_features f ON f.article_id = a.id {where}", params).fetchone()[0])

    # -- article rows ------------------------------------------------------------------------------
    def article_page(self, filters: ArticleListFilter, limit: int, offset: int
                     ) -> list[ArticleRow]:
        """One page of current articles, newest ingested first."""
        where, params = _article_where(filters)
        return [_article_row(r) for r in self._db.execute(
            f"{_ARTICLE_ROW_SQL} {where} ORDER BY a.rowid DESC LIMIT ? OFFSET ?",
            [*params, limit, offset])]

    def article_rows(self, ids: Sequence[str]) -> list[ArticleRow]:
        """Rows of these article ids, in the given order (unknown ids left out)."""
        found: dict[str, ArticleRow] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start:start + _CHUNK])
            for row in self._db.execute(f"{_ARTICLE_ROW_SQL} WHERE a.id IN ({_marks(chunk)})",
                                        chunk):
                found[row[0]] = _article_row(row)
        return [found[i] for i in ids if i in found]

    def entity_articles(self, entity_id: str, limit: int) -> list[ArticleRow]:
        """The entity's most recently processed articles, read through its index (a filter
        on the article listing would scan articles until enough mention it)."""
        return [_article_row(r) for r in self._db.execute(
            _ARTICLE_ROW_SQL.replace("FROM articles a ", "FROM article_entities ae JOIN "
                                     "articles a ON a.id = ae.article_id ")
            + "WHERE ae.entity_id = ? AND d.superseded_by IS NULL ORDER BY ae.rowid DESC "
            "LIMIT ?", (entity_id, limit))]

    # -- one story's articles and entities -----------------------------------------------------
    def count_story_originals(self, story_id: str) -> int:
        return int(self._db.execute(
            f"SELECT COUNT(*) FROM article_features f WHERE {_ORIGINAL}",
            (story_id,)).fetchone()[0])

    def story_original_ids(self, story_id: str, limit: int, offset: int) -> list[str]:
        """A page of the story's original articles, in processing order."""
        return [str(r[0]) for r in self._db.execute(
            f"SELECT f.article_id FROM article_features f WHERE {_ORIGINAL} "
            "ORDER BY f.seq LIMIT ? OFFSET ?", (story_id, limit, offset))]

    def story_copies(self, story_id: str, original_ids: Sequence[str]
                     ) -> dict[str, list[ArticleRow]]:
        """The story's duplicates of each of ``original_ids``, in processing order."""
        copies: dict[str, list[ArticleRow]] = {}
        for start in range(0, len(original_ids), _CHUNK):
            chunk = list(original_ids[start:start + _CHUNK])
            for row in self._db.execute(
                    f"{_ARTICLE_ROW_SQL} WHERE f.story_id = ? AND f.duplicate_of IN "
                    f"({_marks(chunk)}) ORDER BY f.seq", [story_id, *chunk]):
                copies.setdefault(str(row[9]), []).append(_article_row(row))
        return copies

    def story_entity_counts(self, story_id: str, sample: int, limit: int
                            ) -> tuple[list[EntityRef], int]:
        """Confirmed entities of the story's independent articles, most mentioned first,
        counted over its ``sample`` most recent ones; and how many those were."""
        rows = self._db.execute(
            "WITH recent AS (SELECT article_id FROM article_features WHERE story_id = ? "
            "AND duplicate_of IS NULL ORDER BY seq DESC LIMIT ?) "
            "SELECT e.id, e.name, e.type, SUM(ae.mentions) AS n "
            "FROM recent r JOIN article_entities ae ON ae.article_id = r.article_id "
            f"JOIN entities e ON e.id = ae.entity_id WHERE {CONFIRMED_E_SQL} "
            "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?", (story_id, sample, limit)).fetchall()
        counted = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_features WHERE story_id = ? "
            "AND duplicate_of IS NULL LIMIT ?)", (story_id, sample)).fetchone()[0]
        return [EntityRef(r[0], r[1], r[2], int(r[3])) for r in rows], int(counted)

    # -- entities ----------------------------------------------------------------------------------
    def entity_page(self, query: str | None, entity_type: str | None, limit: int,
                    offset: int, unconfirmed: bool = False) -> list[Entity]:
        """Entities whose name or an alias contains ``query``, most frequent first; only
        confirmed ones (:func:`newsloom.model.entities.confirmed_entity`) unless
        ``unconfirmed``."""
        where, params = _entity_where(query, entity_type, unconfirmed)
        return [entity_from_row(r) for r in self._db.execute(
            f"{_ENTITY_SQL} {where} ORDER BY articles DESC, name LIMIT ? OFFSET ?",
            [*params, limit, offset])]

    def count_entities(self, query: str | None, entity_type: str | None,
                       unconfirmed: bool = False) -> int:
        where, params = _entity_where(query, entity_type, unconfirmed)
        return int(self._db.execute(f"SELECT COUNT(*) FROM entities {where}",
                                    params).fetchone()[0])

    def entity_by_id(self, entity_id: str) -> Entity | None:
        row = self._db.execute(f"{_ENTITY_SQL} WHERE id = ?", (entity_id,)).fetchone()
        return entity_from_row(row) if row else None

    def cooccurring(self, entity_id: str, limit: int, sample: int) -> list[Cooccurrence]:
        """Entities named in the same articles, by how many of the entity's ``sample`` most
        recent articles they share."""
        rows = self._db.execute(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = ? "
            "ORDER BY rowid DESC LIMIT ?) "
            "SELECT e.id, e.key, e.name, e.type, e.aliases, e.articles, e.vouched, "
            "COUNT(*) AS n FROM recent x JOIN article_entities y ON y.article_id = x.article_id "
            f"JOIN entities e ON e.id = y.entity_id WHERE y.entity_id != ? AND {CONFIRMED_E_SQL} "
            "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?",
            (entity_id, sample, entity_id, limit))
        return [Cooccurrence(entity_from_row(r), int(r[7])) for r in rows]
