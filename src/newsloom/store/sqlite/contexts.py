"""Entity context vectors and the name-term index (migration 5) behind the resolver's
similar-name rule (:mod:`newsloom.enrich.name_context`): read per batch for just the
candidate names, written in the corpus batch's transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import numpy as np

from newsloom.enrich.name_context import EntityContexts, candidate_tokens
from newsloom.model import Entity
from newsloom.store.sqlite.lease import LeasedWrites

#: A name term shared by more entities than this ("group", "bank", "news") says nothing
#: about which one a new name means; lookups skip it rather than load them all.
MAX_ENTITIES_PER_TERM = 50


def name_terms_json(key: str) -> str:
    """SQL function for the migration's backfill: the index terms of one key, as JSON."""
    return json.dumps(candidate_tokens(key) if key.startswith("name:") else [])


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class ContextTables(LeasedWrites):
    """Mixin of :class:`newsloom.store.sqlite.corpus.CorpusTables`."""

    _db: sqlite3.Connection

    def entity_ids_for_terms(self, terms: Sequence[str]) -> dict[str, list[str]]:
        """Entity ids per name term, leaving out terms too common to discriminate."""
        found: dict[str, list[str]] = {}
        for start in range(0, len(terms), 500):
            chunk = list(terms[start:start + 500])
            for term, ids in self._db.execute(
                    f"SELECT term, group_concat(entity_id, ' ') FROM entity_name_terms "
                    f"WHERE term IN ({_marks(chunk)}) GROUP BY term "
                    f"HAVING count(*) <= {MAX_ENTITIES_PER_TERM}", chunk):
                found[term] = sorted(ids.split(" "))
        return found

    def load_contexts(self, entity_ids: Sequence[str], into: EntityContexts,
                      with_corpus: bool = False) -> None:
        """Add the stored context of each entity (and, once per run, the corpus sum) to
        ``into``; what ``into`` already holds is newer and is kept."""
        for start in range(0, len(entity_ids), 500):
            chunk = [i for i in entity_ids[start:start + 500] if i not in into.sums]
            for entity_id, blob, count in self._db.execute(
                    f"SELECT entity_id, vector_sum, articles FROM entity_contexts "
                    f"WHERE entity_id IN ({_marks(chunk)})", chunk):
                into.sums[entity_id] = np.frombuffer(blob, dtype=np.float32).copy()
                into.counts[entity_id] = int(count)
        if with_corpus:
            row = self._db.execute(
                "SELECT vector_sum, articles FROM corpus_context WHERE id = 1").fetchone()
            if row is not None:
                into.corpus_sum = np.frombuffer(row[0], dtype=np.float32).copy()
                into.corpus_count = int(row[1])

    def _save_contexts(self, entities: Sequence[Entity], contexts: EntityContexts) -> None:
        """Inside the caller's transaction: name terms of new entities, the contexts of the
        entities the batch touched, and the corpus sum."""
        self._db.executemany(
            "INSERT OR IGNORE INTO entity_name_terms VALUES (?,?)",
            [(term, e.id) for e in entities if e.key.startswith("name:")
             for term in candidate_tokens(e.key)])
        self._db.executemany(
            "INSERT INTO entity_contexts VALUES (?,?,?) ON CONFLICT(entity_id) DO UPDATE SET "
            "vector_sum=excluded.vector_sum, articles=excluded.articles",
            [(e.id, contexts.sums[e.id].astype(np.float32).tobytes(), contexts.counts[e.id])
             for e in entities if e.id in contexts.sums])
        if contexts.corpus_sum is not None:
            self._db.execute(
                "INSERT INTO corpus_context VALUES (1,?,?) ON CONFLICT(id) DO UPDATE SET "
                "vector_sum=excluded.vector_sum, articles=excluded.articles",
                (contexts.corpus_sum.astype(np.float32).tobytes(), contexts.corpus_count))
