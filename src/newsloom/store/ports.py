"""Narrow store ports, one per consumer. Callers type against these protocols, never against a
backend class; every backend (SQLite today, PostgreSQL next) implements all of them and passes
the contract suite in ``tests/store_contract/``.

Sections below are filled per consumer; keep each protocol to what its consumer calls.
The records that cross a port (results, rows a stage commits) are plain dataclasses, here or
in :mod:`newsloom.store.records` (re-exported), so no caller imports a backend module to build
or read them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np

from newsloom.enrich.name_context import EntityContexts
from newsloom.model import (
    Alias,
    Article,
    ClusterEvent,
    Entity,
    EntityRef,
    Evidence,
    MemberEntity,
    MemberRow,
    RawDocument,
    Skip,
    Storyline,
    StoryProfile,
)
from newsloom.store.copy import StoreCopy
from newsloom.store.monitor_ports import AlertStore, MonitorStore, SourceRegistry
from newsloom.store.records import (
    AddResult,
    ArticleFilter,
    ArticleListFilter,
    ArticleRow,
    ClusterState,
    Cooccurrence,
    FeatureRow,
    ListedStory,
    ListingChanges,
    RunRecord,
    SearchRow,
    StoreCounts,
    StoreSummary,
)

# --- ingest sink: what the ingest pipeline writes (owned by the ports work) ------------------


class IngestSink(Protocol):
    """What pipeline/ingest.py writes. Each call is one transaction; a backend serialises
    writers from any number of processes itself. Documents are versioned by a canonical
    source (store/versions.py): ``known_ids`` are current versions only, ``stored_ids`` any
    version. ``add`` takes None for the article of a document whose content is stored
    already (an earlier version of its page): nothing is extracted for it again."""

    def known_ids(self, ids: Iterable[str]) -> set[str]: ...
    def stored_ids(self, ids: Iterable[str]) -> set[str]: ...
    def add(self, items: Sequence[tuple[RawDocument, Article | None]], revert: bool = True
            ) -> AddResult: ...
    def add_skips(self, skips: Iterable[Skip]) -> None: ...
    def start_run(self, command: str) -> int: ...
    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None: ...


# --- corpus state: what the ordered corpus stage reads and commits per batch ---------------


class EntityLookup(Protocol):
    """What entity resolution loads per batch (pipeline/entities.py)."""

    def entity_ids_for_terms(self, terms: Sequence[str]) -> dict[str, list[str]]: ...
    def entities_for(self, keys: Sequence[str], surnames: Sequence[str] = (),
                     ids: Sequence[str] = ()) -> tuple[list[Entity], list[Alias]]: ...
    def load_contexts(self, entity_ids: Sequence[str], into: EntityContexts,
                      with_corpus: bool = False) -> None: ...


# --- vector store --------------------------------------------------------------------------


class VectorIndexHome(Protocol):
    """Where the ANN index file of the corpus's vectors lives (cluster/index.py writes it):
    beside a SQLite store. None: the database indexes the vectors itself (PostgreSQL:
    pgvector HNSW), no file is written or read, and clustering asks
    :class:`StoredNeighbours` (search: :meth:`VectorCandidates.nearest_vectors`)."""

    def vector_index_path(self) -> Path | None: ...


class StoredNeighbours(Protocol):
    """(key, cosine) of the at most ``k`` clustered (committed) articles nearest ``vector``,
    best first, keyed as the clusterer keys them (the article's ``seq``): from the database's
    vector index when it has one (the corpus stage asks only then), else by a full scan."""

    def nearest_clustered(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...


class CorpusState(EntityLookup, VectorIndexHome, StoredNeighbours, Protocol):
    """What the ordered corpus stage (pipeline/corpus.py) reads and commits per batch."""

    def corpus_lease(self) -> AbstractContextManager[None]: ...
    def pending_articles(self, limit: int, after: int = 0) -> list[tuple[int, str]]: ...
    def count_pending_articles(self) -> int: ...
    def count_clustered_articles(self) -> int: ...
    def get_article(self, ref: str) -> Article | None: ...
    def load_cluster_state(self) -> ClusterState: ...
    def evidence(self, article_ids: Sequence[str]) -> dict[str, Evidence]: ...
    def band_candidates(self, bands: Sequence[tuple[int, bytes]]) -> dict[str, np.ndarray]: ...
    def save_corpus_batch(self, rows: Sequence[FeatureRow], entities: Sequence[Entity],
                          aliases: Sequence[Alias], events: Sequence[ClusterEvent],
                          contexts: EntityContexts | None = None) -> None: ...


# --- story profiles and storylines ---------------------------------------------------------


class StoryProfiles(Protocol):
    """What incremental storyline relinking reads (cluster/storyline_updates.py)."""

    def dirty_stories(self) -> list[str]: ...
    def story_profiles(self, story_ids: Sequence[str]) -> dict[str, StoryProfile]: ...
    def story_entity_frequency(self, entity_ids: Sequence[str]) -> dict[str, int]: ...
    def profiled_stories(self) -> int: ...
    def stories_with_entity(self, entity_id: str, limit: int) -> list[str]: ...
    def storylines_for(self, story_ids: Sequence[str]) -> dict[str, tuple[str, int]]: ...
    def storyline_members(self, line_id: str) -> list[tuple[str, int]]: ...
    def story_created(self, story_ids: Sequence[str]) -> dict[str, int]: ...


class StorylineState(StoryProfiles, Protocol):
    """What the storyline stage (pipeline/corpus.py) reads and writes: incremental updates
    and the full recomputation."""

    def corpus_lease(self) -> AbstractContextManager[None]: ...
    def has_storylines(self) -> bool: ...
    def entity_names(self, entity_ids: Sequence[str]) -> dict[str, str]:
        """Names of the listed (confirmed) entities among ``entity_ids``: what a label shows."""
    def storyline_stories(self) -> dict[str, list[str]]: ...
    def save_storyline_changes(self, assign: dict[str, str], labels: dict[str, str],
                               retired: Mapping[str, str]) -> None: ...
    def story_members(self, story_ids: Sequence[str] | None = None) -> list[MemberRow]: ...
    def member_entities(self, article_ids: Sequence[str] | None = None
                        ) -> list[MemberEntity]: ...
    def article_vectors(self) -> dict[str, np.ndarray]: ...
    def save_storylines(self, lines: Sequence[Storyline], labels: dict[str, str]) -> None: ...
    def clear_dirty(self, story_ids: Sequence[str] | None = None) -> None: ...


# --- story reads: queries/stories.py and compare.py, timeline/, report, cli, api, web --------


class ArticleReader(Protocol):
    """Articles by reference, and all of them in ingest order."""

    def get_article(self, ref: str) -> Article | None: ...
    def articles(self, *, current_only: bool = True, limit: int | None = None
                 ) -> Iterator[Article]: ...


class StoryReader(ArticleReader, Protocol):
    """Stories, storylines and entities as their members: queries/stories.py, timeline/,
    the CLI listings and the pages' "follow the merge"."""

    def resolve_story(self, story_id: str) -> str: ...
    def resolve_storyline(self, line_id: str) -> str | None: ...
    def story_members(self, story_ids: Sequence[str] | None = None) -> list[MemberRow]: ...
    def article_members(self, article_ids: Sequence[str], with_duplicates: bool = False
                        ) -> list[MemberRow]: ...
    def member_entities(self, article_ids: Sequence[str] | None = None
                        ) -> list[MemberEntity]: ...
    def storyline_of(self) -> dict[str, str]: ...
    def storyline_labels(self) -> dict[str, str]: ...
    def article_links(self, article_id: str) -> tuple[str | None, str | None, str | None]: ...
    def entity_article_ids(self, entity_id: str) -> list[str]: ...
    def find_entity(self, ref: str) -> Entity | None: ...
    def list_entities(self, limit: int | None = None) -> list[Entity]: ...


class PairEvidence(Protocol):
    """What scoring a pair of stored articles reads (queries/compare.py)."""

    def feature_ids(self, refs: Sequence[str]) -> dict[str, str]: ...
    def evidence(self, article_ids: Sequence[str]) -> dict[str, Evidence]: ...
    def corpus_vector_sum(self) -> tuple[np.ndarray | None, int]: ...
    def entity_document_frequency(self) -> tuple[Counter[str], int]: ...
    def term_document_frequency(self) -> Counter[str]: ...


class ReportSource(StoryReader, Protocol):
    """What report.py reads."""

    def summary(self) -> StoreSummary: ...
    def skipped(self) -> list[Skip]: ...
    def last_run(self, command_prefix: str) -> RunRecord | None: ...


# --- read model: what queries/ (catalog, stories, compare), the API, pages and report read --

class ReadModel(Protocol):
    """What queries/catalog.py serves the API and pages from. The story and storyline
    listings are kept per committed batch; the rest are indexed or counted reads."""

    def read_model_mark(self) -> tuple[int, ...]:
        """Changes whenever a write commits that any read below can see (cheap)."""
        ...

    def listing_changes(self, after: int) -> ListingChanges: ...
    def resolve_story(self, story_id: str) -> str: ...
    def resolve_storyline(self, line_id: str) -> str | None: ...
    def story_members(self, story_ids: Sequence[str] | None = None) -> list[MemberRow]: ...
    def count_articles(self) -> int: ...
    def facets(self, limit: int) -> tuple[list[str], list[str]]: ...
    def count_matching_articles(self, filters: ArticleListFilter) -> int: ...
    def article_page(self, filters: ArticleListFilter, limit: int, offset: int
                     ) -> list[ArticleRow]: ...
    def article_rows(self, ids: Sequence[str]) -> list[ArticleRow]: ...
    def entity_articles(self, entity_id: str, limit: int) -> list[ArticleRow]: ...
    def count_story_originals(self, story_id: str) -> int: ...
    def story_original_ids(self, story_id: str, limit: int, offset: int) -> list[str]: ...
    def story_copies(self, story_id: str, original_ids: Sequence[str]
                     ) -> dict[str, list[ArticleRow]]: ...
    def story_entity_counts(self, story_id: str, sample: int, limit: int
                            ) -> tuple[list[EntityRef], int]: ...
    def entity_page(self, query: str | None, entity_type: str | None, limit: int,
                    offset: int, unconfirmed: bool = False) -> list[Entity]: ...
    def count_entities(self, query: str | None, entity_type: str | None,
                       unconfirmed: bool = False) -> int: ...
    def entity_by_id(self, entity_id: str) -> Entity | None: ...
    def find_entity(self, ref: str) -> Entity | None: ...
    def cooccurring(self, entity_id: str, limit: int, sample: int) -> list[Cooccurrence]: ...


# --- search backend: full-text and vector candidates for search/ ---------------------------


class SearchArticles(Protocol):
    """Filter targets and the articles behind a page of hits."""

    def find_entity(self, ref: str) -> Entity | None: ...

    def resolve_story(self, story_id: str) -> str: ...

    def corpus_languages(self, limit: int | None = None) -> list[str]:
        """Languages of the stored articles, the most articles first."""
        ...

    def canonical_ids(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Near-duplicate → its canonical article, for those of ``article_ids`` that are one."""
        ...

    def duplicates_of(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        """Canonical article → its near-duplicates in corpus order (only ids that have some)."""
        ...

    def search_rows(self, article_ids: Iterable[str], *, with_text: bool
                    ) -> dict[str, SearchRow]: ...

    def entities_for(self, keys: Sequence[str], surnames: Sequence[str] = (),
                     ids: Sequence[str] = ()) -> tuple[list[Entity], list[Alias]]:
        """The entities with one of ``keys`` and the aliases of the keys (see
        :class:`EntityLookup`); search reads the entities a query names through it."""
        ...

    def entity_holders(self, article_ids: Sequence[str], entity_ids: Iterable[str]
                       ) -> dict[str, set[str]]:
        """Of ``article_ids``, those mentioning any of ``entity_ids``, each with the ones it
        mentions."""
        ...


class KeywordIndex(Protocol):
    """The lemma full-text index (title and text as lemmas, see ``newsloom.text.stem``)."""

    def article_count(self) -> int: ...

    def keyword_matches(self, groups: Sequence[tuple[str, ...]], where: ArticleFilter,
                        depth: int, *, any_group: bool = False,
                        weights: tuple[float, float] = (1.0, 1.0)) -> list[str]:
        """Ids of articles passing ``where`` whose index holds a term of every group (of any
        group with ``any_group``), best first by bm25 with (title, text) column ``weights``,
        at most ``depth``."""
        ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Per term, how many articles the index holds it in (folded as the index folds
        case and diacritics); terms in none are left out."""
        ...

    def term_holders(self, article_ids: Sequence[str], groups: Sequence[tuple[str, ...]]
                     ) -> dict[str, set[int]]:
        """Of ``article_ids``, those whose index holds a term of any of ``groups``, each with
        the positions (in ``groups``) of the groups it holds a term of."""
        ...


class VectorCandidates(VectorIndexHome, Protocol):
    """The stored article vectors, keyed by the corpus sequence number of their article
    (the key of the ANN index file and of the clusterer too)."""

    def vector_model(self) -> str | None:
        """Name of the encoder the stored vectors came from (None: no vectors yet)."""
        ...

    def vector_count(self) -> int: ...

    def count_vector_candidates(self, where: ArticleFilter, cap: int) -> int:
        """Articles with a vector passing ``where``, counted up to ``cap``."""
        ...

    def vector_keys(self, where: ArticleFilter) -> list[int]:
        """Keys of the vectors whose articles pass ``where``."""
        ...

    def stored_vectors(self, where: ArticleFilter) -> list[tuple[int, np.ndarray]]:
        """(key, vector) of every article with a vector passing ``where``."""
        ...

    def articles_for_keys(self, keys: Sequence[int], where: ArticleFilter | None = None
                          ) -> dict[int, str]:
        """Key → article id, for the keys whose articles pass ``where`` (all without one)."""
        ...

    def nearest_vectors(self, vector: np.ndarray, where: ArticleFilter, depth: int
                        ) -> list[tuple[str, float]] | None:
        """(article id, cosine) of the at most ``depth`` stored vectors nearest ``vector``
        whose articles pass ``where``, best first, from a vector index inside the database;
        None when the backend has none (search then uses the ANN index file)."""
        ...


class SearchBackend(SearchArticles, KeywordIndex, VectorCandidates, Protocol):
    """Everything ``newsloom.search`` reads."""


# --- diagnostics: what eval/ and training/ measure a store by ------------------------------


class StoreDiagnostics(Protocol):
    """Counts and samples for benchmarks and training sets (eval/, training/)."""

    def counts(self) -> StoreCounts: ...
    def live_story_count(self) -> int: ...
    def max_feature_seq(self) -> int: ...
    def duplicates_after(self, seq: int) -> int: ...
    def clustered_sources(self) -> list[tuple[str, str]]: ...
    def article_titles(self, current_only: bool = True
                       ) -> list[tuple[str, str, str | None]]: ...
    def entities_by_article_count(self, least: int, most: int) -> list[str]: ...
    def entity_vectors(self, entity_id: str) -> list[np.ndarray]: ...
    def feature_seqs(self) -> list[int]: ...
    def vectors_at(self, seqs: Sequence[int]) -> dict[int, np.ndarray]: ...
    def same_story(self, pairs: Sequence[tuple[str, str]], level: str = "story"
                   ) -> dict[tuple[str, str], bool]: ...


# --- consumers of several ports ------------------------------------------------------------


class SearchingReader(StoryReader, SearchBackend, Protocol):
    """Story reads plus search: timelines of a query (timeline/), the API's services and the
    search benchmark (eval/search.py)."""


class CorpusRun(CorpusState, StorylineState, Protocol):
    """The corpus stages then the storylines, as ``analyze`` and the server's jobs run them."""


class SearchDiagnostics(SearchingReader, StoreDiagnostics, Protocol):
    """The search benchmark: samples queries from the store, then searches it."""


# --- the whole backend: what open_store returns ---------------------------------------------


class Backend(IngestSink, CorpusState, StorylineState, ReportSource, PairEvidence,
              StoreDiagnostics, ReadModel, SearchBackend, StoreCopy, MonitorStore, Protocol):
    """Every port at once, plus the lifecycle: what :func:`newsloom.store.open_store`
    returns. Pass it on typed as the narrow port the callee needs."""

    @property
    def schema_version(self) -> int: ...

    def get_document(self, doc_id: str) -> RawDocument | None: ...
    def versions(self, doc_id: str) -> list[str]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...


__all__ = [
    "AddResult",
    "AlertStore",
    "ArticleFilter",
    "ArticleListFilter",
    "ArticleReader",
    "ArticleRow",
    "Backend",
    "ClusterState",
    "Cooccurrence",
    "CorpusRun",
    "CorpusState",
    "EntityLookup",
    "FeatureRow",
    "IngestSink",
    "ListedStory",
    "ListingChanges",
    "MonitorStore",
    "PairEvidence",
    "ReportSource",
    "RunRecord",
    "SearchDiagnostics",
    "SearchRow",
    "SearchingReader",
    "SourceRegistry",
    "StoreCopy",
    "StoreCounts",
    "StoreDiagnostics",
    "StoreSummary",
    "StoryProfiles",
    "StoryReader",
    "StorylineState",
    "VectorIndexHome",
]
