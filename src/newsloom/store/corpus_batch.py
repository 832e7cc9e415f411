"""How one batch of the corpus stage is written: the same steps in the same order on every
backend, each backend supplying the statements (its own SQL) behind the steps.

The order is part of the meaning: the corpus centre is summed before the new rows land (a
store migrated from before the centre table sums the vectors it holds once, and must not
count the batch twice); story profiles take the new members before the batch's events are
applied (a merge folds what the rows added); the read model is relisted last, from what
the batch changed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager

import numpy as np

from newsloom.enrich.name_context import EntityContexts
from newsloom.model import Alias, ClusterEvent, Entity
from newsloom.store.ports import FeatureRow


def newly_confirmed(rows: Sequence[FeatureRow], entities: Sequence[Entity]) -> list[str]:
    """Entities the batch may have confirmed (listed from now on): confirmed now, and named
    in at most one article before the batch. Before it they had one article or none, so
    at most one earlier story can name them, and only those stories are relisted for them
    (a story lists confirmed entities only)."""
    in_batch: Counter[str] = Counter(r.entity_id for row in rows for r in row.entities)
    return [e.id for e in entities if e.confirmed and e.articles - in_batch[e.id] <= 1]


class CorpusBatchWrites(ABC):
    """Mixin of a store: :meth:`save_corpus_batch` over the backend's steps. It must come
    after the mixins that implement the steps in the store's bases."""

    def save_corpus_batch(self, rows: Sequence[FeatureRow], entities: Sequence[Entity],
                          aliases: Sequence[Alias], events: Sequence[ClusterEvent],
                          contexts: EntityContexts | None = None) -> None:
        """Everything one batch of the corpus stage learned, in one transaction."""
        with self._batch_transaction():
            self._add_to_centre(rows)
            self._save_entities(entities, aliases)
            self._insert_features(rows)
            self._add_to_profiles(rows)
            for event in events:
                self._record_event(event)
            split = {s for e in events if e.kind == "split"
                     for s in (e.story_id, e.other_story_id) if s}
            if split:
                self._rebuild_profiles(sorted(split))
            if contexts is not None:
                self._save_contexts(entities, contexts)
            self._relist_after_batch({r.story_id for r in rows} | {
                s for e in events for s in (e.story_id, e.other_story_id) if s},
                [e.id for e in entities], newly_confirmed(rows, entities))

    def _add_to_centre(self, rows: Sequence[FeatureRow]) -> None:
        """Add the batch's vectors to the running sum behind the corpus centre."""
        if not rows:
            return
        total, count = self.corpus_vector_sum()
        added = np.sum([np.asarray(r.vector, dtype=np.float64) for r in rows], axis=0)
        self._store_centre(added if total is None else total + added, count + len(rows))

    # -- the backend's steps -------------------------------------------------------------------
    @abstractmethod
    def corpus_vector_sum(self) -> tuple[np.ndarray | None, int]: ...

    @abstractmethod
    def _batch_transaction(self) -> AbstractContextManager[object]: ...

    @abstractmethod
    def _store_centre(self, total: np.ndarray, count: int) -> None: ...

    @abstractmethod
    def _save_entities(self, entities: Sequence[Entity], aliases: Sequence[Alias]) -> None: ...

    @abstractmethod
    def _insert_features(self, rows: Sequence[FeatureRow]) -> None: ...

    @abstractmethod
    def _add_to_profiles(self, rows: Sequence[FeatureRow]) -> None: ...

    @abstractmethod
    def _record_event(self, event: ClusterEvent) -> None: ...

    @abstractmethod
    def _rebuild_profiles(self, story_ids: Sequence[str]) -> None: ...

    @abstractmethod
    def _save_contexts(self, entities: Sequence[Entity], contexts: EntityContexts) -> None: ...

    @abstractmethod
    def _relist_after_batch(self, story_ids: Iterable[str], entity_ids: Sequence[str],
                            confirmed_ids: Sequence[str] = ()) -> None: ...
