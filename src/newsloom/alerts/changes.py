"""What changed in the stories, read from the story event log (``story_events``: the corpus
stage's create / join / merge / split records, written with each committed batch).

A window of events (those after the alert cursor) becomes one :class:`StoryChange` per story
and kind: a story created in the window is a ``new_story`` (its other articles in the window
are part of that news, not a growth); an older story that got articles ``grew``, and each
language or independent outlet it had not had before is a ``new_language`` / ``new_source``;
a merge or split says so; a new story whose storyline holds older stories is
``new_in_storyline``. Merged-away ids are followed to the story that lives on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsloom.model import MemberRow
from newsloom.model.monitoring import ChangeKind, StoryEventRow
from newsloom.store.ports import StoryReader


@dataclass(frozen=True, slots=True)
class StoryChange:
    kind: ChangeKind
    story_id: str  # the live story
    event_id: int  # the newest event behind the change
    first_event: int  # the oldest (a watchlist hears changes that began after it)
    article_ids: tuple[str, ...]  # the articles that brought it (in the window)
    languages: tuple[str, ...]  # their languages
    published: tuple[str, ...]  # their stated publication dates (ISO), where known
    detail: str | None = None  # the new language or outlet, the other story, the storyline


@dataclass(slots=True)
class _Window:
    created: bool = False
    event_id: int = 0
    first_event: int = 0
    articles: list[StoryEventRow] = field(default_factory=list)
    merged: list[StoryEventRow] = field(default_factory=list)
    split: list[StoryEventRow] = field(default_factory=list)


def story_changes(store: StoryReader, events: Sequence[StoryEventRow]) -> list[StoryChange]:
    """The changes ``events`` (one window, oldest first) made, per live story."""
    windows: dict[str, _Window] = {}
    for event in events:
        story = store.resolve_story(event.story_id)
        window = windows.setdefault(story, _Window())
        window.event_id = max(window.event_id, event.id)
        window.first_event = min(window.first_event or event.id, event.id)
        if event.kind == "create":
            window.created = True
        if event.kind in ("create", "join") and event.article_id:
            window.articles.append(event)
        elif event.kind == "merge":
            window.merged.append(event)
        elif event.kind == "split":
            window.split.append(event)
    if not windows:
        return []
    members = store.story_members(sorted(windows))
    storyline_of = store.storyline_of()
    changes: list[StoryChange] = []
    for story, window in windows.items():
        own = [m for m in members if m.story_id == story]
        if not own:
            continue  # emptied by a later split in the same window: nothing to tell
        changes.extend(_changes_of(story, window, own, storyline_of))
    return changes


def _changes_of(story: str, window: _Window, rows: Sequence[MemberRow],
                storyline_of: dict[str, str]) -> list[StoryChange]:
    new_ids = {e.article_id for e in window.articles}
    arrived = list(window.articles)

    def change(kind: ChangeKind, detail: str | None = None,
               events: Sequence[StoryEventRow] | None = None) -> StoryChange:
        picked = arrived if events is None else events
        return StoryChange(kind, story, window.event_id, window.first_event,
                           tuple(e.article_id for e in picked if e.article_id),
                           tuple(sorted({e.language for e in picked if e.language})),
                           tuple(sorted({e.published for e in picked if e.published})),
                           detail)

    found: list[StoryChange] = []
    if window.created:
        found.append(change("new_story"))
        line = storyline_of.get(story)
        if line and any(s != story and other == line for s, other in storyline_of.items()):
            found.append(change("new_in_storyline", line))
    elif arrived:
        found.append(change("grew", str(window.event_id)))
        before = [m for m in rows if m.article_id not in new_ids]
        old_langs = {m.language for m in before if m.language}
        old_outlets = {m.outlet for m in before if m.outlet and m.duplicate_of is None}
        independent = {m.article_id for m in rows if m.duplicate_of is None}
        for lang in sorted({e.language for e in arrived if e.language} - old_langs):
            found.append(change("new_language", lang,
                                [e for e in arrived if e.language == lang]))
        for outlet in sorted({e.outlet for e in arrived if e.outlet
                              and e.article_id in independent} - old_outlets):
            found.append(change("new_source", outlet,
                                [e for e in arrived if e.outlet == outlet]))
    for merge in window.merged:
        found.append(change("merged", merge.other_story_id, []))
    if window.split:
        found.append(change("split", window.split[0].other_story_id, window.split))
    return found
