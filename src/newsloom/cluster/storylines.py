"""Storylines: stories chained by the same actors and theme developing over time.

Two stories are linked when they share *distinctive* actors that lead one of them (rarity
across stories, so "Huawei" in a corpus about Huawei links nothing by itself, while AT&T in
two stories does; a wire agency mentioned in passing does not) and their centroids are on one
theme. Linked stories are joined with union-find, but two storylines join only when their
whole profiles agree (:func:`lines_agree`), so one link between two of their stories cannot
chain two subjects. Every story belongs to exactly one storyline (a lone story is its own).
Deterministic: stories are visited in creation order and ids derive from the first story.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from newsloom.model import Storyline, StoryProfile

#: Rarity (ln of stories over stories naming it) from which an entity is distinctive: it is
#: in at most half the stories.
DISTINCTIVE_RARITY = math.log(2)
#: Minimum :func:`shared_lead`: e.g. an actor in a third of the stories (rarity ln 3) at a
#: third of one story's top salience.
LINK_SHARED_LEAD = 0.4
#: Minimum cosine between story centroids: the same theme, not just the same names.
LINK_COSINE = 0.5
LABEL_ENTITIES = 3
#: Candidate stories per shared entity: the most recent ones. Chains through union-find
#: still reach older stories, and the cost stays linear in the number of stories.
RECENT_PER_ENTITY = 200


def storyline_id_for(story_id: str) -> str:
    return "l" + hashlib.sha256(story_id.encode()).hexdigest()[:11]


def rarity_weights(document_frequency: Mapping[str, int], stories: int) -> dict[str, float]:
    """idf over stories without smoothing: an entity in every story weighs nothing."""
    return {key: math.log(stories / count) for key, count in document_frequency.items()
            if count > 0}


def _rarity(profiles: Sequence[StoryProfile]) -> dict[str, float]:
    return rarity_weights(Counter(key for p in profiles for key in p.entities), len(profiles))


def shared_lead(a: StoryProfile, b: StoryProfile, rarity: Mapping[str, float],
                both: bool = False) -> float:
    """How strongly two stories share distinctive actors: over the entities both name that
    are in at most half the stories, their rarity times the larger of their two saliences
    (relative to each story's top entity; with ``both``, the smaller: the actor must matter
    to each side). An actor that leads one story and appears in the other counts; a generic
    entity ("Huawei" or "United States" in a Huawei corpus, however many) counts nothing, and
    a passing mention (a wire agency) hardly anything."""
    top_a = max(a.entities.values(), default=0.0)
    top_b = max(b.entities.values(), default=0.0)
    if not top_a or not top_b:
        return 0.0
    pick = min if both else max
    return sum(rarity[key] * pick(a.entities[key] / top_a, b.entities[key] / top_b)
               for key in a.entities.keys() & b.entities.keys()
               if rarity.get(key, 0.0) >= DISTINCTIVE_RARITY)


def linked(a: StoryProfile, b: StoryProfile, rarity: Mapping[str, float]) -> bool:
    """Whether two stories belong to one storyline: one theme (centroid cosine) and
    distinctive actors in common (:func:`shared_lead`)."""
    return (float(np.dot(a.centroid, b.centroid)) >= LINK_COSINE
            and shared_lead(a, b, rarity) >= LINK_SHARED_LEAD)


def storyline_label(profiles: Iterable[StoryProfile], rarity: Mapping[str, float]) -> list[str]:
    """Dominant entities of a storyline's stories: salience (relative to each story's top
    entity) weighted by rarity, a little weight kept for entities found everywhere."""
    weight: dict[str, float] = {}
    for profile in profiles:
        top = max(profile.entities.values(), default=1.0)
        for key, salience in profile.entities.items():
            weight[key] = weight.get(key, 0.0) + salience / top * (rarity.get(key, 0.0) + 0.1)
    label = [key for key, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))]
    return label[:3 * LABEL_ENTITIES]  # ranked; the label shows the first worthy names


def _calendar_words() -> frozenset[str]:
    """Month and weekday names (CLDR), loaded on first use: Babel's tables are not small."""
    from newsloom.text.calendars import calendar_words

    return calendar_words()


def label_worthy(name: str) -> bool:
    """Whether an entity name may stand in a storyline label: not a weekday, month, year or
    date, not punctuation or a tokenizer leftover ("-RRB-"), not a bare word like "New"."""
    words = name.split()
    if not words or not any(c.isalpha() for c in name):
        return False
    if name.startswith("-") and name.endswith("-"):  # PTB brackets: -LRB-, -RRB-
        return False
    calendar = _calendar_words()
    if any(w.lower().strip(".,") in calendar or any(c.isdigit() for c in w) for w in words):
        return False
    return len(name) > 3 or name.isupper()  # "New", "Fri" read as words; "EU", "MTS" stay


def label_text(keys: Iterable[str], names: Mapping[str, str], limit: int = LABEL_ENTITIES
               ) -> str:
    """A storyline's label from its ranked entity keys: the first ``limit`` worthy names
    among those ``names`` has (the listed entities: one no second article confirms, such as
    a headline fragment, stays out)."""
    shown = [n for n in (names.get(k) for k in keys) if n is not None and label_worthy(n)]
    shown = shown[:limit]
    return " · ".join(shown) or "(unlabelled)"


class LineProfile:
    """A growing storyline as one profile: its stories' centroids and entity weights summed
    (each story's entities scaled to its own top entity, so one long story does not drown
    the others). Two storylines join only when these whole profiles are linked, so one
    link between two of their stories through a generic actor cannot chain two subjects."""

    def __init__(self, profile: StoryProfile) -> None:
        self.id = profile.story_id
        self.stories = 1
        self.vector = np.asarray(profile.centroid, dtype=np.float64).copy()
        top = max(profile.entities.values(), default=1.0) or 1.0
        self.entities: dict[str, float] = {k: v / top for k, v in profile.entities.items()}

    def absorb(self, other: LineProfile) -> None:
        self.stories += other.stories
        self.vector += other.vector
        for key, weight in other.entities.items():
            self.entities[key] = self.entities.get(key, 0.0) + weight

    def profile(self) -> StoryProfile:
        norm = float(np.linalg.norm(self.vector)) or 1.0
        return StoryProfile(self.id, (self.vector / norm).astype(np.float32), self.entities)


def lines_agree(a: LineProfile, b: LineProfile, rarity: Mapping[str, float]) -> bool:
    """Whether two storylines (or a story and a storyline) may join: two single stories need
    only their link; otherwise the whole profiles must be on one theme and share actors that
    matter to both sides (:func:`shared_lead` with ``both``)."""
    if a.stories == 1 and b.stories == 1:
        return True
    pa, pb = a.profile(), b.profile()
    return (float(np.dot(pa.centroid, pb.centroid)) >= LINK_COSINE
            and shared_lead(pa, pb, rarity, both=True) >= LINK_SHARED_LEAD)


def link_storylines(profiles: Sequence[StoryProfile]) -> list[Storyline]:
    """Group stories (given in creation order) into storylines."""
    rarity = _rarity(profiles)
    parent = list(range(len(profiles)))
    lines = {i: LineProfile(p) for i, p in enumerate(profiles)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = {}
    for i, a in enumerate(profiles):
        candidates: set[int] = set()
        for key in a.entities:
            if rarity.get(key, 0.0) > 0.0:
                seen = postings.setdefault(key, [])
                candidates.update(seen[-RECENT_PER_ENTITY:])
                seen.append(i)
        for j in sorted(candidates):
            if linked(a, profiles[j], rarity):
                root_i, root_j = find(i), find(j)
                if root_i != root_j and lines_agree(lines[root_i], lines[root_j], rarity):
                    older, younger = min(root_i, root_j), max(root_i, root_j)
                    parent[younger] = older  # older root survives
                    lines[older].absorb(lines.pop(younger))
    groups: dict[int, list[int]] = {}
    for i in range(len(profiles)):
        groups.setdefault(find(i), []).append(i)
    return [Storyline(storyline_id_for(profiles[root].story_id),
                      [profiles[i].story_id for i in members],
                      storyline_label((profiles[i] for i in members), rarity))
            for root, members in sorted(groups.items())]
