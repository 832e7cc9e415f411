"""A :class:`SearchQuery` checked, and its filters as the one
:class:`~newsloom.store.ports.ArticleFilter` both retrievers apply."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsloom.model import SearchQuery
from newsloom.store.ports import ArticleFilter
from newsloom.text.stem import WORD

if TYPE_CHECKING:
    from newsloom.store.ports import SearchArticles

MODES = ("hybrid", "keyword", "semantic")
MAX_LIMIT = 500
#: Longer texts are documents, not queries (and would make FTS5 expressions of thousands of
#: terms); use `newsloom compare` or story search for "more like this article".
MAX_QUERY_CHARS = 1000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class SearchError(ValueError):
    """A query that cannot be run as given; the message says what to change."""


class UnknownEntityError(SearchError, LookupError):
    """The entity filter names no known entity."""


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


def article_filter(store: SearchArticles, query: SearchQuery) -> ArticleFilter:
    """The filters of ``query``; raises :class:`SearchError` for bad ones and
    :class:`UnknownEntityError` for an entity the store does not know."""
    validate(query)
    entity_id = None
    if query.entity:
        entity = store.find_entity(query.entity)
        if entity is None:
            raise UnknownEntityError(f"no entity called {query.entity!r}")
        entity_id = entity.id
    return ArticleFilter(
        languages=tuple(lang.lower() for lang in query.languages),
        outlets=tuple(outlet.lower() for outlet in query.outlets),
        date_from=query.date_from or None, date_to=query.date_to or None, entity_id=entity_id,
        story_id=store.resolve_story(query.story_id) if query.story_id else None)
