"""Story profiles kept per corpus batch, and the incremental storyline reads and writes (the
SQLite store's store/sqlite/profiles.py, on PostgreSQL): a profile is the sum of a story's
independent members' vectors and their summed entity salience, so a batch adds to it and a
merge adds one story to another; ``dirty`` marks stories changed since storylines were
updated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from newsloom.model import StoryProfile
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.redirects import StorylineRedirectTables
from newsloom.store.postgres.search import vector_from
from newsloom.store.profile_sums import ProfileSums, profile_sums, unit
from newsloom.store.rows import CONFIRMED_SQL

if TYPE_CHECKING:
    from newsloom.store.ports import FeatureRow


class StoryProfileTables(StorylineRedirectTables):
    """Reads and writes of ``story_profiles`` and ``story_entities``."""

    _pg: Database
    _relist_storylines: Callable[[Sequence[str] | None, Iterable[str]], None]  # readmodel.py

    # -- writes, inside the corpus batch's transaction ----------------------------------------
    def _add_to_profiles(self, rows: Sequence[FeatureRow]) -> None:
        self._add_sums(profile_sums(rows))

    def _add_sums(self, sums: ProfileSums) -> None:
        self._pg.many(
            "INSERT INTO story_profiles AS p VALUES (%s, %s, %s, true) "
            "ON CONFLICT (story_id) DO UPDATE SET members = p.members + EXCLUDED.members, "
            "dirty = true, vector_sum = EXCLUDED.vector_sum",
            [(story, self._summed(story, vector), sums.members[story])
             for story, vector in sums.vectors.items()])
        self._pg.many(
            "INSERT INTO story_entities AS s (story_id, entity_id, weight) VALUES (%s,%s,%s) "
            "ON CONFLICT (story_id, entity_id) DO UPDATE SET weight = s.weight + "
            "EXCLUDED.weight", [(s, e, w) for (s, e), w in sums.weights.items()])

    def _summed(self, story: str, vector: np.ndarray) -> bytes:
        """The story's stored vector sum plus ``vector``, as stored."""
        blob = self._pg.value("SELECT vector_sum FROM story_profiles WHERE story_id = %s",
                              (story,))
        total = vector if blob is None else np.frombuffer(blob, dtype=np.float64) + vector
        return np.asarray(total, dtype=np.float64).tobytes()

    def _merge_profiles(self, survivor: str, merged: str) -> None:
        row = self._pg.one("DELETE FROM story_profiles WHERE story_id = %s "
                           "RETURNING vector_sum, members", (merged,))
        if row is not None:
            sums = ProfileSums()
            sums.vectors[survivor] = np.frombuffer(row[0], dtype=np.float64)
            sums.members[survivor] = int(row[1])
            self._add_sums(sums)
        self._pg.execute(
            "INSERT INTO story_entities AS s (story_id, entity_id, weight) "
            "SELECT %s, entity_id, weight FROM story_entities WHERE story_id = %s "
            "ON CONFLICT (story_id, entity_id) DO UPDATE SET weight = s.weight + "
            "EXCLUDED.weight", (survivor, merged))
        self._pg.execute("DELETE FROM story_entities WHERE story_id = %s", (merged,))

    def _rebuild_profiles(self, story_ids: Sequence[str]) -> None:
        """Recompute stories' profiles from their current members (after a split)."""
        ids = list(story_ids)
        self._pg.execute("DELETE FROM story_profiles WHERE story_id = ANY(%s)", (ids,))
        self._pg.execute("DELETE FROM story_entities WHERE story_id = ANY(%s)", (ids,))
        sums = ProfileSums()
        for story, vector in self._pg.rows(
                "SELECT story_id, vector::real[] FROM article_features "
                "WHERE duplicate_of IS NULL AND story_id = ANY(%s) ORDER BY seq", (ids,)):
            sums.add_vector(story, vector_from(vector))
        self._add_sums(sums)
        self._pg.execute(
            "INSERT INTO story_entities (story_id, entity_id, weight) "
            "SELECT f.story_id, ae.entity_id, SUM(ae.salience) FROM article_entities ae "
            "JOIN article_features f ON f.article_id = ae.article_id "
            "WHERE f.duplicate_of IS NULL AND f.story_id = ANY(%s) "
            "GROUP BY f.story_id, ae.entity_id", (ids,))

    # -- reads ---------------------------------------------------------------------------------
    def dirty_stories(self) -> list[str]:
        """Live stories changed since the storylines were last updated, oldest first."""
        return [r[0] for r in self._pg.rows(
            "SELECT p.story_id FROM story_profiles p JOIN stories s ON s.id = p.story_id "
            "WHERE p.dirty AND s.merged_into IS NULL ORDER BY s.created_seq, s.id")]

    def clear_dirty(self, story_ids: Sequence[str] | None = None) -> None:
        with self._pg.transaction():
            if story_ids is None:
                self._pg.execute("UPDATE story_profiles SET dirty = false WHERE dirty")
            else:
                self._pg.execute("UPDATE story_profiles SET dirty = false "
                                 "WHERE story_id = ANY(%s)", (list(story_ids),))

    def story_profiles(self, story_ids: Sequence[str]) -> dict[str, StoryProfile]:
        """Profiles of ``story_ids`` (those that exist)."""
        ids = list(story_ids)
        entities: dict[str, dict[str, float]] = defaultdict(dict)
        for story, entity, weight in self._pg.rows(
                "SELECT story_id, entity_id, weight FROM story_entities "
                "WHERE story_id = ANY(%s)", (ids,)):
            entities[story][entity] = float(weight)
        return {story: StoryProfile(story, unit(np.frombuffer(blob, dtype=np.float64)),
                                    entities.get(story, {}))
                for story, blob in self._pg.rows(
                    "SELECT story_id, vector_sum FROM story_profiles WHERE story_id = ANY(%s)",
                    (ids,))}

    def story_entity_frequency(self, entity_ids: Sequence[str]) -> dict[str, int]:
        """In how many stories each entity occurs (among independent members)."""
        return {r[0]: int(r[1]) for r in self._pg.rows(
            "SELECT entity_id, COUNT(*) FROM story_entities WHERE entity_id = ANY(%s) "
            "GROUP BY entity_id", (list(entity_ids),))}

    def profiled_stories(self) -> int:
        return int(self._pg.value("SELECT COUNT(*) FROM story_profiles"))

    def stories_with_entity(self, entity_id: str, limit: int) -> list[str]:
        """The ``limit`` stories that took up ``entity_id`` last, newest first."""
        return [r[0] for r in self._pg.rows(
            "SELECT story_id FROM story_entities WHERE entity_id = %s ORDER BY seq DESC "
            "LIMIT %s", (entity_id, limit))]

    def storylines_for(self, story_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """Story → (storyline id, created_seq) for stories that have a line."""
        return {r[0]: (r[1], int(r[2])) for r in self._pg.rows(
            "SELECT id, storyline_id, created_seq FROM stories WHERE id = ANY(%s) "
            "AND storyline_id IS NOT NULL", (list(story_ids),))}

    def has_storylines(self) -> bool:
        return self._pg.one("SELECT 1 FROM storylines LIMIT 1") is not None

    def storyline_stories(self) -> dict[str, list[str]]:
        """Storyline → its live stories, oldest first."""
        found: dict[str, list[str]] = defaultdict(list)
        for line, story in self._pg.rows(
                "SELECT storyline_id, id FROM stories WHERE storyline_id IS NOT NULL AND "
                "merged_into IS NULL ORDER BY created_seq, id"):
            found[line].append(story)
        return dict(found)

    def resolve_story(self, story_id: str) -> str:
        """The live story ``story_id`` is now (merges followed; an unknown id unchanged),
        in one recursive query that stops at a repeat, so a damaged store cannot hang."""
        row = self._pg.one(
            "WITH RECURSIVE chain(id, depth, path) AS ("
            " SELECT %s::text, 0, ARRAY[%s::text]"
            " UNION ALL SELECT s.merged_into, c.depth + 1, c.path || s.merged_into"
            " FROM chain c JOIN stories s ON s.id = c.id"
            " WHERE s.merged_into IS NOT NULL AND s.merged_into <> ALL(c.path))"
            " SELECT id FROM chain ORDER BY depth DESC LIMIT 1", (story_id, story_id))
        return str(row[0]) if row else story_id

    def story_created(self, story_ids: Sequence[str]) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self._pg.rows(
            "SELECT id, created_seq FROM stories WHERE id = ANY(%s)", (list(story_ids),))}

    def entity_names(self, entity_ids: Sequence[str]) -> dict[str, str]:
        return {r[0]: r[1] for r in self._pg.rows(
            "SELECT id, name FROM entities WHERE id = ANY(%s) AND " + CONFIRMED_SQL,
            (list(entity_ids),))}

    def storyline_members(self, line_id: str) -> list[tuple[str, int]]:
        """Live stories of one storyline with their created_seq, oldest first."""
        return [(r[0], int(r[1])) for r in self._pg.rows(
            "SELECT id, created_seq FROM stories WHERE storyline_id = %s AND merged_into IS "
            "NULL ORDER BY created_seq, id", (line_id,))]

    def save_storyline_changes(self, assign: dict[str, str], labels: dict[str, str],
                               retired: Mapping[str, str]) -> None:
        """Incremental storyline update in one transaction (see the SQLite store)."""
        with self._pg.transaction():
            self._pg.many("UPDATE stories SET storyline_id = %s WHERE id = %s",
                          [(line, story) for story, line in assign.items()])
            self._pg.execute("DELETE FROM storylines WHERE id = ANY(%s)", (list(retired),))
            self._redirect_storylines(retired, labels)
            self._pg.many("INSERT INTO storylines VALUES (%s, %s) ON CONFLICT (id) DO UPDATE "
                          "SET label = EXCLUDED.label", list(labels.items()))
            self._pg.execute("UPDATE story_profiles SET dirty = false WHERE dirty")
            self._relist_storylines(list(assign), [*assign.values(), *labels, *retired])
