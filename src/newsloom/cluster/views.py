"""Read models of stories and storylines. How a story and a storyline are listed is defined in
:mod:`newsloom.store.listing` (every store backend keeps its read model equal to it) and
re-exported here; a story's profile (centroid and entity weights) is the clusterer's own view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from newsloom.model import MemberEntity, MemberRow, StoryProfile
from newsloom.store.listing import (
    KEY_ENTITIES,
    build_story,
    build_storyline,
    entities_by_article,
    known_outlets,
    members_by_story,
)

__all__ = ["KEY_ENTITIES", "build_story", "build_storyline", "entities_by_article",
           "known_outlets", "members_by_story", "story_profile"]


def story_profile(story_id: str, members: Sequence[MemberRow],
                  entities: Sequence[MemberEntity], vectors: dict[str, np.ndarray]
                  ) -> StoryProfile:
    independent = [m.article_id for m in members if m.duplicate_of is None]
    stacked = np.array([vectors[a] for a in independent if a in vectors], dtype=np.float32)
    centroid = stacked.mean(axis=0) if len(stacked) else np.zeros(1, dtype=np.float32)
    norm = float(np.linalg.norm(centroid)) or 1.0
    weights: dict[str, float] = defaultdict(float)
    for item in entities:
        if item.article_id in independent:
            weights[item.entity.id] += item.salience
    return StoryProfile(story_id, (centroid / norm).astype(np.float32), dict(weights))
