"""A :class:`SearchQuery` checked and turned into one SQL condition shared by both retrievers.

The condition is written over ``articles a`` and ``article_features f`` (LEFT JOIN: articles
the corpus stages have not reached yet still match keyword queries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsloom.model import Entity, SearchQuery
from newsloom.search.stem import WORD

if TYPE_CHECKING:
    from newsloom.store.sqlite.store import SQLiteStore

MODES = ("hybrid", "keyword", "semantic")
MAX_LIMIT = 500
#: Longer texts are documents, not queries (and would make FTS5 expressions of thousands of
#: terms); use `newsloom compare` or story search for "more like this article".
MAX_QUERY_CHARS = 1000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

#: The FROM clause every retrieval query filters over.
JOINS = "LEFT JOIN article_features f ON f.article_id = a.id"
FROM = f"FROM articles a {JOINS}"
#: The same rows for articles with vectors, driven from article_features so that lookups by
#: ``f.seq`` use its index (SQLite does not reorder a LEFT JOIN).
FROM_FEATURES = "FROM article_features f JOIN articles a ON a.id = f.article_id"


class SearchError(ValueError):
    """A query that cannot be run as given; the message says what to change."""


class UnknownEntityError(SearchError, LookupError):
    """The entity filter names no known entity."""


@dataclass(frozen=True, slots=True)
class Condition:
    """``sql`` (a WHERE expression) with its parameters, plus what the filters resolved to."""

    sql: str
    params: tuple[object, ...]
    entity: Entity | None
    story_id: str | None

    @property
    def filtered(self) -> bool:
        """Whether anything beyond "current version" restricts the articles."""
        return self.sql != _CURRENT


#: Current versions only. Not a join with documents: its ``superseded_by`` column sits behind
#: the compressed content, so reading it per candidate row costs an overflow-page walk; the
#: superseded ids come from a small partial index instead (migration 6).
_CURRENT = "a.id NOT IN (SELECT id FROM documents WHERE superseded_by IS NOT NULL)"


def validate(query: SearchQuery) -> None:
    if query.mode not in MODES:
        raise SearchError(f"unknown mode {query.mode!r}; choose from {', '.join(MODES)}")
    if not WORD.search(query.text or ""):
        raise SearchError("the query has no words to search for")
    if len(query.text) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is {len(query.text)} characters long; at most "
                          f"{MAX_QUERY_CHARS} are searched")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, not {query.limit}")
    if query.offset < 0:
        raise SearchError(f"offset must not be negative, not {query.offset}")
    for name, value in (("date_from", query.date_from), ("date_to", query.date_to)):
        if value is not None and not _DATE.match(value):
            raise SearchError(f"{name} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")


def condition(store: SQLiteStore, query: SearchQuery) -> Condition:
    """The WHERE condition of ``query``'s filters; raises :class:`SearchError` for bad ones."""
    validate(query)
    parts, params = [_CURRENT], list[object]()
    if query.languages:
        # Stored codes are lower-case ISO 639-1; comparing the bare column keeps its index.
        parts.append(f"a.language IN ({','.join('?' * len(query.languages))})")
        params += [lang.lower() for lang in query.languages]
    if query.outlets:
        parts.append(f"lower(a.outlet) IN ({','.join('?' * len(query.outlets))})")
        params += [outlet.lower() for outlet in query.outlets]
    if query.date_from:
        parts.append("a.published >= ?")
        params.append(query.date_from)
    if query.date_to:
        parts.append("substr(a.published, 1, ?) <= ?")
        params += [len(query.date_to), query.date_to]
    entity = None
    if query.entity:
        entity = store.find_entity(query.entity)
        if entity is None:
            raise UnknownEntityError(f"no entity called {query.entity!r}")
        parts.append("a.id IN (SELECT article_id FROM article_entities WHERE entity_id = ?)")
        params.append(entity.id)
    story = None
    if query.story_id:
        story = store.resolve_story(query.story_id)
        parts.append("f.story_id = ?")
        params.append(story)
    return Condition(" AND ".join(parts), tuple(params), entity, story)
