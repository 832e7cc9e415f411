"""Read access for the API and the pages: one store connection per server thread.

Stories and storylines are derived from their member articles on every listing
(:func:`newsloom.queries.stories.list_stories`), which costs seconds on a large store, so the
catalog keeps the last listing and recomputes it only when the store changed (a cheap fingerprint
query) — an ingest job, or a CLI run against the same file.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsloom.cluster.views import build_story
from newsloom.model import Entity, EntityRef, Story, StorylineRecord
from newsloom.queries.stories import list_stories, list_storylines
from newsloom.store import SQLiteStore, open_store


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Filters of the article listing; empty means "any"."""

    languages: tuple[str, ...] = ()
    outlet: str | None = None
    story_id: str | None = None
    entity_id: str | None = None
    date_from: str | None = None  # ISO prefix, compared with the stated publication date
    date_to: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    source_id: str
    title: str | None
    outlet: str | None
    language: str | None
    published: str | None
    published_source: str | None
    url: str | None
    story_id: str | None
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class Cooccurrence:
    entity: Entity
    articles: int


_ARTICLE_ROW_SQL = (
    "SELECT a.id, a.source_id, a.title, a.outlet, a.language, a.published, "
    "a.published_source, a.url, f.story_id, f.duplicate_of "
    "FROM articles a JOIN documents d ON d.id = a.id "
    "LEFT JOIN article_features f ON f.article_id = a.id "
)
_ENTITY_SQL = "SELECT id, key, name, type, aliases, articles FROM entities "
#: Entity counts of a story or an entity's co-occurrences are taken over this many of its
#: most recent articles: a story or a country can span tens of thousands, and a reader needs
#: the leading names, not an exact census (responses say how many articles were counted).
SAMPLE = 1000
#: Entities listed for one story.
ENTITY_LIMIT = 50


def _entity(row: Sequence[object]) -> Entity:
    return Entity(str(row[0]), str(row[1]), str(row[2]), row[3],  # type: ignore[arg-type]
                  json.loads(str(row[4])), int(row[5]))  # type: ignore[call-overload]


def _article_where(filters: ArticleFilter) -> tuple[str, list[object]]:
    clauses, params = ["d.superseded_by IS NULL"], list[object]()
    if filters.languages:
        clauses.append(f"a.language IN ({','.join('?' * len(filters.languages))})")
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


class Catalog:
    """Thread-safe reads over one store file."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stories: list[Story] = []
        self._storylines: list[StorylineRecord] = []
        self._by_id: dict[str, Story] = {}
        self._fingerprint: tuple[object, ...] | None = None
        self._counts: dict[tuple[str, tuple[object, ...]], list[tuple[Any, ...]]] = {}
        self._counts_of: tuple[object, ...] | None = None
        open_store(db).close()  # create and migrate once, before readers open it

    # -- connections ---------------------------------------------------------------------------
    @property
    def store(self) -> SQLiteStore:
        store: SQLiteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db)
            self._local.store = store
        return store

    @property
    def _sql(self) -> sqlite3.Connection:
        """A read-only connection of this thread (the API never writes outside jobs)."""
        conn: sqlite3.Connection | None = getattr(self._local, "sql", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True,
                                   check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.sql = conn
        return conn

    def invalidate(self) -> None:
        with self._lock:
            self._fingerprint = None

    # -- stories and storylines ----------------------------------------------------------------
    def _current(self) -> tuple[object, ...]:
        """Changes whenever an ingest or corpus run commits (cheap: indexed maxima)."""
        fingerprint = tuple(self._sql.execute(
            "SELECT (SELECT MAX(seq) FROM article_features), (SELECT MAX(id) FROM story_events),"
            " (SELECT MAX(id) FROM runs), (SELECT COUNT(*) FROM storylines), "
            "(SELECT MAX(rowid) FROM articles)").fetchone())
        with self._lock:
            if fingerprint != self._counts_of:
                self._counts, self._counts_of = {}, fingerprint
        return fingerprint

    def _refresh(self) -> None:
        fingerprint = self._current()
        with self._lock:
            if fingerprint == self._fingerprint:
                return
            stories = list_stories(self.store)
            self._storylines = list_storylines(self.store, stories=stories)
            self._stories = stories
            self._by_id = {story.id: story for story in stories}
            self._fingerprint = fingerprint

    def _memo(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        """Rows of an aggregate query, remembered until the store changes: a count over
        50,000 articles reads every row, and every page of a listing needs the same one."""
        key = (sql, tuple(params))
        self._current()
        with self._lock:
            known = self._counts.get(key)
        if known is None:
            known = [tuple(r) for r in self._sql.execute(sql, params)]
            with self._lock:
                self._counts[key] = known
        return known

    def _count(self, sql: str, params: Sequence[object]) -> int:
        return int(self._memo(sql, params)[0][0])

    def stories(self, sort: str = "size") -> list[Story]:
        """Every story; ``sort`` is "size" (largest first) or "latest" (newest date first)."""
        self._refresh()
        stories = self._stories
        if sort == "latest":
            return sorted(stories, key=lambda s: (s.last_seen or "", len(s.article_ids)),
                          reverse=True)
        return stories

    def story(self, story_id: str, lang: str | None = None) -> Story | None:
        """One story; follows merges. Without ``lang`` it comes from the listing cache (a
        story can hold thousands of articles); with one, its title is chosen anew."""
        self._refresh()
        story_id = self.store.resolve_story(story_id)
        story = self._by_id.get(story_id)
        if story is None:
            return None
        if lang is None or lang not in story.languages:
            return story
        members = self.store.story_members([story_id])
        title = build_story(story_id, members, [], story.storyline_id, lang).title
        return dataclasses.replace(story, title=title)

    def story_entities(self, story_id: str, sample: int = SAMPLE) -> tuple[list[EntityRef], int]:
        """Entities of the story's independent articles, most mentioned first, counted over
        its ``sample`` most recent ones (a story can hold thousands); and how many those were.
        """
        rows = self._memo(
            "WITH recent AS (SELECT article_id FROM article_features WHERE story_id = ? "
            "AND duplicate_of IS NULL ORDER BY seq DESC LIMIT ?) "
            "SELECT e.id, e.name, e.type, SUM(ae.mentions) AS n "
            "FROM recent r JOIN article_entities ae ON ae.article_id = r.article_id "
            "JOIN entities e ON e.id = ae.entity_id GROUP BY e.id ORDER BY n DESC, e.name "
            "LIMIT ?", (story_id, sample, ENTITY_LIMIT))
        counted = self._count(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_features WHERE story_id = ? "
            "AND duplicate_of IS NULL LIMIT ?)", (story_id, sample))
        return [EntityRef(r[0], r[1], r[2], int(r[3])) for r in rows], counted

    def story_articles(self, story_id: str, limit: int, offset: int
                       ) -> tuple[list[ArticleRow], dict[str, list[ArticleRow]], int]:
        """A page of the story's original articles (in processing order), the duplicates of
        each, and how many originals there are. A copy whose original lies in another story
        counts as an original here."""
        original = ("f.story_id = ? AND (f.duplicate_of IS NULL OR NOT EXISTS (SELECT 1 FROM "
                    "article_features g WHERE g.article_id = f.duplicate_of AND "
                    "g.story_id = f.story_id))")
        total = self._count(f"SELECT COUNT(*) FROM article_features f WHERE {original}",
                            (story_id,))
        ids = [str(r[0]) for r in self._sql.execute(
            f"SELECT f.article_id FROM article_features f WHERE {original} "
            "ORDER BY f.seq LIMIT ? OFFSET ?", (story_id, limit, offset))]
        copies: dict[str, list[ArticleRow]] = {}
        if ids:
            for row in self._sql.execute(
                    f"{_ARTICLE_ROW_SQL} WHERE f.story_id = ? AND f.duplicate_of IN "
                    f"({','.join('?' * len(ids))}) ORDER BY f.seq", [story_id, *ids]):
                copies.setdefault(str(row[9]), []).append(ArticleRow(*row))
        return self.article_rows(ids), copies, total

    def storylines(self) -> list[StorylineRecord]:
        self._refresh()
        return self._storylines

    def storyline(self, line_id: str) -> StorylineRecord | None:
        """One storyline; an absorbed or replaced line's id gives the line that took it."""
        line_id = self.store.resolve_storyline(line_id) or line_id
        return next((line for line in self.storylines() if line.id == line_id), None)

    def stories_by_id(self, ids: Sequence[str]) -> list[Story]:
        wanted = set(ids)
        found = {s.id: s for s in self.stories() if s.id in wanted}
        return [found[i] for i in ids if i in found]

    # -- articles ------------------------------------------------------------------------------
    def articles(self, filters: ArticleFilter, limit: int, offset: int, count: bool = True
                 ) -> tuple[list[ArticleRow], int | None]:
        """One page of current articles, newest ingested first, and (if ``count``) how many
        match."""
        if filters.story_id:  # a merged story's articles now sit under its survivor
            filters = dataclasses.replace(filters,
                                          story_id=self.store.resolve_story(filters.story_id))
        where, params = _article_where(filters)
        total = self._count(
            "SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
            f"LEFT JOIN article_features f ON f.article_id = a.id {where}", params
        ) if count else None
        rows = self._sql.execute(f"{_ARTICLE_ROW_SQL} {where} ORDER BY a.rowid DESC "
                                 "LIMIT ? OFFSET ?", [*params, limit, offset])
        return [ArticleRow(*row) for row in rows], total

    def entity_articles(self, entity_id: str, limit: int) -> list[ArticleRow]:
        """The entity's most recently processed articles, read through its index (a filter
        on the article listing would scan articles until enough mention it)."""
        rows = self._sql.execute(
            _ARTICLE_ROW_SQL.replace("FROM articles a ", "FROM article_entities ae JOIN "
                                     "articles a ON a.id = ae.article_id ")
            + "WHERE ae.entity_id = ? AND d.superseded_by IS NULL ORDER BY ae.rowid DESC "
            "LIMIT ?", (entity_id, limit))
        return [ArticleRow(*row) for row in rows]

    def article_rows(self, ids: Sequence[str]) -> list[ArticleRow]:
        """Rows of these article ids, in the given order (unknown ids left out)."""
        found: dict[str, ArticleRow] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            for row in self._sql.execute(
                    f"{_ARTICLE_ROW_SQL} WHERE a.id IN ({','.join('?' * len(chunk))})", chunk):
                found[row[0]] = ArticleRow(*row)
        return [found[i] for i in ids if i in found]

    def facets(self) -> tuple[list[str], list[str]]:
        """Languages and outlets of current articles, most frequent first (search filters)."""
        def column(name: str) -> list[str]:
            return [str(r[0]) for r in self._memo(
                f"SELECT a.{name} FROM articles a JOIN documents d ON d.id = a.id "
                f"WHERE d.superseded_by IS NULL AND a.{name} IS NOT NULL "
                f"GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 200", ())]
        return column("language"), column("outlet")

    def count_articles(self) -> int:
        return self._count("SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
                           "WHERE d.superseded_by IS NULL", ())

    # -- entities ------------------------------------------------------------------------------
    def entities(self, query: str | None, entity_type: str | None, limit: int, offset: int
                 ) -> tuple[list[Entity], int]:
        clauses, params = ["1 = 1"], list[object]()
        if query:
            needle = query.lower()
            clauses.append("(instr(lower(name), ?) > 0 OR instr(lower(aliases), ?) > 0)")
            params += [needle, needle]
        if entity_type:
            clauses.append("type = ?")
            params.append(entity_type)
        where = "WHERE " + " AND ".join(clauses)
        total = self._count(f"SELECT COUNT(*) FROM entities {where}", params)
        rows = self._sql.execute(f"{_ENTITY_SQL} {where} ORDER BY articles DESC, name "
                                 "LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_entity(r) for r in rows], total

    def entity(self, ref: str) -> Entity | None:
        """By id, else by canonical name or alias (as ``newsloom entities NAME``)."""
        row = self._sql.execute(f"{_ENTITY_SQL} WHERE id = ?", (ref,)).fetchone()
        return _entity(row) if row else self.store.find_entity(ref)

    def cooccurring(self, entity_id: str, limit: int = 20, sample: int = SAMPLE
                    ) -> list[Cooccurrence]:
        """Entities named in the same articles, by how many of the entity's ``sample`` most
        recent articles they share."""
        rows = self._memo(
            "WITH recent AS (SELECT article_id FROM article_entities WHERE entity_id = ? "
            "ORDER BY rowid DESC LIMIT ?) "
            "SELECT e.id, e.key, e.name, e.type, e.aliases, e.articles, COUNT(*) AS n "
            "FROM recent x JOIN article_entities y ON y.article_id = x.article_id "
            "JOIN entities e ON e.id = y.entity_id WHERE y.entity_id != ? "
            "GROUP BY e.id ORDER BY n DESC, e.name LIMIT ?",
            (entity_id, sample, entity_id, limit))
        return [Cooccurrence(_entity(r), int(r[6])) for r in rows]
