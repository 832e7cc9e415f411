"""The story and storyline listings, derived and stored per committed write: the same
derivation on every backend (store/sqlite/readmodel.py explains the design), each backend
supplying the statements behind the steps.

A story's row comes from its member articles (:func:`newsloom.store.listing.build_story`); a
storyline's row from its stories' rows: stories oldest first, key entities by mentions
summed over them, the first and last dates (``build_storyline`` in SQL over the indexed
columns of the story rows, since a line can hold thousands of stories).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager

from newsloom.model import EntityRef, MemberEntity, MemberRow, Story, StorylineRecord
from newsloom.store.listing import build_story, entities_by_article, members_by_story
from newsloom.store.ports import ListedStory, ListingChanges
from newsloom.store.rows import story_from_record, storyline_from_record

#: Stories derived per round (their members and entities are read together).
CHUNK = 200


class ListingWrites(ABC):
    """Mixin of a store: the listing reads of changes and the ``_relist_*`` writes, which run
    inside the caller's write transaction. Abstract steps it declares must be implemented
    by classes before it in the store's method order."""

    def listing_changes(self, after: int) -> ListingChanges:
        """Story and storyline rows written after version ``after`` (0: all), read in one
        snapshot so the version matches the rows."""
        with self._snapshot():
            version = self._read_model_version()
            stories, gone = [], []
            for story_id, size, last_seq, line_id, record in self._story_rows_after(after):
                if size and record is not None:  # a row of size 0 (no record): gone
                    stories.append(ListedStory(story_from_record(story_id, line_id, record),
                                               int(last_seq)))
                else:
                    gone.append(story_id)
            lines, gone_lines = [], []
            for line_id, members, record in self._line_rows_after(after):
                if members and record is not None:
                    lines.append(storyline_from_record(line_id, record))
                else:
                    gone_lines.append(line_id)
        return ListingChanges(version, stories, gone, lines, gone_lines)

    def _relist_after_batch(self, story_ids: Iterable[str], entity_ids: Sequence[str],
                            confirmed_ids: Sequence[str] = ()) -> None:
        """After a corpus batch: the stories it added to, merged or split, those listing
        an entity the batch retyped, and those naming an entity it may have confirmed
        (``confirmed_ids``: a story lists confirmed entities only)."""
        touched = (set(story_ids) | self._stories_listing_retyped(entity_ids)
                   | self._stories_naming(confirmed_ids))
        version = self._next_read_model_version()
        self._store_storyline_rows(self._store_story_rows(sorted(touched), version), version)

    def _store_story_rows(self, story_ids: Sequence[str], version: int) -> set[str]:
        """Derive and store the rows of ``story_ids``; the storylines they were and are in."""
        lines: set[str] = set()
        for start in range(0, len(story_ids), CHUNK):
            chunk = list(story_ids[start:start + CHUNK])
            members = members_by_story(self.story_members(chunk))
            entities = entities_by_article(self._member_entities_of(
                [m.article_id for rows in members.values() for m in rows]))
            line_of = self._storylines_of(chunk)
            lines |= self._listed_storylines(chunk)
            self._clear_listed_entities(chunk)
            # merged away (or never had a member): gone from the listing, its row kept
            self._unlist_stories([s for s in chunk if not members.get(s)], version)
            for story_id in (s for s in chunk if members.get(s)):
                rows = members[story_id]
                story = build_story(story_id, rows, [e for m in rows
                                                     for e in entities.get(m.article_id, [])],
                                    line_of.get(story_id))
                if story.storyline_id:
                    lines.add(story.storyline_id)
                self._list_story(story, rows, version)
        return lines

    def _store_storyline_rows(self, line_ids: Iterable[str], version: int) -> None:
        """Derive and store the rows of ``line_ids`` from their stories' rows: a line is
        listed while a story with members is in it (as ``list_storylines`` groups them);
        tests/test_read_model.py holds this to ``build_storyline``'s result."""
        for line_id in sorted(line_ids):
            story_ids = self._line_story_ids(line_id)
            if not story_ids:
                self._unlist_storyline(line_id, version)
                continue
            label, first, last = self._line_label_and_span(line_id)
            line = StorylineRecord(id=line_id, label=label, story_ids=story_ids,
                                   key_entities=self._line_key_entities(line_id),
                                   first_seen=first, last_seen=last)
            self._list_storyline(line, version)

    # -- the backend's steps -------------------------------------------------------------------
    # The member rows the listings are derived from (the store's corpus reads; declared, not
    # defined here, so that it cannot hide the store's own in the method order).
    story_members: Callable[..., list[MemberRow]]

    @abstractmethod
    def _snapshot(self) -> AbstractContextManager[object]:
        """One consistent read of the version and the rows."""

    @abstractmethod
    def _read_model_version(self) -> int: ...

    @abstractmethod
    def _next_read_model_version(self) -> int: ...

    @abstractmethod
    def _story_rows_after(self, after: int
                          ) -> Iterable[tuple[str, int, int, str | None, str | None]]:
        """(story id, size, last seq, storyline id, record) of rows newer than ``after``."""

    @abstractmethod
    def _line_rows_after(self, after: int) -> Iterable[tuple[str, int, str | None]]:
        """(line id, stories, record) of rows newer than ``after``."""

    @abstractmethod
    def _stories_listing_retyped(self, entity_ids: Sequence[str]) -> set[str]:
        """Stories whose listed key entities include one of ``entity_ids`` with another
        type than the entity has now."""

    @abstractmethod
    def _stories_naming(self, entity_ids: Sequence[str]) -> set[str]:
        """Stories with an article that names one of ``entity_ids``."""

    @abstractmethod
    def _member_entities_of(self, article_ids: Sequence[str]) -> Iterable[MemberEntity]: ...

    @abstractmethod
    def _storylines_of(self, story_ids: Sequence[str]) -> dict[str, str | None]: ...

    @abstractmethod
    def _listed_storylines(self, story_ids: Sequence[str]) -> set[str]:
        """The storylines the listed rows of ``story_ids`` were in."""

    @abstractmethod
    def _clear_listed_entities(self, story_ids: Sequence[str]) -> None: ...

    @abstractmethod
    def _unlist_stories(self, story_ids: Sequence[str], version: int) -> None: ...

    @abstractmethod
    def _list_story(self, story: Story, members: Sequence[MemberRow], version: int
                    ) -> None: ...

    @abstractmethod
    def _line_story_ids(self, line_id: str) -> list[str]:
        """The listed stories of the line with members, oldest first."""

    @abstractmethod
    def _unlist_storyline(self, line_id: str, version: int) -> None: ...

    @abstractmethod
    def _line_label_and_span(self, line_id: str) -> tuple[str, str | None, str | None]: ...

    @abstractmethod
    def _line_key_entities(self, line_id: str) -> list[EntityRef]: ...

    @abstractmethod
    def _list_storyline(self, line: StorylineRecord, version: int) -> None: ...
