"""Story profiles kept up to date per corpus batch (migration 7), so storylines can be relinked
for the stories a batch touched instead of being recomputed from every article.

A story's profile is what :func:`newsloom.cluster.views.story_profile` derives from its
independent (non-duplicate) members: the sum of their unit vectors and their summed entity
salience. Both are sums, so a batch adds its articles and a merge adds one story to another;
``dirty`` marks stories changed since the storylines were last updated. A store that had
stories before the migration gets profiles rebuilt from its members on first use.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from newsloom.model import StoryProfile
from newsloom.store.profile_sums import ProfileSums, profile_sums, unit
from newsloom.store.rows import CONFIRMED_SQL
from newsloom.store.sqlite.storyline_redirects import StorylineRedirectTables

if TYPE_CHECKING:
    from newsloom.store.ports import FeatureRow

#: Host parameters per IN (...) query; SQLite's default limit is 32,766.
_CHUNK = 900


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class StoryProfileTables(StorylineRedirectTables):
    """Reads and writes of ``story_profiles`` and ``story_entities``."""

    _db: sqlite3.Connection
    _relist_storylines: Callable[[Sequence[str] | None, Iterable[str]], None]  # readmodel.py

    # -- writes, inside the corpus batch's transaction ----------------------------------------
    def _add_to_profiles(self, rows: Sequence[FeatureRow]) -> None:
        sums = profile_sums(rows)
        for story, vector in sums.vectors.items():
            self._add_profile(story, vector, sums.members[story])
        self._db.executemany(
            "INSERT INTO story_entities VALUES (?,?,?) ON CONFLICT(story_id, entity_id) "
            "DO UPDATE SET weight = weight + excluded.weight",
            [(story, entity, weight) for (story, entity), weight in sums.weights.items()])

    def _add_profile(self, story: str, vector: np.ndarray | None, members: int) -> None:
        row = self._db.execute("SELECT vector_sum, members FROM story_profiles "
                               "WHERE story_id=?", (story,)).fetchone()
        if row is None:
            total = vector
        elif row[0] is None or vector is None:  # not rebuilt yet: stays unknown until it is
            total = None
        else:
            total = np.frombuffer(row[0], dtype=np.float64) + vector
        blob = None if total is None else np.asarray(total, dtype=np.float64).tobytes()
        self._db.execute(
            "INSERT INTO story_profiles VALUES (?,?,?,1) ON CONFLICT(story_id) DO UPDATE SET "
            "vector_sum=excluded.vector_sum, members=members + excluded.members, dirty=1",
            (story, blob, members))

    def _merge_profiles(self, survivor: str, merged: str) -> None:
        row = self._db.execute("SELECT vector_sum, members FROM story_profiles "
                               "WHERE story_id=?", (merged,)).fetchone()
        if row is not None:
            vector = None if row[0] is None else np.frombuffer(row[0], dtype=np.float64)
            self._add_profile(survivor, vector, int(row[1]))
            self._db.execute("DELETE FROM story_profiles WHERE story_id=?", (merged,))
        self._db.execute(
            "INSERT INTO story_entities SELECT ?, entity_id, weight FROM story_entities "
            "WHERE story_id=? ON CONFLICT(story_id, entity_id) "
            "DO UPDATE SET weight = weight + excluded.weight", (survivor, merged))
        self._db.execute("DELETE FROM story_entities WHERE story_id=?", (merged,))

    def _rebuild_profiles(self, story_ids: Sequence[str]) -> None:
        """Recompute stories' profiles from their current members (after a split moved
        articles between them)."""
        marks = _marks(story_ids)
        self._db.execute(f"DELETE FROM story_profiles WHERE story_id IN ({marks})", story_ids)
        self._db.execute(f"DELETE FROM story_entities WHERE story_id IN ({marks})", story_ids)
        sums = ProfileSums()
        for story, blob in self._db.execute(
                f"SELECT story_id, vector FROM article_features WHERE duplicate_of IS NULL "
                f"AND story_id IN ({marks})", story_ids):
            sums.add_vector(story, np.frombuffer(blob, dtype=np.float32))
        for story, vector in sums.vectors.items():
            self._add_profile(story, vector, sums.members[story])
        self._db.execute(
            f"INSERT INTO story_entities SELECT f.story_id, ae.entity_id, SUM(ae.salience) "
            f"FROM article_entities ae JOIN article_features f ON f.article_id = ae.article_id "
            f"WHERE f.duplicate_of IS NULL AND f.story_id IN ({marks}) "
            f"GROUP BY f.story_id, ae.entity_id", story_ids)

    # -- reads ---------------------------------------------------------------------------------
    def dirty_stories(self) -> list[str]:
        """Live stories changed since the storylines were last updated, oldest first."""
        self._rebuild_missing_profiles()
        return [r[0] for r in self._db.execute(
            "SELECT p.story_id FROM story_profiles p JOIN stories s ON s.id = p.story_id "
            "WHERE p.dirty = 1 AND s.merged_into IS NULL ORDER BY s.created_seq, s.id")]

    def clear_dirty(self, story_ids: Sequence[str] | None = None) -> None:
        with self._write():
            if story_ids is None:
                self._db.execute("UPDATE story_profiles SET dirty=0 WHERE dirty=1")
                return
            for i in range(0, len(story_ids), _CHUNK):
                chunk = list(story_ids[i:i + _CHUNK])
                self._db.execute(f"UPDATE story_profiles SET dirty=0 WHERE story_id IN "
                                 f"({_marks(chunk)})", chunk)

    def story_profiles(self, story_ids: Sequence[str]) -> dict[str, StoryProfile]:
        """Profiles of ``story_ids`` (those that exist)."""
        self._rebuild_missing_profiles()
        centroids: dict[str, np.ndarray] = {}
        entities: dict[str, dict[str, float]] = defaultdict(dict)
        for i in range(0, len(story_ids), _CHUNK):
            chunk = list(story_ids[i:i + _CHUNK])
            for story, blob in self._db.execute(
                    f"SELECT story_id, vector_sum FROM story_profiles WHERE story_id IN "
                    f"({_marks(chunk)})", chunk):
                centroids[story] = unit(np.frombuffer(blob, dtype=np.float64))
            for story, entity, weight in self._db.execute(
                    f"SELECT story_id, entity_id, weight FROM story_entities WHERE story_id IN "
                    f"({_marks(chunk)})", chunk):
                entities[story][entity] = float(weight)
        return {s: StoryProfile(s, c, entities.get(s, {})) for s, c in centroids.items()}

    def story_entity_frequency(self, entity_ids: Sequence[str]) -> dict[str, int]:
        """In how many stories each entity occurs (among independent members)."""
        found: dict[str, int] = {}
        for i in range(0, len(entity_ids), _CHUNK):
            chunk = list(entity_ids[i:i + _CHUNK])
            found.update((r[0], int(r[1])) for r in self._db.execute(
                f"SELECT entity_id, COUNT(*) FROM story_entities WHERE entity_id IN "
                f"({_marks(chunk)}) GROUP BY entity_id", chunk))
        return found

    def profiled_stories(self) -> int:
        """Live stories (a merged story's profile is folded into its survivor's)."""
        return int(self._db.execute("SELECT COUNT(*) FROM story_profiles").fetchone()[0])

    def stories_with_entity(self, entity_id: str, limit: int) -> list[str]:
        """The ``limit`` stories that took up ``entity_id`` last (an index walk, newest
        first): the bounded candidate list of incremental storyline linking."""
        return [r[0] for r in self._db.execute(
            "SELECT story_id FROM story_entities WHERE entity_id=? ORDER BY rowid DESC "
            "LIMIT ?", (entity_id, limit))]

    def storylines_for(self, story_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """Story → (storyline id, created_seq of the story) for stories that have a line."""
        found: dict[str, tuple[str, int]] = {}
        for i in range(0, len(story_ids), _CHUNK):
            chunk = list(story_ids[i:i + _CHUNK])
            found.update((r[0], (r[1], int(r[2]))) for r in self._db.execute(
                f"SELECT id, storyline_id, created_seq FROM stories WHERE id IN "
                f"({_marks(chunk)}) AND storyline_id IS NOT NULL", chunk))
        return found

    def has_storylines(self) -> bool:
        return self._db.execute("SELECT 1 FROM storylines LIMIT 1").fetchone() is not None

    def storyline_stories(self) -> dict[str, list[str]]:
        """Storyline → its live stories, oldest first (one indexed pass over stories)."""
        found: dict[str, list[str]] = defaultdict(list)
        for line, story in self._db.execute(
                "SELECT storyline_id, id FROM stories WHERE storyline_id IS NOT NULL AND "
                "merged_into IS NULL ORDER BY created_seq, id"):
            found[line].append(story)
        return dict(found)

    def resolve_story(self, story_id: str) -> str:
        """The live story ``story_id`` is now: merges are followed (a merged story's
        ``merged_into`` names its survivor, which may itself have merged later). An id the
        store does not know comes back unchanged, so callers report it as unknown. This is the
        one read-side "follow the merge": the API, pages, timelines, summaries and search
        filters all call it."""
        seen = {story_id}
        current = story_id
        while True:
            row = self._db.execute("SELECT merged_into FROM stories WHERE id=?",
                                   (current,)).fetchone()
            # A cycle cannot be written (a split revives an id by clearing merged_into), but a
            # damaged store must not hang a reader.
            if row is None or not row[0] or row[0] in seen:
                return current
            current = str(row[0])
            seen.add(current)

    def story_created(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Story → created_seq (the sequence number of its first article)."""
        found: dict[str, int] = {}
        for i in range(0, len(story_ids), _CHUNK):
            chunk = list(story_ids[i:i + _CHUNK])
            found.update((r[0], int(r[1])) for r in self._db.execute(
                f"SELECT id, created_seq FROM stories WHERE id IN ({_marks(chunk)})", chunk))
        return found

    def entity_names(self, entity_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for i in range(0, len(entity_ids), _CHUNK):
            chunk = list(entity_ids[i:i + _CHUNK])
            found.update((r[0], r[1]) for r in self._db.execute(
                f"SELECT id, name FROM entities WHERE id IN ({_marks(chunk)}) "
                f"AND {CONFIRMED_SQL}", chunk))
        return found

    def storyline_members(self, line_id: str) -> list[tuple[str, int]]:
        """Live stories of one storyline with their created_seq, oldest first."""
        return [(r[0], int(r[1])) for r in self._db.execute(
            "SELECT id, created_seq FROM stories WHERE storyline_id=? AND merged_into IS NULL "
            "ORDER BY created_seq, id", (line_id,))]

    def save_storyline_changes(self, assign: dict[str, str], labels: dict[str, str],
                               retired: Mapping[str, str]) -> None:
        """Incremental storyline update in one transaction: story → line assignments, labels
        of the lines that changed, lines absorbed by others (``retired``: line → the line
        that absorbed it) removed and redirected; profiles made clean."""
        with self._write():
            self._db.executemany("UPDATE stories SET storyline_id=? WHERE id=?",
                                 [(line, story) for story, line in assign.items()])
            self._db.executemany("DELETE FROM storylines WHERE id=?", [(r,) for r in retired])
            self._redirect_storylines(retired, labels)
            self._db.executemany(
                "INSERT INTO storylines VALUES (?,?) ON CONFLICT(id) DO UPDATE SET "
                "label=excluded.label", list(labels.items()))
            self._db.execute("UPDATE story_profiles SET dirty=0 WHERE dirty=1")
            self._relist_storylines(list(assign), [*assign.values(), *labels, *retired])

    # -- rebuild (stores from before migration 7) ----------------------------------------------
    def _rebuild_missing_profiles(self) -> None:
        stale = [r[0] for r in self._db.execute(
            "SELECT story_id FROM story_profiles WHERE vector_sum IS NULL")]
        if not stale:
            return
        with self._write():
            for i in range(0, len(stale), _CHUNK):
                chunk = stale[i:i + _CHUNK]
                sums: dict[str, np.ndarray] = {}
                for story, blob in self._db.execute(
                        f"SELECT story_id, vector FROM article_features WHERE duplicate_of IS "
                        f"NULL AND story_id IN ({_marks(chunk)})", chunk):
                    vector = np.frombuffer(blob, dtype=np.float32).astype(np.float64)
                    sums[story] = sums[story] + vector if story in sums else vector
                self._db.executemany(
                    "UPDATE story_profiles SET vector_sum=? WHERE story_id=?",
                    [(vector.tobytes(), story) for story, vector in sums.items()])
