"""The corpus stages, after extraction: features → entities → duplicates → stories.

Per-article work (:func:`featurize`: NER, entity linking, MinHash, embedding) is a function of
a batch of articles with models loaded once per process. Resolution, duplicate lookup and
clustering see the corpus through the store and go strictly in ingest order, one committed
batch at a time: an interrupted run resumes with the first article that has no features.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Self

import numpy as np

from newsloom.cluster.index import VectorIndex, index_file_ok
from newsloom.cluster.neighbours import NeighbourIndex, StoreNeighbours
from newsloom.cluster.stories import StoryClusterer
from newsloom.cluster.storyline_updates import relink
from newsloom.cluster.storylines import label_text, link_storylines
from newsloom.cluster.views import entities_by_article, members_by_story, story_profile
from newsloom.model import (
    Article,
    ClusterEvent,
    Evidence,
    Storyline,
)
from newsloom.pipeline import pool as corpus_pool
from newsloom.pipeline.entities import StoredEntities
from newsloom.pipeline.stages import ArticleFeatures, Timings, featurize, timed
from newsloom.represent.embed import embedder_dim
from newsloom.represent.minhash import BandedDuplicateIndex, bands
from newsloom.settings import settings
from newsloom.store.ports import CorpusState, FeatureRow, StorylineState

log = logging.getLogger("newsloom")


@dataclass(slots=True)
class _Prepared:
    """A batch whose features are computed (``features``) or being computed (``futures``)."""

    present: list[tuple[int, Article]]
    features: list[ArticleFeatures] = field(default_factory=list)
    futures: list[Future[tuple[list[ArticleFeatures], Timings]]] | None = None


def _published(article: Article) -> date | None:
    return date.fromisoformat(article.published.value) if article.published else None


@dataclass
class CorpusStage:
    """State for one run of the corpus stages over a store."""

    store: CorpusState
    embedder: str = "use-m3"
    timings: Timings | None = field(default=None, repr=False)
    #: Feature worker processes; 1 computes features in this process.
    workers: int = 1
    #: Characters of each article the encoder embeds (see ``event_text``).
    event_chars: int = field(default_factory=lambda: settings().event_chars)
    #: Features computed elsewhere (Spark executors), by article id; each is taken out when
    #: its batch uses it. A batch with an article missing here is featurized as usual.
    precomputed: MutableMapping[str, ArticleFeatures] | None = field(default=None, repr=False)
    #: The clusterer's index when the database serves the neighbours (told of each commit).
    _in_store: StoreNeighbours | None = field(default=None, init=False, repr=False)

    def open(self) -> Self:
        """Load the stage's state from the store (entities, clusterer, ANN index, duplicates)
        and return the stage. Apart from construction, which does no I/O: the caller says
        when the loading, which costs seconds on a large store, happens."""
        with timed(self.timings, "load"):
            self._load()
        return self

    def _load(self) -> None:
        # Nothing here may grow with the corpus beyond what the clusterer itself holds:
        # entities are fetched per batch (StoredEntities) and duplicates are an indexed
        # band lookup, so opening a 50,000-article store costs about what a small one does.
        self.entities = StoredEntities(self.store)
        self.resolver = self.entities.resolver
        state = self.store.load_cluster_state()
        path = self.store.vector_index_path()
        # A database with its own vector index (PostgreSQL) serves the neighbours: no file.
        index: NeighbourIndex
        if path is None:
            index = self._in_store = StoreNeighbours(self.store)
        else:
            index, self._in_store = self._file_index(path, state.keys), None
        self.clusterer = StoryClusterer(index=index, load=self.store.evidence,
                                        story_of=state.story_of, keys=state.keys,
                                        entity_df=state.entity_df, term_df=state.term_df,
                                        documents=len(state.keys),
                                        vector_sum=state.vector_sum,
                                        created=state.created, redirects=state.redirects)
        self.duplicates = BandedDuplicateIndex(self.store.band_candidates)

    def _file_index(self, path: Path, keys: dict[int, str]) -> VectorIndex:
        """The usearch index file at ``path``, holding exactly the stored vectors of ``keys``.
        Missing, damaged or stale (a run that died before save_index, a file from another
        store): rebuilt from the vectors in the store."""
        index = VectorIndex.open(embedder_dim(self.embedder), path)
        if len(index) != len(keys) or not all(key in index for key in keys):
            if len(index) and not index.damaged:  # a damaged file was reported on load
                log.warning("vector index %s does not match the store (%d of %d articles): "
                            "rebuilding it", index.path, len(index), len(keys))
            index.reset()
            for key, vector in self._stored_vectors(keys):
                index.add(key, vector)
        return index

    def _stored_vectors(self, keys: dict[int, str]) -> list[tuple[int, np.ndarray]]:
        evidence = self.store.evidence(list(keys.values()))
        return [(k, evidence[a].vector) for k, a in keys.items() if a in evidence]

    def run_batch(self, batch: Sequence[tuple[int, str]]) -> list[ClusterEvent]:
        return self.finish(self.prepare(batch))

    def prepare(self, batch: Sequence[tuple[int, str]]) -> _Prepared:
        """Read the batch and start its features: in the worker pool when there is one
        (they are computed while the caller finishes the previous batch), else right here."""
        with timed(self.timings, "read"):
            articles = [self.store.get_article(article_id) for _, article_id in batch]
        present = [(seq, a) for (seq, _), a in zip(batch, articles, strict=True) if a]
        texts = [a for _, a in present]
        ready = self.precomputed
        if ready is not None and texts and all(a.id in ready for a in texts):
            return _Prepared(present, features=[ready.pop(a.id) for a in texts])
        if self.workers > 1 and texts:
            return _Prepared(present, futures=corpus_pool.submit(
                texts, self.workers, self.embedder, self.event_chars))
        with timed(self.timings, "features"):
            return _Prepared(present, features=featurize(
                texts, self.embedder, self.timings, event_chars=self.event_chars))

    def finish(self, prepared: _Prepared) -> list[ClusterEvent]:
        """Resolve, deduplicate, cluster and commit one prepared batch."""
        present, feats = prepared.present, prepared.features
        if prepared.futures is not None:
            with timed(self.timings, "features"):  # what the pool did not hide
                for future in prepared.futures:
                    chunk, spent = future.result()
                    feats.extend(chunk)
                    for stage, seconds in spent.items():  # summed over workers
                        if self.timings is not None:
                            self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        rows, events = [], []
        with timed(self.timings, "entities"):
            self.entities.prefetch(item for feat in feats for item in feat.entities)
        with timed(self.timings, "cluster"):
            for (seq, article), feat in zip(present, feats, strict=True):
                resolved = self.resolver.resolve_article(feat.entities, article.language,
                                                        feat.vector)
                matches = self.duplicates.matches(feat.signature)
                duplicate_of = matches[0][0] if matches else None
                if duplicate_of is None:
                    self.duplicates.add(article.id, feat.signature)
                evidence = Evidence(article.id, feat.vector,
                                    {r.entity_id: r.salience for r in resolved},
                                    _published(article), article.outlet, article.language,
                                    feat.terms, feat.event_date,
                                    {r.entity_id: r.type for r in resolved})
                happened = self.clusterer.add(seq, evidence, duplicate_of)
                events.extend(happened)
                rows.append(FeatureRow(article.id, seq, self.embedder, feat.vector,
                                       feat.signature, duplicate_of,
                                       self.clusterer.story_of[article.id], resolved,
                                       bands(feat.signature) if duplicate_of is None else (),
                                       feat.terms, feat.event_date))
        with timed(self.timings, "store"):
            entities, aliases = self.resolver.take_changes()
            self.store.save_corpus_batch(rows, entities, aliases, events,
                                         self.resolver.contexts)
            self.duplicates.committed()
            if self._in_store is not None:  # the database finds the batch's vectors now
                self._in_store.committed()
        return events

    def run_pending(self, batch_size: int,
                    on_progress: Callable[[int, int], None] | None = None, total: int = 0
                    ) -> int:
        """Resolve, deduplicate, cluster and commit every article the store holds without
        features, in ingest order, ``batch_size`` at a time; returns how many. The caller
        holds the corpus lease and calls :meth:`save_index` when it is done with the stage
        (the Spark runner calls this after each partition it stores)."""
        done = 0
        batch = self.store.pending_articles(batch_size)
        prepared = self.prepare(batch) if batch else None
        while prepared is not None:
            # Start the next batch's features before finishing this one (the pool works
            # meanwhile); it must skip this batch, whose features are not committed yet.
            following = self.store.pending_articles(batch_size, after=batch[-1][0])
            upcoming = self.prepare(following) if following else None
            self.finish(prepared)
            done += len(batch)
            if on_progress:
                on_progress(done, total)
            batch, prepared = following, upcoming
        return done

    def save_index(self) -> None:
        """Write the ANN index file beside the store (atomically). Once per run, not per
        batch: the file is corpus-sized, and a run that dies before this leaves a stale file,
        which the next run notices (keys ≠ stored articles) and rebuilds from the store. A
        database with its own vector index has every committed batch already: nothing is
        written."""
        with timed(self.timings, "store"):
            self.clusterer.index.save()


def build_stories(store: CorpusState, embedder: str = "use-m3", batch_size: int | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
                  timings: Timings | None = None, workers: int | None = None,
                  event_chars: int | None = None) -> int:
    """Run the corpus stages over every article that has none yet; returns how many.

    ``batch_size``, ``workers`` and ``event_chars`` default to the settings
    (:mod:`newsloom.settings`). With ``workers`` > 1, features are computed in worker
    processes one batch ahead, while this process clusters and commits the batch before:
    results are the same, batches still commit strictly in ingest order.

    ``timings``, when given, accumulates seconds per sub-stage: load, read, features (time
    spent waiting for them), ner, embed, link+minhash (inside featurize; summed over workers
    when there are several), entities, cluster, store.
    """
    # One corpus stage at a time per store (store/lease.py): a second one waits here, then
    # starts from the state the first committed and finds only what is still pending.
    with store.corpus_lease():
        return _build_stories(store, embedder, batch_size, on_progress, timings, workers,
                              event_chars)


def _build_stories(store: CorpusState, embedder: str, batch_size: int | None,
                   on_progress: Callable[[int, int], None] | None, timings: Timings | None,
                   workers: int | None, event_chars: int | None) -> int:
    total = store.count_pending_articles()
    if total == 0:
        _repair_index(store, embedder)
        return 0
    # Below min_pool_articles pending, features are computed in-process: starting workers
    # and loading the models in each costs seconds, more than a handful of articles take.
    knobs = settings()
    workers = knobs.worker_processes if workers is None else workers
    batch_size = knobs.corpus_batch_size if batch_size is None else batch_size
    stage = CorpusStage(store, embedder, timings,
                        workers=workers if total >= knobs.min_pool_articles else 1,
                        event_chars=knobs.event_chars if event_chars is None else event_chars
                        ).open()
    done = stage.run_pending(batch_size, on_progress, total)
    stage.save_index()
    return done


def _repair_index(store: CorpusState, embedder: str) -> None:
    """With nothing to cluster, still rebuild a missing or damaged index file (loading the
    stage does, with a warning): search would otherwise fall back to the stored vectors.
    A store without an index file (its database indexes the vectors) has nothing to repair."""
    path = store.vector_index_path()
    if path is None:
        return
    stored = store.count_clustered_articles()
    if stored and not index_file_ok(path, stored):
        CorpusStage(store, embedder).open().save_index()


def update_storylines(store: StorylineState, full: bool | None = None) -> list[Storyline]:
    """Bring storylines up to date and return them all.

    Incremental (:func:`newsloom.cluster.storyline_updates.relink`: only the stories changed
    since the last update, cost bounded by them) once a store has storylines; ``full``
    regroups every story from its members (the first time by default, or when asked).
    After an incremental update only the lines it changed carry ``label_entities``."""
    with store.corpus_lease():  # reads then writes what another stage may be changing
        return _update_storylines(store, full)


def _update_storylines(store: StorylineState, full: bool | None) -> list[Storyline]:
    if full is None:
        full = not store.has_storylines()
    if full:
        return recompute_storylines(store)
    changes = relink(store)
    keys = sorted({k for label in changes.labels.values() for k in label})
    names = store.entity_names(keys)
    store.save_storyline_changes(
        changes.assign, {line: label_text(label, names)
                         for line, label in changes.labels.items()}, changes.retired)
    return [Storyline(line, stories, changes.labels.get(line, []))
            for line, stories in store.storyline_stories().items()]


def recompute_storylines(store: StorylineState) -> list[Storyline]:
    """Recompute storylines over all stories from their members, and store them."""
    with store.corpus_lease():
        return _recompute_storylines(store)


def _recompute_storylines(store: StorylineState) -> list[Storyline]:
    members = members_by_story(store.story_members())
    entities = entities_by_article(store.member_entities())
    vectors = store.article_vectors()
    order = sorted(members, key=lambda s: min(m.seq for m in members[s]))
    profiles = [story_profile(s, members[s], [e for m in members[s]
                                              for e in entities.get(m.article_id, [])], vectors)
                for s in order]
    lines = link_storylines(profiles)
    names = {e.entity.id: e.entity.name for items in entities.values() for e in items
             if e.entity.confirmed}  # a label shows listed entities only
    labels = {line.id: label_text(line.label_entities, names)
              for line in lines}
    store.save_storylines(lines, labels)
    store.clear_dirty()
    return lines


