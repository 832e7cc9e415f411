"""Read access for the API and the pages: one store per server thread, typed as the
:class:`~newsloom.store.ports.ReadModel` port.

The story and storyline listings are the store's read model, kept per committed batch
(store/sqlite/readmodel.py). The catalog holds a copy and patches it with the rows written
since (a cheap indexed read), so no request waits for stories to be derived from the corpus;
while one thread patches, the others serve the copy they have. Counted reads (a count over
50,000 articles reads every row, and every page of a listing needs the same one) are remembered
in a bounded least-recently-used cache until the store changes.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from newsloom.model import Entity, EntityRef, Story, StorylineRecord
from newsloom.store import open_store
from newsloom.store.listing import build_story
from newsloom.store.ports import (
    ArticleListFilter,
    ArticleRow,
    Backend,
    Cooccurrence,
    ListedStory,
    ListingChanges,
    ReadModel,
)

__all__ = ["ENTITY_LIMIT", "SAMPLE", "ArticleListFilter", "ArticleRow", "BoundedCache",
           "Catalog", "Cooccurrence"]

#: Entity counts of a story or an entity's co-occurrences are taken over this many of its
#: most recent articles: a story or a country can span tens of thousands, and a reader needs
#: the leading names, not an exact census (responses say how many articles were counted).
SAMPLE = 1000
#: Entities listed for one story.
ENTITY_LIMIT = 50
#: Languages and outlets offered as search filters.
FACET_LIMIT = 200
#: Counted reads remembered: keys include what a visitor typed, so the cache must not grow
#: with them.
CACHE_SIZE = 512

T = TypeVar("T")


class BoundedCache:
    """Results keyed by what was asked, at most ``maxsize`` (least recently used dropped),
    all forgotten when the store's mark changes. Thread-safe; a result is computed outside
    the lock (two threads may compute the same one; both get a correct answer)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._mark: Hashable = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(self, mark: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if mark != self._mark:
                self._items.clear()
                self._mark = mark
            elif key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if mark == self._mark:
                self._items[key] = value
                self._items.move_to_end(key)
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return value


@dataclass(frozen=True, slots=True)
class _Listing:
    """One consistent copy of the listings at a read-model version (never changed: a patch
    makes a new one, so a reader holding this one is never disturbed)."""

    version: int
    by_id: dict[str, ListedStory]
    by_size: list[Story]  # largest first, then newest (list_stories' order)
    by_latest: list[Story]  # newest date first
    lines_by_id: dict[str, StorylineRecord]
    lines: list[StorylineRecord]  # most stories first, then id

    @staticmethod
    def patched(old: _Listing | None, changes: ListingChanges) -> _Listing:
        by_id = dict(old.by_id) if old else {}
        lines_by_id = dict(old.lines_by_id) if old else {}
        for gone in changes.gone_stories:
            by_id.pop(gone, None)
        by_id.update((listed.story.id, listed) for listed in changes.stories)
        for gone in changes.gone_storylines:
            lines_by_id.pop(gone, None)
        lines_by_id.update((line.id, line) for line in changes.storylines)
        by_size = [listed.story for listed in sorted(
            by_id.values(), key=lambda x: (-len(x.story.article_ids), -x.last_seq))]
        by_latest = sorted(by_size, key=lambda s: (s.last_seen or "", len(s.article_ids)),
                           reverse=True)
        lines = sorted(lines_by_id.values(), key=lambda line: (-len(line.story_ids), line.id))
        return _Listing(changes.version, by_id, by_size, by_latest, lines_by_id, lines)


class Catalog:
    """Thread-safe reads over one store file."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._local = threading.local()
        self._listing: _Listing | None = None
        self._patching = threading.Lock()
        self.cache = BoundedCache(CACHE_SIZE)
        # Create, migrate and (for a store from before the read model) build it once,
        # before readers open it.
        open_store(db).close()

    # -- connections ---------------------------------------------------------------------------
    @property
    def store(self) -> Backend:
        """This thread's store (search, timelines and summaries take the whole backend)."""
        store: Backend | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db)
            self._local.store = store
        return store

    @property
    def reads(self) -> ReadModel:
        return self.store

    def invalidate(self) -> None:
        """An ingest job finished: counted reads are asked again (the store's mark would
        tell too; this spares the first request after a job the check)."""
        self.cache.clear()

    def _remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self.cache.get(self.reads.read_model_mark(), key, compute)

    # -- stories and storylines ----------------------------------------------------------------
    def _current(self) -> _Listing:
        """The listings patched up to the store's read-model version. While another thread
        patches, the copy at hand is served; only the very first listing waits for one."""
        listing = self._listing
        if listing is not None and not self._patching.acquire(blocking=False):
            return listing
        if listing is None:
            self._patching.acquire()
        try:
            listing = self._listing
            changes = self.reads.listing_changes(listing.version if listing else 0)
            if listing is None or changes.version != listing.version:
                listing = self._listing = _Listing.patched(listing, changes)
            return listing
        finally:
            self._patching.release()

    def stories(self, sort: str = "size") -> list[Story]:
        """Every story; ``sort`` is "size" (largest first) or "latest" (newest date first)."""
        listing = self._current()
        return listing.by_latest if sort == "latest" else listing.by_size

    def story(self, story_id: str, lang: str | None = None) -> Story | None:
        """One story; follows merges. Without ``lang`` it comes from the listing (a story can
        hold thousands of articles); with one, its title is chosen anew."""
        listing = self._current()
        story_id = self.reads.resolve_story(story_id)
        listed = listing.by_id.get(story_id)
        if listed is None:
            return None
        story = listed.story
        if lang is None or lang not in story.languages:
            return story
        members = self.reads.story_members([story_id])
        title = build_story(story_id, members, [], story.storyline_id, lang).title
        return dataclasses.replace(story, title=title)

    def story_entities(self, story_id: str, sample: int = SAMPLE) -> tuple[list[EntityRef], int]:
        """Entities of the story's independent articles, most mentioned first, counted over
        its ``sample`` most recent ones (a story can hold thousands); and how many those were.
        """
        return self._remembered(("story_entities", story_id, sample),
                                lambda: self.reads.story_entity_counts(story_id, sample,
                                                                       ENTITY_LIMIT))

    def story_articles(self, story_id: str, limit: int, offset: int
                       ) -> tuple[list[ArticleRow], dict[str, list[ArticleRow]], int]:
        """A page of the story's original articles (in processing order), the duplicates of
        each, and how many originals there are. A copy whose original lies in another story
        counts as an original here."""
        total = self._remembered(("story_originals", story_id),
                                 lambda: self.reads.count_story_originals(story_id))
        ids = self.reads.story_original_ids(story_id, limit, offset)
        copies = self.reads.story_copies(story_id, ids) if ids else {}
        return self.reads.article_rows(ids), copies, total

    def storylines(self) -> list[StorylineRecord]:
        return self._current().lines

    def storyline(self, line_id: str) -> StorylineRecord | None:
        """One storyline; an absorbed or replaced line's id gives the line that took it."""
        listing = self._current()
        line_id = self.reads.resolve_storyline(line_id) or line_id
        return listing.lines_by_id.get(line_id)

    def stories_by_id(self, ids: Sequence[str]) -> list[Story]:
        by_id = self._current().by_id
        return [by_id[i].story for i in ids if i in by_id]

    # -- articles ------------------------------------------------------------------------------
    def articles(self, filters: ArticleListFilter, limit: int, offset: int, count: bool = True
                 ) -> tuple[list[ArticleRow], int | None]:
        """One page of current articles, newest ingested first, and (if ``count``) how many
        match."""
        if filters.story_id:  # a merged story's articles now sit under its survivor
            filters = dataclasses.replace(filters,
                                          story_id=self.reads.resolve_story(filters.story_id))
        total = self._remembered(("articles", filters),
                                 lambda: self.reads.count_matching_articles(filters)
                                 ) if count else None
        return self.reads.article_page(filters, limit, offset), total

    def entity_articles(self, entity_id: str, limit: int) -> list[ArticleRow]:
        """The entity's most recently processed articles."""
        return self.reads.entity_articles(entity_id, limit)

    def article_rows(self, ids: Sequence[str]) -> list[ArticleRow]:
        """Rows of these article ids, in the given order (unknown ids left out)."""
        return self.reads.article_rows(ids)

    def facets(self) -> tuple[list[str], list[str]]:
        """Languages and outlets of current articles, most frequent first (search filters)."""
        return self.reads.facets(FACET_LIMIT)

    def count_articles(self) -> int:
        """Current articles: one kept count, never behind a listing being patched."""
        return self.reads.count_articles()

    # -- entities ------------------------------------------------------------------------------
    def entities(self, query: str | None, entity_type: str | None, limit: int, offset: int,
                 unconfirmed: bool = False) -> tuple[list[Entity], int]:
        """Confirmed entities (model/entities.py ``confirmed_entity``), or all of them."""
        total = self._remembered(("entities", query, entity_type, unconfirmed),
                                 lambda: self.reads.count_entities(query, entity_type,
                                                                   unconfirmed))
        return self.reads.entity_page(query, entity_type, limit, offset, unconfirmed), total

    def entity(self, ref: str) -> Entity | None:
        """By id, else by canonical name or alias (as ``newsloom entities NAME``)."""
        return self.reads.entity_by_id(ref) or self.reads.find_entity(ref)

    def cooccurring(self, entity_id: str, limit: int = 20, sample: int = SAMPLE
                    ) -> list[Cooccurrence]:
        """Entities named in the same articles, by how many of the entity's ``sample`` most
        recent articles they share."""
        return self._remembered(("cooccurring", entity_id, limit, sample),
                                lambda: self.reads.cooccurring(entity_id, limit, sample))
