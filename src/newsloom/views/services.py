"""Search, timelines and summaries as the API calls them, their errors mapped to HTTP.

:mod:`newsloom.search` and :mod:`newsloom.timeline` raise their own exceptions for an unknown
target or a request that cannot run; the endpoints answer 404, 422 or 501 with the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, status

from newsloom.model import (
    SearchQuery,
    SearchResults,
    StorySearchResults,
    Summary,
    Timeline,
    TimelineRequest,
)
from newsloom.search import SearchError, UnknownEntityError
from newsloom.search import search as _search
from newsloom.search import search_stories as _search_stories
from newsloom.store.ports import SearchBackend, SearchingReader, StoryReader
from newsloom.timeline import SearchUnavailable, UnknownTarget
from newsloom.timeline import build_timeline as _build_timeline
from newsloom.timeline import summarize_story as _summarize_story
from newsloom.timeline import summarize_storyline as _summarize_storyline


@contextmanager
def http_errors() -> Iterator[None]:
    """Unknown ids → 404, requests that cannot run → 422, missing module → 501."""
    try:
        yield
    except (UnknownTarget, UnknownEntityError) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except SearchUnavailable as exc:
        raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED, str(exc)) from None
    except (SearchError, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


def search(store: SearchBackend, query: SearchQuery) -> SearchResults:
    with http_errors():
        return _search(store, query)


def search_stories(store: SearchBackend, query: SearchQuery) -> StorySearchResults:
    with http_errors():
        return _search_stories(store, query)


def build_timeline(store: SearchingReader, request: TimelineRequest) -> Timeline:
    with http_errors():
        return _build_timeline(store, request)


def summarize_story(store: StoryReader, story_id: str, lang: str | None = None) -> Summary:
    with http_errors():
        return _summarize_story(store, story_id, lang)


def summarize_storyline(store: StoryReader, line_id: str, lang: str | None = None
                        ) -> Summary:
    with http_errors():
        return _summarize_storyline(store, line_id, lang)
