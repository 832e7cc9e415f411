"""Records that cross the store ports of the ingest, corpus, report and diagnostics consumers
(:mod:`newsloom.store.ports` re-exports them): plain dataclasses, so no caller imports a
backend module to build or read them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsloom.model import EventDate, ResolvedEntity


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
