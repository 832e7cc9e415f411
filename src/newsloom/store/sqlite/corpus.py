"""SQLite tables of the corpus stages: features, entities, stories (mixed into SQLiteStore)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

import numpy as np

from newsloom.model import (
    Alias,
    ClusterEvent,
    Entity,
    EntityRef,
    EventDate,
    Evidence,
    MemberEntity,
    MemberRow,
    Storyline,
)
from newsloom.model.entities import person_surname
from newsloom.store.corpus_batch import CorpusBatchWrites
from newsloom.store.ports import ClusterState, FeatureRow
from newsloom.store.rows import (
    CONFIRMED_E_SQL,
    cluster_state,
    entity_from_row,
    published_date,
)
from newsloom.store.sqlite.contexts import ContextTables
from newsloom.store.sqlite.profiles import StoryProfileTables
from newsloom.store.sqlite.readmodel import ReadModelTables


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class CorpusTables(ReadModelTables, ContextTables, StoryProfileTables, CorpusBatchWrites):
    """Reads and writes of the corpus stages; ``_db`` is the store's connection."""

    _db: sqlite3.Connection

    def pending_articles(self, limit: int, after: int = 0) -> list[tuple[int, str]]:
        """(seq, article id) of current articles without features, in ingest order; only
        those after seq ``after`` (a batch in flight, whose features are not stored yet)."""
        rows = self._db.execute(
            "SELECT a.rowid, a.id FROM articles a JOIN documents d ON d.id = a.id "
            "LEFT JOIN article_features f ON f.article_id = a.id "
            "WHERE d.superseded_by IS NULL AND f.article_id IS NULL AND a.rowid > ? "
            "ORDER BY a.rowid LIMIT ?", (after, limit))
        return [(int(r[0]), str(r[1])) for r in rows]

    def count_pending_articles(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM articles a JOIN documents d ON d.id = a.id "
            "LEFT JOIN article_features f ON f.article_id = a.id "
            "WHERE d.superseded_by IS NULL AND f.article_id IS NULL").fetchone()
        return int(row[0])

    def count_clustered_articles(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM article_features").fetchone()[0])

    def load_entities(self) -> tuple[list[Entity], list[Alias]]:
        entities = [entity_from_row(r) for r in self._db.execute(
            "SELECT id, key, name, type, aliases, articles, vouched FROM entities")]
        aliases = [Alias(r[0], r[1], r[2]) for r in self._db.execute(
            "SELECT alias_key, entity_id, reason FROM entity_aliases")]
        return entities, aliases

    def entities_for(self, keys: Sequence[str], surnames: Sequence[str] = (),
                     ids: Sequence[str] = ()) -> tuple[list[Entity], list[Alias]]:
        """What entity resolution needs for these keys: the entities with one of the keys,
        the aliases of the keys with the entities they point to, every person whose
        surname is one of ``surnames``, and the entities ``ids``."""
        aliases: list[Alias] = []
        found: dict[str, Entity] = {}
        select = "SELECT id, key, name, type, aliases, articles, vouched FROM entities WHERE "
        for start in range(0, len(keys), 500):
            chunk = list(keys[start:start + 500])
            aliases += [Alias(r[0], r[1], r[2]) for r in self._db.execute(
                f"SELECT alias_key, entity_id, reason FROM entity_aliases "
                f"WHERE alias_key IN ({_marks(chunk)})", chunk)]
            found.update((r[0], entity_from_row(r)) for r in self._db.execute(
                select + f"key IN ({_marks(chunk)})", chunk))
        wanted = sorted(({a.entity_id for a in aliases} | set(ids)) - found.keys())
        for column, values in (("id", wanted), ("surname", list(surnames))):
            for start in range(0, len(values), 500):
                chunk = values[start:start + 500]
                found.update((r[0], entity_from_row(r)) for r in self._db.execute(
                    select + f"{column} IN ({_marks(chunk)})", chunk))
        return list(found.values()), aliases

    def band_candidates(self, bands: Sequence[tuple[int, bytes]]) -> dict[str, np.ndarray]:
        """Signatures of the stored articles that share at least one LSH band."""
        if not bands:
            return {}
        where = " OR ".join(["(b.band = ? AND b.chunk = ?)"] * len(bands))
        params = [value for band in bands for value in band]
        return {r[0]: np.frombuffer(r[1], dtype=np.uint64) for r in self._db.execute(
            f"SELECT DISTINCT b.article_id, f.signature FROM minhash_bands b "
            f"JOIN article_features f ON f.article_id = b.article_id WHERE {where}", params)}

    def load_cluster_state(self) -> ClusterState:
        return cluster_state(
            self._db.execute("SELECT article_id, seq, story_id FROM article_features "
                             "ORDER BY seq"),
            self._db.execute("SELECT id, created_seq, merged_into FROM stories"),
            self.entity_document_frequency()[0], self.term_document_frequency(),
            self.corpus_vector_sum()[0])

    def corpus_vector_sum(self) -> tuple[np.ndarray | None, int]:
        """Sum of every processed article's vector, and how many (the corpus centre).
        Stores from before migration 8 add it up from the stored vectors once."""
        row = self._db.execute("SELECT vector_sum, articles FROM corpus_centre").fetchone()
        if row is not None:
            return np.frombuffer(row[0], dtype=np.float64).copy(), int(row[1])
        total: np.ndarray | None = None
        count = 0
        for (blob,) in self._db.execute("SELECT vector FROM article_features"):
            vector = np.frombuffer(blob, dtype=np.float32).astype(np.float64)
            total = vector if total is None else total + vector
            count += 1
        return total, count

    def signatures(self) -> list[tuple[str, np.ndarray]]:
        return [(r[0], np.frombuffer(r[1], dtype=np.uint64)) for r in self._db.execute(
            "SELECT article_id, signature FROM article_features "
            "WHERE duplicate_of IS NULL ORDER BY seq")]

    def evidence(self, article_ids: Sequence[str]) -> dict[str, Evidence]:
        found: dict[str, Evidence] = {}
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            entities: dict[str, dict[str, float]] = {}
            types: dict[str, dict[str, str]] = {}
            for article_id, entity_id, salience, entity_type in self._db.execute(
                    f"SELECT article_id, entity_id, salience, type FROM article_entities "
                    f"WHERE article_id IN ({marks})", chunk):
                entities.setdefault(article_id, {})[entity_id] = float(salience)
                if entity_type:
                    types.setdefault(article_id, {})[entity_id] = str(entity_type)
            for article_id, vector, published, outlet, language, terms, when in self._db.execute(
                    f"SELECT f.article_id, f.vector, a.published, a.outlet, a.language, "
                    f"f.terms, f.event_date "
                    f"FROM article_features f JOIN articles a ON a.id = f.article_id "
                    f"WHERE f.article_id IN ({marks})", chunk):
                found[article_id] = Evidence(
                    article_id, np.frombuffer(vector, dtype=np.float32),
                    entities.get(article_id, {}), published_date(published), outlet, language,
                    json.loads(terms) if terms else {}, EventDate.decode(when),
                    types.get(article_id, {}))
        return found

    def feature_ids(self, refs: Sequence[str]) -> dict[str, str]:
        """Article id of each reference (article id or source_id) that has features."""
        found: dict[str, str] = {}
        for ref in refs:
            row = self._db.execute(
                "SELECT f.article_id FROM article_features f JOIN articles a ON a.id = "
                "f.article_id WHERE a.id = ? OR a.source_id = ? ORDER BY f.seq DESC LIMIT 1",
                (ref, ref)).fetchone()
            if row:
                found[ref] = str(row[0])
        return found

    def term_document_frequency(self) -> Counter[str]:
        """Articles per content lemma (represent/event.py), over every processed article."""
        return Counter({r[0]: int(r[1]) for r in self._db.execute("SELECT term, df FROM term_df")})

    def entity_document_frequency(self) -> tuple[Counter[str], int]:
        df: Counter[str] = Counter({r[0]: int(r[1]) for r in self._db.execute(
            "SELECT entity_id, COUNT(*) FROM article_entities GROUP BY entity_id")})
        documents = int(self._db.execute("SELECT COUNT(*) FROM article_features").fetchone()[0])
        return df, documents

    def same_story(self, pairs: Sequence[tuple[str, str]], level: str = "story"
                   ) -> dict[tuple[str, str], bool]:
        """Whether the clustering put each pair (ids or source_ids) into one story (or, with
        ``level="storyline"``, one storyline)."""
        ids = self.feature_ids(sorted({r for pair in pairs for r in pair}))
        column = "s.storyline_id" if level == "storyline" else "f.story_id"
        group: dict[str, str] = {}
        for ref, article_id in ids.items():
            row = self._db.execute(
                f"SELECT {column} FROM article_features f LEFT JOIN stories s "
                f"ON s.id = f.story_id WHERE f.article_id=?", (article_id,)).fetchone()
            if row is not None and row[0] is not None:
                group[ref] = str(row[0])
        return {(a, b): a in group and b in group and group[a] == group[b] for a, b in pairs}

    def story_members(self, story_ids: Sequence[str] | None = None) -> list[MemberRow]:
        sql = ("SELECT f.story_id, f.article_id, f.seq, a.title, a.language, a.outlet, "
               "a.published, f.duplicate_of FROM article_features f "
               "JOIN articles a ON a.id = f.article_id")
        params: list[str] = []
        if story_ids is not None:
            sql += f" WHERE f.story_id IN ({','.join('?' * len(story_ids))})"
            params = list(story_ids)
        return [MemberRow(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6], r[7])
                for r in self._db.execute(sql + " ORDER BY f.seq", params)]

    def article_members(self, article_ids: Sequence[str], with_duplicates: bool = False
                        ) -> list[MemberRow]:
        """Member rows of these articles (and, with ``with_duplicates``, of the articles
        marked duplicates of them), in ingest order: indexed lookups, not a corpus scan."""
        found: dict[str, MemberRow] = {}
        columns = ["f.article_id"] + (["f.duplicate_of"] if with_duplicates else [])
        for start in range(0, len(article_ids), 500):
            chunk = list(article_ids[start:start + 500])
            for column in columns:
                for r in self._db.execute(
                        "SELECT f.story_id, f.article_id, f.seq, a.title, a.language, "
                        "a.outlet, a.published, f.duplicate_of FROM article_features f "
                        f"JOIN articles a ON a.id = f.article_id WHERE {column} IN "
                        f"({_marks(chunk)})", chunk):
                    found[r[1]] = MemberRow(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6],
                                            r[7])
        return sorted(found.values(), key=lambda m: m.seq)

    def entity_article_ids(self, entity_id: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT article_id FROM article_entities WHERE entity_id = ? ORDER BY article_id",
            (entity_id,))]

    def member_entities(self, article_ids: Sequence[str] | None = None) -> list[MemberEntity]:
        sql = ("SELECT ae.article_id, e.id, e.name, e.type, ae.mentions, ae.salience, "
               f"{CONFIRMED_E_SQL} FROM article_entities ae JOIN entities e ON e.id = ae.entity_id")
        params: list[str] = []
        if article_ids is not None:
            sql += f" WHERE ae.article_id IN ({','.join('?' * len(article_ids))})"
            params = list(article_ids)
        return [MemberEntity(r[0], EntityRef(r[1], r[2], r[3], int(r[4]), bool(r[6])),
                             float(r[5]))
                for r in self._db.execute(sql, params)]

    def article_vectors(self) -> dict[str, np.ndarray]:
        return {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in self._db.execute(
            "SELECT article_id, vector FROM article_features")}

    def storyline_of(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._db.execute(
            "SELECT id, storyline_id FROM stories WHERE storyline_id IS NOT NULL")}

    def storyline_labels(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._db.execute("SELECT id, label FROM storylines")}

    def save_storylines(self, lines: Sequence[Storyline], labels: dict[str, str]) -> None:
        """Replace the storyline assignment (recomputed from all stories) in one transaction;
        a line whose id is not among the new ones redirects to the line holding most of its
        stories (a merged story counts where its survivor went)."""
        with self._write():
            self._redirect_storylines(self._replaced_storylines(lines), labels)
            self._db.execute("DELETE FROM storylines")
            self._db.execute("UPDATE stories SET storyline_id = NULL")
            for line in lines:
                self._db.execute("INSERT INTO storylines VALUES (?,?)", (line.id, labels[line.id]))
                self._db.executemany("UPDATE stories SET storyline_id=? WHERE id=?",
                                     [(line.id, story) for story in line.story_ids])
            self._relist_storylines(None, [line.id for line in lines])

    def list_entities(self, limit: int | None = None) -> list[Entity]:
        sql = ("SELECT id, key, name, type, aliases, articles, vouched FROM entities "
               "ORDER BY articles DESC, name")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [entity_from_row(r)
                for r in self._db.execute(sql)]

    def find_entity(self, ref: str) -> Entity | None:
        """By id, canonical name (any case) or any alias surface form."""
        row = self._db.execute(
            "SELECT id, key, name, type, aliases, articles, vouched FROM entities WHERE id=? "
            "OR lower(name)=lower(?) ORDER BY articles DESC LIMIT 1", (ref, ref)).fetchone()
        if row is None:
            needle = json.dumps(ref, ensure_ascii=False).lower()
            row = self._db.execute(
                "SELECT id, key, name, type, aliases, articles, vouched FROM entities "
                "WHERE instr(lower(aliases), ?) > 0 ORDER BY articles DESC LIMIT 1",
                (needle,)).fetchone()
        return entity_from_row(row) \
            if row else None

    def article_links(self, article_id: str) -> tuple[str | None, str | None, str | None]:
        """(duplicate_of, story_id, storyline_id) of an article, if processed."""
        row = self._db.execute(
            "SELECT f.duplicate_of, f.story_id, s.storyline_id FROM article_features f "
            "LEFT JOIN stories s ON s.id = f.story_id WHERE f.article_id=?",
            (article_id,)).fetchone()
        return (row[0], row[1], row[2]) if row else (None, None, None)

    # -- one batch, one transaction (store/corpus_batch.py says in which order) ---------------
    def _batch_transaction(self) -> AbstractContextManager[object]:
        return self._write()

    def _save_entities(self, entities: Sequence[Entity], aliases: Sequence[Alias]) -> None:
        self._db.executemany(
            "INSERT INTO entities (id, key, name, type, aliases, articles, surname, vouched) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "aliases=excluded.aliases, articles=excluded.articles, type=excluded.type, "
            "surname=excluded.surname, vouched=excluded.vouched",
            [(e.id, e.key, e.name, e.type, json.dumps(e.aliases, ensure_ascii=False),
              e.articles, person_surname(e.key, e.type), int(e.vouched)) for e in entities])
        self._db.executemany(
            "INSERT OR IGNORE INTO entity_aliases VALUES (?,?,?)",
            [(a.alias_key, a.entity_id, a.reason) for a in aliases])

    def _insert_features(self, rows: Sequence[FeatureRow]) -> None:
        for row in rows:
            self._db.execute(
                "INSERT INTO article_features (article_id, seq, embedder, vector, "
                "signature, duplicate_of, story_id, terms, event_date) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                (row.article_id, row.seq, row.embedder,
                 np.asarray(row.vector, dtype=np.float32).tobytes(),
                 np.asarray(row.signature, dtype=np.uint64).tobytes(),
                 row.duplicate_of, row.story_id,
                 json.dumps(dict(row.terms), ensure_ascii=False) if row.terms else None,
                 row.event_date.encode() if row.event_date else None))
            self._db.executemany(
                "INSERT INTO term_df VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET "
                "df = df + 1", [(term,) for term in row.terms])
            self._db.executemany(
                "INSERT INTO article_entities (article_id, entity_id, mentions, salience, "
                "surfaces, type) VALUES (?,?,?,?,?,?)",
                [(row.article_id, e.entity_id, e.mentions, e.salience,
                  json.dumps(list(e.surfaces), ensure_ascii=False), e.type)
                 for e in row.entities])
            if row.duplicate_of is None:
                self._db.executemany("INSERT OR IGNORE INTO minhash_bands VALUES (?,?,?)",
                                     [(b, chunk, row.article_id) for b, chunk in row.bands])

    def _store_centre(self, total: np.ndarray, count: int) -> None:
        self._db.execute(
            "INSERT INTO corpus_centre VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "vector_sum=excluded.vector_sum, articles=excluded.articles",
            (np.asarray(total, dtype=np.float64).tobytes(), count))

    def _record_event(self, event: ClusterEvent) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self._db.execute(
            "INSERT INTO story_events (at, kind, story_id, article_id, other_story_id, score) "
            "VALUES (?,?,?,?,?,?)",
            (now, event.kind, event.story_id, event.article_id, event.other_story_id,
             event.score))
        if event.kind == "create":
            seq = self._db.execute("SELECT seq FROM article_features WHERE article_id=?",
                                   (event.article_id,)).fetchone()
            self._db.execute("INSERT OR IGNORE INTO stories (id, created_seq) VALUES (?,?)",
                             (event.story_id, int(seq[0]) if seq else 0))
        elif event.kind == "merge" and event.other_story_id:
            self._db.execute("UPDATE stories SET merged_into=? WHERE id=?",
                             (event.story_id, event.other_story_id))
            self._db.execute("UPDATE article_features SET story_id=? WHERE story_id=?",
                             (event.story_id, event.other_story_id))
            self._merge_profiles(event.story_id, event.other_story_id)
        elif event.kind == "split":
            # the article leaves other_story_id for story_id (which may be an id merged away
            # earlier that comes back: it is live again)
            seq = self._db.execute("SELECT seq FROM article_features WHERE article_id=?",
                                   (event.article_id,)).fetchone()
            self._db.execute(
                "INSERT INTO stories (id, created_seq) VALUES (?,?) ON CONFLICT(id) DO UPDATE "
                "SET merged_into=NULL, created_seq=MIN(created_seq, excluded.created_seq)",
                (event.story_id, int(seq[0]) if seq else 0))
            self._db.execute("UPDATE article_features SET story_id=? WHERE article_id=?",
                             (event.story_id, event.article_id))
