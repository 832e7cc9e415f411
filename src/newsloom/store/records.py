"""Records that cross the store ports (ingest, corpus, report, diagnostics, read model, search)
(:mod:`newsloom.store.ports` re-exports them): plain dataclasses, so no caller imports a
backend module to build or read them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsloom.model import Entity, EventDate, ResolvedEntity, Story, StorylineRecord


@dataclass(slots=True)
class AddResult:
    added: int = 0
    unchanged: int = 0
    new_versions: int = 0
    #: Ids of earlier versions of their page that ``add(..., revert=False)`` left as they are.
    reverts: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FeatureRow:
    """What the corpus stage stores for one article."""

    article_id: str
    seq: int
    embedder: str
    vector: np.ndarray
    signature: np.ndarray
    duplicate_of: str | None
    story_id: str
    entities: list[ResolvedEntity]
    #: LSH bands (band, chunk) of the signature, stored for non-duplicates only
    #: (represent/minhash.py ``bands``).
    bands: Sequence[tuple[int, bytes]] = ()
    terms: Mapping[str, int] = field(default_factory=dict)  # content lemma → count
    event_date: EventDate | None = None


@dataclass(slots=True)
class ClusterState:
    """What the clusterer resumes from: every processed article's story and sequence number,
    entity and term document frequencies, story creation order and merges."""

    story_of: dict[str, str]
    keys: dict[int, str]
    entity_df: Counter[str]
    created: dict[str, int]
    redirects: dict[str, str]
    term_df: Counter[str] = field(default_factory=Counter)
    vector_sum: np.ndarray | None = None  # sum of every processed article's vector


@dataclass(slots=True)
class StoreSummary:
    """What the report shows: counts by language, outlet, date provenance, removal reason."""

    documents: int
    articles: int
    skipped: int
    by_language: dict[str, int] = field(default_factory=dict)
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_date_source: dict[str, int] = field(default_factory=dict)
    removed_by_reason: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One finished (or failed) run as ``finish_run`` recorded it."""

    command: str
    status: str
    stats: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Documents stored (every version), current documents, clustered articles, and current
    articles still waiting for the corpus stage."""

    documents: int
    current: int
    clustered: int
    pending: int


__all__ = ["AddResult", "ClusterState", "FeatureRow", "RunRecord", "StoreCounts",
           "StoreSummary"]


# --- the read model: article listings, story and storyline listings -----------------------


@dataclass(frozen=True, slots=True)
class ArticleListFilter:
    """Filters of the article listing (the API's /articles); empty means "any"."""

    languages: tuple[str, ...] = ()
    outlet: str | None = None
    story_id: str | None = None
    entity_id: str | None = None
    date_from: str | None = None  # ISO prefix, compared with the stated publication date
    date_to: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """An article as a listing shows it."""

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


@dataclass(frozen=True, slots=True)
class ListedStory:
    """A story of the listing and the sequence number of its newest member (the listing is
    largest first, then newest)."""

    story: Story
    last_seq: int


@dataclass(frozen=True, slots=True)
class ListingChanges:
    """What changed in the story and storyline listings after a read-model version: the
    listings are patched with these, never rebuilt per request."""

    version: int
    stories: list[ListedStory]
    gone_stories: list[str]
    storylines: list[StorylineRecord]
    gone_storylines: list[str]


# --- search: what a search may return and what a hit shows --------------------------------


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """The articles a search may return: current versions only, narrowed by each field set.
    Languages and outlets match case-insensitively (languages given lower-case); dates are
    ISO prefixes (YYYY, YYYY-MM or YYYY-MM-DD), ``date_to`` inclusive at its own precision,
    and an undated article fails either bound. ``story_id`` is a live (resolved) story."""

    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    entity_id: str | None = None
    story_id: str | None = None

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond "current version" restricts the articles."""
        return self != ArticleFilter()


@dataclass(frozen=True, slots=True)
class SearchRow:
    """What a search hit shows of one article (``text`` only when asked for)."""

    article_id: str
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    story_id: str | None  # None until the corpus stages placed the article
    text: str | None = None
