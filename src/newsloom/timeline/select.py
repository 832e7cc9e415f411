"""Which articles a timeline is built from: one story, one storyline, one entity or a query.

Every mode ends in the same :class:`Selection`: the member rows (story, outlet, duplicate link)
of the chosen articles. ``--from``/``--to`` drop articles whose *stated* publication date lies
outside the span; articles without one stay, since their text may still date events inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from newsloom.model import MemberRow, TimelineRequest
from newsloom.text.timex_resolve import bounds

if TYPE_CHECKING:
    from newsloom.store.ports import SearchingReader, StoryReader


#: Search hits a query timeline is built from (ranked; duplicates of hits come along).
QUERY_ARTICLES = 100


class UnknownTarget(LookupError):
    """The story, storyline or entity asked for does not exist (message says which)."""


class SearchUnavailable(RuntimeError):
    """``--query`` needs :mod:`newsloom.search`, which this installation does not have."""


@dataclass(frozen=True, slots=True)
class Selection:
    title: str
    members: list[MemberRow]  # in ingest order, duplicates included


_ISO_PREFIX = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def parse_day(value: str | None, what: str, last: bool = False) -> date | None:
    """An ISO date or prefix ("2019-08-14", "2019-08", "2019"): a prefix stands for its first
    day, or with ``last`` (``--to``) for its last."""
    if value is None:
        return None
    try:
        if not _ISO_PREFIX.fullmatch(value.strip()):
            raise ValueError(value)
        first, final = bounds(value.strip())
    except ValueError:
        raise ValueError(f"{what} must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), "
                         f"got {value!r}") from None
    return final if last else first


def span(request: TimelineRequest) -> tuple[date | None, date | None]:
    return (parse_day(request.date_from, "--from"),
            parse_day(request.date_to, "--to", last=True))


def _mode_count(request: TimelineRequest) -> int:
    return sum(v is not None for v in (request.story, request.storyline, request.entity,
                                       request.query))


def select(store: SearchingReader, request: TimelineRequest) -> Selection:
    """The articles ``request`` asks for. Raises :class:`UnknownTarget`, :class:`ValueError`
    (not exactly one mode, bad dates) or :class:`SearchUnavailable`."""
    if _mode_count(request) != 1:
        raise ValueError("give exactly one of story, storyline, entity or query")
    if request.story is not None:
        selection = _story(store, request.story)
    elif request.storyline is not None:
        selection = _storyline(store, request.storyline)
    elif request.entity is not None:
        selection = _entity(store, request.entity)
    else:
        selection = _query(store, request)
    first, last = span(request)
    kept = [m for m in selection.members if _published_within(m.published, first, last)]
    return Selection(selection.title, kept)


def _published_within(published: str | None, first: date | None, last: date | None) -> bool:
    if not published:
        return True
    try:
        day = date.fromisoformat(published)
    except ValueError:
        return True
    return (first is None or day >= first) and (last is None or day <= last)


def _story(store: StoryReader, story_id: str) -> Selection:
    members = store.story_members([store.resolve_story(story_id)])
    if not members:
        raise UnknownTarget(f"no story {story_id!r} (see `newsloom stories`)")
    return Selection(_title(members), members)


def _storyline(store: StoryReader, storyline_id: str) -> Selection:
    storyline_id = store.resolve_storyline(storyline_id) or storyline_id  # absorbed: survivor
    stories = sorted(s for s, line in store.storyline_of().items() if line == storyline_id)
    if not stories:
        raise UnknownTarget(f"no storyline {storyline_id!r} (see `newsloom storylines`)")
    label = store.storyline_labels().get(storyline_id) or storyline_id
    return Selection(label, store.story_members(stories))


def _entity(store: StoryReader, name: str) -> Selection:
    entity = store.find_entity(name)
    if entity is None:
        raise UnknownTarget(f"no entity matches {name!r} (see `newsloom entities`)")
    members = store.article_members(store.entity_article_ids(entity.id))
    return Selection(entity.name, members)


def _query(store: SearchingReader, request: TimelineRequest) -> Selection:
    # Imported here: only --query needs search, and an install may lack it.
    try:
        from newsloom.model import SearchQuery
        from newsloom.search import search
    except ImportError:
        raise SearchUnavailable("--query needs newsloom.search, which is not installed "
                                "here; use --story, --storyline or --entity") from None
    # No date filter here: search drops articles without a stated date when one is set,
    # while a timeline keeps them (their text may date events in the span).
    results = search(store, SearchQuery(text=str(request.query), limit=QUERY_ARTICLES))
    members = store.article_members([hit.article_id for hit in results.hits],
                                    with_duplicates=True)
    if not members:
        raise UnknownTarget(f"no article matches the query {request.query!r}")
    return Selection(str(request.query), members)


def _title(members: list[MemberRow]) -> str:
    titled = [m for m in members if m.title and m.duplicate_of is None]
    return titled[0].title or "" if titled else "(untitled)"
