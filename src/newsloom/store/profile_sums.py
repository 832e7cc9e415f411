"""What a batch of feature rows adds to the story profiles, the same for every backend (the
SQLite and PostgreSQL stores keep the sums; store/sqlite/profiles.py says why they are sums)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from newsloom.store.records import FeatureRow


@dataclass
class ProfileSums:
    """What a batch of feature rows adds to story profiles: per story the sum of its
    independent members' vectors (float64) and their count, per (story, entity) the summed
    salience."""

    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    weights: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))

    def add_vector(self, story: str, vector: np.ndarray) -> None:
        vector = np.asarray(vector, dtype=np.float64)
        self.vectors[story] = self.vectors[story] + vector if story in self.vectors else vector
        self.members[story] += 1


def profile_sums(rows: Sequence[FeatureRow]) -> ProfileSums:
    sums = ProfileSums()
    for row in rows:
        if row.duplicate_of is not None:
            continue
        sums.add_vector(row.story_id, row.vector)
        for entity in row.entities:
            sums.weights[row.story_id, entity.entity_id] += entity.salience
    return sums


def unit(vector_sum: np.ndarray) -> np.ndarray:
    """A story's centroid from its vector sum."""
    norm = float(np.linalg.norm(vector_sum)) or 1.0
    return (vector_sum / norm).astype(np.float32)
