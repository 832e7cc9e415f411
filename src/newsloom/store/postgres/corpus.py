"""PostgreSQL tables of the corpus stage: what it reads per batch and the one transaction in
which it commits a batch (mixed into PostgresStore)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager

import numpy as np

from newsloom.enrich.name_context import EntityContexts, candidate_tokens
from newsloom.model import Alias, ClusterEvent, Entity, Storyline
from newsloom.model.entities import person_surname
from newsloom.store.corpus_batch import CorpusBatchWrites
from newsloom.store.ports import ClusterState, FeatureRow
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.lease import CorpusLease
from newsloom.store.postgres.members import MemberReads
from newsloom.store.postgres.profiles import StoryProfileTables
from newsloom.store.postgres.readmodel import ReadModelTables
from newsloom.store.postgres.search import hnsw_index_name, hnsw_index_sql, vector_values
from newsloom.store.rows import ENTITY_COLUMNS, cluster_state, entity_from_row

#: A name term shared by more entities than this says nothing about which one a new name
#: means (the SQLite store's rule, store/sqlite/contexts.py).
MAX_ENTITIES_PER_TERM = 50
_ENTITY_SELECT = f"SELECT {', '.join(ENTITY_COLUMNS)} FROM entities"
_PENDING = ("FROM articles a JOIN documents d ON d.id = a.id "
            "WHERE d.superseded_by IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM article_features f WHERE f.article_id = a.id)")


def _blob(vector: np.ndarray, dtype: type[np.generic]) -> bytes:
    return np.asarray(vector, dtype=dtype).tobytes()


class CorpusTables(ReadModelTables, MemberReads, StoryProfileTables, CorpusLease,
                   CorpusBatchWrites):
    """Reads and writes of the corpus stage."""

    _pg: Database

    # -- what is left to cluster ---------------------------------------------------------------
    def pending_articles(self, limit: int, after: int = 0) -> list[tuple[int, str]]:
        """(seq, article id) of current articles without features, in ingest order."""
        return [(int(r[0]), str(r[1])) for r in self._pg.rows(
            f"SELECT a.seq, a.id {_PENDING} AND a.seq > %s ORDER BY a.seq LIMIT %s",
            (after, limit))]

    def count_pending_articles(self) -> int:
        return int(self._pg.value(f"SELECT COUNT(*) {_PENDING}"))

    def count_clustered_articles(self) -> int:
        return int(self._pg.value("SELECT COUNT(*) FROM article_features"))

    # -- entity resolution ---------------------------------------------------------------------
    def entities_for(self, keys: Sequence[str], surnames: Sequence[str] = (),
                     ids: Sequence[str] = ()) -> tuple[list[Entity], list[Alias]]:
        """The entities with one of ``keys``, the aliases of the keys with the entities they
        point to, every person with one of ``surnames``, and the entities ``ids``."""
        aliases = [Alias(*r) for r in self._pg.rows(
            "SELECT alias_key, entity_id, reason FROM entity_aliases "
            "WHERE alias_key = ANY(%s)", (list(keys),))]
        wanted = sorted({a.entity_id for a in aliases} | set(ids))
        rows = self._pg.rows(
            f"{_ENTITY_SELECT} WHERE key = ANY(%s) OR id = ANY(%s) OR surname = ANY(%s)",
            (list(keys), wanted, list(surnames)))
        return [entity_from_row(r) for r in rows], aliases

    def entity_ids_for_terms(self, terms: Sequence[str]) -> dict[str, list[str]]:
        """Entity ids per name term, leaving out terms too common to discriminate."""
        return {str(r[0]): sorted(r[1]) for r in self._pg.rows(
            "SELECT term, array_agg(entity_id) FROM entity_name_terms WHERE term = ANY(%s) "
            "GROUP BY term HAVING COUNT(*) <= %s", (list(terms), MAX_ENTITIES_PER_TERM))}

    def load_contexts(self, entity_ids: Sequence[str], into: EntityContexts,
                      with_corpus: bool = False) -> None:
        """Add the stored context of each entity (and the corpus sum) to ``into``; what
        ``into`` already holds is newer and is kept."""
        wanted = [i for i in entity_ids if i not in into.sums]
        for entity_id, blob, count in self._pg.rows(
                "SELECT entity_id, vector_sum, articles FROM entity_contexts "
                "WHERE entity_id = ANY(%s)", (wanted,)):
            into.sums[entity_id] = np.frombuffer(blob, dtype=np.float32).copy()
            into.counts[entity_id] = int(count)
        row = self._pg.one("SELECT vector_sum, articles FROM corpus_context") \
            if with_corpus else None
        if row is not None:
            into.corpus_sum = np.frombuffer(row[0], dtype=np.float32).copy()
            into.corpus_count = int(row[1])

    # -- clustering state ----------------------------------------------------------------------
    def band_candidates(self, bands: Sequence[tuple[int, bytes]]) -> dict[str, np.ndarray]:
        """Signatures of the stored articles that share at least one LSH band."""
        if not bands:
            return {}
        return {str(r[0]): np.frombuffer(r[1], dtype=np.uint64) for r in self._pg.rows(
            "SELECT DISTINCT b.article_id, f.signature FROM minhash_bands b "
            "JOIN unnest(%s::integer[], %s::bytea[]) AS q(band, chunk) "
            "ON b.band = q.band AND b.chunk = q.chunk "
            "JOIN article_features f ON f.article_id = b.article_id",
            ([b for b, _ in bands], [bytes(c) for _, c in bands]))}

    def load_cluster_state(self) -> ClusterState:
        return cluster_state(
            self._pg.rows("SELECT article_id, seq, story_id FROM article_features ORDER BY seq"),
            self._pg.rows("SELECT id, created_seq, merged_into FROM stories"),
            self.entity_document_frequency()[0], self.term_document_frequency(),
            self.corpus_vector_sum()[0])

    def corpus_vector_sum(self) -> tuple[np.ndarray | None, int]:
        """Sum of every processed article's vector, and how many (the corpus centre)."""
        row = self._pg.one("SELECT vector_sum, articles FROM corpus_centre")
        if row is None:
            return None, 0
        return np.frombuffer(row[0], dtype=np.float64).copy(), int(row[1])

    def term_document_frequency(self) -> Counter[str]:
        return Counter({str(r[0]): int(r[1]) for r in self._pg.rows(
            "SELECT term, df FROM term_df")})

    # -- one batch, one transaction (store/corpus_batch.py says in which order) ---------------
    def _batch_transaction(self) -> AbstractContextManager[object]:
        return self._pg.transaction()

    def _save_entities(self, entities: Sequence[Entity], aliases: Sequence[Alias]) -> None:
        self._pg.many(
            "INSERT INTO entities AS e (id, key, name, type, aliases, articles, surname, "
            "vouched) VALUES (%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (id) DO UPDATE SET "
            "aliases = EXCLUDED.aliases, articles = EXCLUDED.articles, "
            "type = EXCLUDED.type, surname = EXCLUDED.surname, vouched = EXCLUDED.vouched",
            [(e.id, e.key, e.name, e.type, json.dumps(e.aliases, ensure_ascii=False),
              e.articles, person_surname(e.key, e.type), e.vouched) for e in entities])
        self._pg.many("INSERT INTO entity_aliases VALUES (%s,%s,%s) ON CONFLICT DO NOTHING",
                      [(a.alias_key, a.entity_id, a.reason) for a in aliases])

    def _insert_features(self, rows: Sequence[FeatureRow]) -> None:
        for dim in sorted({len(r.vector) for r in rows}):  # once per encoder dimension
            if self._pg.value("SELECT to_regclass(%s)", (hnsw_index_name(dim),)) is None:
                self._pg.execute(hnsw_index_sql(dim))
        self._pg.many(
            "INSERT INTO article_features (article_id, seq, embedder, vector, signature, "
            "duplicate_of, story_id, terms, event_date) "
            "VALUES (%s, %s, %s, %s::real[]::vector, %s, %s, %s, %s, %s)",
            [(r.article_id, r.seq, r.embedder, vector_values(r.vector),
              _blob(r.signature, np.uint64), r.duplicate_of, r.story_id,
              json.dumps(dict(r.terms), ensure_ascii=False) if r.terms else None,
              r.event_date.encode() if r.event_date else None) for r in rows])
        terms = Counter(term for r in rows for term in r.terms)
        self._pg.many("INSERT INTO term_df AS t VALUES (%s, %s) ON CONFLICT (term) "
                      "DO UPDATE SET df = t.df + EXCLUDED.df", sorted(terms.items()))
        self._pg.many(
            "INSERT INTO article_entities (article_id, entity_id, mentions, salience, "
            "surfaces, type) VALUES (%s,%s,%s,%s,%s,%s)",
            [(r.article_id, e.entity_id, e.mentions, e.salience,
              json.dumps(list(e.surfaces), ensure_ascii=False), e.type)
             for r in rows for e in r.entities])
        self._pg.many("INSERT INTO minhash_bands VALUES (%s,%s,%s) ON CONFLICT DO NOTHING",
                      [(band, bytes(chunk), r.article_id) for r in rows
                       if r.duplicate_of is None for band, chunk in r.bands])

    def _store_centre(self, total: np.ndarray, count: int) -> None:
        self._pg.execute(
            "INSERT INTO corpus_centre VALUES (1, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            "vector_sum = EXCLUDED.vector_sum, articles = EXCLUDED.articles",
            (_blob(total, np.float64), count))

    def _record_event(self, event: ClusterEvent) -> None:
        self._pg.execute(
            "INSERT INTO story_events (kind, story_id, article_id, other_story_id, score) "
            "VALUES (%s,%s,%s,%s,%s)",
            (event.kind, event.story_id, event.article_id, event.other_story_id, event.score))
        created = "(SELECT COALESCE(MAX(seq), 0) FROM article_features WHERE article_id = %s)"
        if event.kind == "create":
            self._pg.execute(f"INSERT INTO stories (id, created_seq) VALUES (%s, {created}) "
                             "ON CONFLICT DO NOTHING", (event.story_id, event.article_id))
        elif event.kind == "merge" and event.other_story_id:
            self._pg.execute("UPDATE stories SET merged_into = %s WHERE id = %s",
                             (event.story_id, event.other_story_id))
            self._pg.execute("UPDATE article_features SET story_id = %s WHERE story_id = %s",
                             (event.story_id, event.other_story_id))
            self._merge_profiles(event.story_id, event.other_story_id)
        elif event.kind == "split":
            # the article leaves other_story_id for story_id (which may be an id merged away
            # earlier that comes back: it is live again)
            self._pg.execute(
                f"INSERT INTO stories AS s (id, created_seq) VALUES (%s, {created}) "
                "ON CONFLICT (id) DO UPDATE SET merged_into = NULL, "
                "created_seq = LEAST(s.created_seq, EXCLUDED.created_seq)",
                (event.story_id, event.article_id))
            self._pg.execute("UPDATE article_features SET story_id = %s WHERE article_id = %s",
                             (event.story_id, event.article_id))

    def _save_contexts(self, entities: Sequence[Entity], contexts: EntityContexts) -> None:
        """Inside the batch's transaction: name terms of new entities, the contexts of the
        entities the batch touched, and the corpus sum."""
        self._pg.many("INSERT INTO entity_name_terms VALUES (%s,%s) ON CONFLICT DO NOTHING",
                      [(term, e.id) for e in entities if e.key.startswith("name:")
                       for term in candidate_tokens(e.key)])
        self._pg.many(
            "INSERT INTO entity_contexts VALUES (%s,%s,%s) ON CONFLICT (entity_id) DO UPDATE "
            "SET vector_sum = EXCLUDED.vector_sum, articles = EXCLUDED.articles",
            [(e.id, _blob(contexts.sums[e.id], np.float32), contexts.counts[e.id])
             for e in entities if e.id in contexts.sums])
        if contexts.corpus_sum is not None:
            self._pg.execute(
                "INSERT INTO corpus_context VALUES (1,%s,%s) ON CONFLICT (id) DO UPDATE SET "
                "vector_sum = EXCLUDED.vector_sum, articles = EXCLUDED.articles",
                (_blob(contexts.corpus_sum, np.float32), contexts.corpus_count))

    def save_storylines(self, lines: Sequence[Storyline], labels: dict[str, str]) -> None:
        """Replace the storyline assignment (recomputed from all stories) in one
        transaction; replaced lines redirect to their successors."""
        with self._pg.transaction():
            self._redirect_storylines(self._replaced_storylines(lines), labels)
            self._pg.execute("DELETE FROM storylines")
            self._pg.execute("UPDATE stories SET storyline_id = NULL "
                             "WHERE storyline_id IS NOT NULL")
            self._pg.many("INSERT INTO storylines VALUES (%s, %s)",
                          [(line.id, labels[line.id]) for line in lines])
            self._pg.many("UPDATE stories SET storyline_id = %s WHERE id = %s",
                          [(line.id, story) for line in lines for story in line.story_ids])
            self._relist_storylines(None, [line.id for line in lines])
