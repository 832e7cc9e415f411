"""Incremental (streaming) clustering of articles into stories: one story = one event.

A new article is compared with the stories its nearest neighbours (ANN over event embeddings)
belong to, **as wholes**: its link to a story is the mean same-event probability
(:mod:`newsloom.cluster.scoring`) over the story's members (all of them, or an evenly spread
sample of a large story), so one similar article cannot pull it into an unrelated story. It
joins the best story whose mean reaches :data:`JOIN_PROBABILITY` and that it fits in time
(:func:`within_time_bound`: stated dates within :data:`MAX_STORY_DAYS` of their common median,
spanning at most twice that; an event's coverage lasts days to weeks, and months of coverage of
a subject are a storyline of several stories); otherwise it starts a new story.

Two stories merge only when they agree as wholes (their average link reaches the join bound and
their median dates fit the time bound), never because one article links to both. A story that
has lost coherence **splits**: at sizes 8, 16, 32 and 64 its members are regrouped by average
link; every group of two or more that is not the largest leaves as a new story, the largest
keeps the id, and each moved article is logged as a ``split`` event.

Deterministic: articles are taken in the order given, rarity is counted only over the articles
before, and story ids derive from each story's first article. So clustering a corpus in one
batch or in many gives the same stories, and re-running gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from newsloom.cluster.neighbours import NeighbourIndex
from newsloom.cluster.scoring import (
    IdfWeights,
    PairModel,
    corpus_centre,
    features,
    idf_weights,
    shipped_model,
    term_weights,
)
from newsloom.model import ClusterEvent, Evidence
from newsloom.settings import settings

#: A story absorbs an article whose mean link to it is at least this probability: the pair
#: model is calibrated, so "more likely the same event than not".
JOIN_PROBABILITY = 0.5
#: A candidate story is linked as a whole only when one of its neighbouring members reaches
#: this probability (cheap pre-filter: most neighbours of a new event are other events).
CANDIDATE_PROBABILITY = 0.2
#: Members a story is compared through (all of a smaller story; an even spread of a larger).
LINK_SAMPLE = 16
#: How far, in days, a member's stated publication date may lie from the median of its
#: story's stated dates (and those span at most twice that): an event's coverage lasts days
#: to weeks, so a story spans a few weeks at most.
MAX_STORY_DAYS = 21
#: Story sizes at which coherence is checked (and the story split if it has lost it).
SPLIT_CHECK_SIZES = frozenset({8, 16, 32, 64})


def _stated(evidence: Evidence) -> date | None:
    found = evidence.event_date
    return found.value if found is not None and found.basis == "published" else None


def within_time_bound(sides: Sequence[Sequence[date]]) -> bool:
    """Whether groups of reports (each its sorted stated dates) may form one story in time:
    each group lies, by its own median (robust to one misdated member), within
    :data:`MAX_STORY_DAYS` of the median of all their dates together, and those dates span
    at most twice that. So two reports may lie up to twice the bound apart, as in any larger
    story; and since the median moves as a story grows, the span keeps a story from creeping
    across months by it. Undated groups do not count: only stated dates bound a story
    (dates named in a text are often background, an earlier event)."""
    dated = [side for side in sides if side]
    if len(dated) < 2:
        return True
    combined = sorted(d for side in dated for d in side)
    first = combined[0]
    offsets = [(d - first).days for d in combined]
    middle = (offsets[(len(offsets) - 1) // 2] + offsets[len(offsets) // 2]) / 2
    return (offsets[-1] <= 2 * MAX_STORY_DAYS
            and all(abs((side[(len(side) - 1) // 2] - first).days - middle) <= MAX_STORY_DAYS
                    for side in dated))


def story_id_for(article_id: str) -> str:
    return "s" + hashlib.sha256(article_id.encode()).hexdigest()[:11]


def spread(items: Sequence[str], k: int) -> list[str]:
    """At most ``k`` items spread evenly over ``items``, first and last included."""
    if len(items) <= k:
        return list(items)
    step = (len(items) - 1) / (k - 1)
    return [items[round(i * step)] for i in range(k)]


def average_link_groups(size: int, probability: Callable[[int, int], float],
                        threshold: float) -> list[list[int]]:
    """Average-link agglomerative clustering of ``size`` items: join the two closest groups
    while their mean pairwise probability reaches ``threshold`` (ties: the first pair).
    Groups come out in order of their first item. Each pair is scored once; group links are
    kept as sums (Lance-Williams), so a merge costs one row update."""
    sums = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            sums[i][j] = sums[j][i] = probability(i, j)
    groups: dict[int, list[int]] = {i: [i] for i in range(size)}
    while len(groups) > 1:
        live = sorted(groups)
        best, pair = -1.0, (0, 0)
        for x, a in enumerate(live):
            for b in live[x + 1:]:
                mean = sums[a][b] / (len(groups[a]) * len(groups[b]))
                if mean > best:
                    best, pair = mean, (a, b)
        if best < threshold:
            break
        a, b = pair
        for c in range(size):
            sums[a][c] += sums[b][c]
            sums[c][a] = sums[a][c]
        groups[a] = sorted(groups[a] + groups.pop(b))
    return sorted(groups.values(), key=lambda g: g[0])


@dataclass
class StoryClusterer:
    """Stateful clusterer; ``load`` fetches evidence of earlier articles on demand."""

    index: NeighbourIndex
    load: Callable[[list[str]], dict[str, Evidence]] | None = None
    model: PairModel | None = None  # None: the shipped model
    join_probability: float = JOIN_PROBABILITY
    #: Nearest neighbours examined per article; their stories are the candidates.
    neighbours: int = field(default_factory=lambda: settings().ann_neighbours)
    story_of: dict[str, str] = field(default_factory=dict)  # article id → story id
    keys: dict[int, str] = field(default_factory=dict)  # index key → article id
    entity_df: Counter[str] = field(default_factory=Counter)
    term_df: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    vector_sum: np.ndarray | None = None  # sum of every clustered article's vector
    created: dict[str, int] = field(default_factory=dict)  # story id → key of first article
    redirects: dict[str, str] = field(default_factory=dict)  # merged story → survivor
    _evidence: dict[str, Evidence] = field(default_factory=dict)
    _members: dict[str, list[str]] | None = None
    _key_of: dict[str, int] = field(default_factory=dict)
    _dates_of: dict[str, list[date]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._key_of = {a: k for k, a in self.keys.items()}

    # -- state ---------------------------------------------------------------------------------
    def resolve(self, story_id: str) -> str:
        while story_id in self.redirects:
            story_id = self.redirects[story_id]
        return story_id

    @property
    def members(self) -> dict[str, list[str]]:
        """Story id → member article ids in insertion order (built once from ``story_of``)."""
        if self._members is None:
            members: dict[str, list[str]] = {}
            for article in sorted(self.story_of, key=lambda a: self._key_of.get(a, 0)):
                members.setdefault(self.resolve(self.story_of[article]), []).append(article)
            self._members = members
        return self._members

    def _evidence_for(self, ids: Iterable[str]) -> dict[str, Evidence]:
        ids = list(ids)
        missing = [i for i in ids if i not in self._evidence]
        if missing and self.load is not None:
            self._evidence.update(self.load(missing))
        return {i: self._evidence[i] for i in ids if i in self._evidence}

    # -- scoring -------------------------------------------------------------------------------
    def _scorer(self) -> Callable[[Evidence, Evidence], float]:
        """Pair probability with rarity counted over the articles so far (fixed for the
        duration of one decision)."""
        model = self.model or shipped_model()
        entity_idf = idf_weights(self.entity_df, self.documents) if self.documents else None
        term_idf: IdfWeights = idf_weights(self.term_df, self.documents)
        centre = corpus_centre(self.vector_sum, self.documents)
        vectors: dict[str, dict[str, float]] = {}

        def weighted(e: Evidence) -> dict[str, float]:
            if e.article_id not in vectors:
                vectors[e.article_id] = term_weights(e.terms, term_idf)
            return vectors[e.article_id]

        def score(a: Evidence, b: Evidence) -> float:
            return model.probability(features(a, b, entity_idf, term_idf,
                                              (weighted(a), weighted(b)), centre))
        return score

    def _dates(self, story: str) -> list[date]:
        """Sorted stated publication dates of a story's members (cached). Only stated dates
        bound a story: dates named in a text are often background (an earlier event)."""
        if story not in self._dates_of:
            self._dates_of[story] = sorted(
                d for e in self._evidence_for(self.members.get(story, [])).values()
                if (d := _stated(e)) is not None)
        return self._dates_of[story]

    def _stated_of(self, article: str) -> list[date]:
        evidence = self._evidence.get(article)
        found = _stated(evidence) if evidence is not None else None
        return [found] if found is not None else []

    def _link(self, score: Callable[[Evidence, Evidence], float], items: Sequence[str],
              story: str) -> float:
        """Mean probability between ``items`` and a sample of ``story``'s members."""
        known = self._evidence_for(list(items) + spread(self.members[story], LINK_SAMPLE))
        left = [known[i] for i in items if i in known]
        right = [known[i] for i in spread(self.members[story], LINK_SAMPLE) if i in known]
        if not left or not right:
            return 0.0
        return sum(score(a, b) for a in left for b in right) / (len(left) * len(right))

    # -- clustering ----------------------------------------------------------------------------
    def add(self, key: int, evidence: Evidence, duplicate_of: str | None = None
            ) -> list[ClusterEvent]:
        """Cluster one article; returns what happened, in order."""
        article = evidence.article_id
        if article in self.story_of:
            return []
        members = self.members  # built from story_of before this article enters it
        self._evidence[article] = evidence
        if duplicate_of is not None and duplicate_of in self.story_of:
            story = self.resolve(self.story_of[duplicate_of])
            events = [ClusterEvent("join", story, article, score=1.0)]
        else:
            events = self._place(evidence)
        story = events[0].story_id
        self.story_of[article] = story
        self._key_of[article] = key
        self.created.setdefault(story, key)
        members.setdefault(story, []).append(article)
        for event in events[1:]:  # merges: fold the merged story's members in
            if event.kind == "merge" and event.other_story_id:
                folded = self.members.pop(event.other_story_id, [])
                self.members[story] = sorted(self.members[story] + folded,
                                             key=lambda a: self._key_of.get(a, 0))
                self._dates_of.pop(event.other_story_id, None)
        self._dates_of.pop(story, None)  # recomputed from members when next needed
        self._remember(key, evidence)
        if len(self.members[story]) in SPLIT_CHECK_SIZES:
            events.extend(self._split(story))
        return events

    def _place(self, evidence: Evidence) -> list[ClusterEvent]:
        article = evidence.article_id
        score = self._scorer()
        hits = [self.keys[k] for k, _ in self.index.search(evidence.vector, self.neighbours)
                if k in self.keys]
        known = self._evidence_for(hits)
        candidates: dict[str, float] = {}
        for other in hits:
            if other in known:
                story = self.resolve(self.story_of[other])
                p = score(evidence, known[other])
                candidates[story] = max(candidates.get(story, 0.0), p)
        scored = sorted(((self._link(score, [article], story), story)
                         for story, best in candidates.items()
                         if best >= CANDIDATE_PROBABILITY
                         and within_time_bound([self._dates(story),
                                                self._stated_of(article)])),
                        key=lambda x: (-x[0], x[1]))
        if not scored or scored[0][0] < self.join_probability:
            return [ClusterEvent("create", story_id_for(article), article)]
        best_score, best = scored[0]
        events = [ClusterEvent("join", best, article, score=round(best_score, 4))]
        # The stated dates gathered so far: the story joined, the article, and each story
        # merged in (a merge is bounded by all of them, not by the joined story alone).
        gathered = sorted(self._dates(best) + self._stated_of(article))
        for link, other in scored[1:]:
            if link < self.join_probability:
                break
            whole = self._link(score, spread(self.members[best] + [article], LINK_SAMPLE),
                               other)
            if (whole >= self.join_probability
                    and within_time_bound([gathered, self._dates(other)])):
                gathered = sorted(gathered + self._dates(other))
                survivor, merged = sorted((best, other), key=lambda s: self.created[s])
                self.redirects[merged] = survivor
                events.append(ClusterEvent("merge", survivor, article, merged, round(whole, 4)))
                if survivor != best:  # fold what was gathered so far into the older story
                    self.members[survivor] = sorted(
                        self.members[survivor] + self.members.pop(best, []),
                        key=lambda a: self._key_of.get(a, 0))
                    self._dates_of.pop(best, None)
                best = survivor
        if best != events[0].story_id:
            events[0] = ClusterEvent("join", best, article, score=events[0].score)
        return events

    def _split(self, story: str) -> list[ClusterEvent]:
        """Regroup a story's members by average link; groups that are not the largest (and
        have two or more members) leave as new stories."""
        ids = self.members[story]
        known = self._evidence_for(ids)
        present = [i for i in ids if i in known]
        score = self._scorer()
        groups = average_link_groups(len(present), lambda i, j: score(
            known[present[i]], known[present[j]]), self.join_probability)
        if len(groups) < 2:
            return []
        largest = max(groups, key=lambda g: (len(g), -g[0]))
        events: list[ClusterEvent] = []
        for group in groups:
            if group is largest or len(group) < 2:
                continue
            moved = [present[i] for i in group]
            new_id = story_id_for(moved[0])
            while new_id == story or new_id in self.members:  # the first article's id is taken
                new_id = story_id_for(new_id)
            self.redirects.pop(new_id, None)  # an id merged away earlier comes back
            self.created[new_id] = self._key_of[moved[0]]
            self.members[new_id] = moved
            for article in moved:
                self.story_of[article] = new_id
                events.append(ClusterEvent("split", new_id, article, story))
            self.members[story] = [a for a in self.members[story] if a not in set(moved)]
        for article in self.members[story]:  # no member may reach it through a redirect now
            self.story_of[article] = story
        self._dates_of.pop(story, None)
        return events

    def _remember(self, key: int, evidence: Evidence) -> None:
        self.index.add(key, evidence.vector)
        self.keys[key] = evidence.article_id
        self.entity_df.update(evidence.entities.keys())
        self.term_df.update(evidence.terms.keys())
        vector = np.asarray(evidence.vector, dtype=np.float64)
        self.vector_sum = vector.copy() if self.vector_sum is None else self.vector_sum + vector
        self.documents += 1

    def stories(self) -> dict[str, list[str]]:
        """Story id → member article ids (merged stories folded in), in insertion order."""
        members: dict[str, list[str]] = {}
        for article, story in sorted(self.story_of.items(),
                                     key=lambda item: self._key_of.get(item[0], 0)):
            members.setdefault(self.resolve(story), []).append(article)
        return members


def cluster_all(items: Iterable[tuple[int, Evidence, str | None]], index: NeighbourIndex,
                model: PairModel | None = None) -> StoryClusterer:
    """Cluster a whole sequence at once (tests compare it with incremental runs; the
    evaluation runs it with held-out models)."""
    clusterer = StoryClusterer(index=index, model=model)
    for key, evidence, duplicate_of in items:
        clusterer.add(key, evidence, duplicate_of)
    return clusterer
