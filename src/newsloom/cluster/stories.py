"""Incremental (streaming) clustering of articles into stories, in any language.

Each new article is compared with its nearest neighbours among the articles already
clustered (ANN over event embeddings), with the same-story scorer of
:mod:`newsloom.cluster.scoring`. It joins the story it links to best when that story's link
score reaches :data:`JOIN_PROBABILITY`; otherwise it starts a new story. When it links
strongly to a second story too, the two are merged into the older one and the merge logged.

Deterministic: articles are taken in the order given, entity rarity is counted only over the
articles before, and story ids derive from each story's first article. So clustering a corpus
in one batch or in many gives the same stories, and re-running gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsloom.cluster.index import VectorIndex
from newsloom.cluster.scoring import features, idf_weights, probability
from newsloom.model import ClusterEvent, Evidence

#: A story absorbs an article whose link score (below) is at least this probability.
JOIN_PROBABILITY = 0.5
#: Two stories merge when a new article links to both at least this strongly.
MERGE_PROBABILITY = 0.8
#: Nearest neighbours examined per article.
NEIGHBOURS = 20
#: A story's link score is the mean of its best this-many links to the new article, so one
#: accidental link cannot pull an article into a large story.
LINKS_PER_STORY = 3


def story_id_for(article_id: str) -> str:
    return "s" + hashlib.sha256(article_id.encode()).hexdigest()[:11]


@dataclass
class StoryClusterer:
    """Stateful clusterer; ``load`` fetches evidence of earlier articles on demand."""

    index: VectorIndex
    load: Callable[[list[str]], dict[str, Evidence]] | None = None
    join_probability: float = JOIN_PROBABILITY
    merge_probability: float = MERGE_PROBABILITY
    neighbours: int = NEIGHBOURS
    story_of: dict[str, str] = field(default_factory=dict)  # article id → story id
    keys: dict[int, str] = field(default_factory=dict)  # index key → article id
    entity_df: Counter[str] = field(default_factory=Counter)
    documents: int = 0
    created: dict[str, int] = field(default_factory=dict)  # story id → key of first article
    redirects: dict[str, str] = field(default_factory=dict)  # merged story → survivor
    _evidence: dict[str, Evidence] = field(default_factory=dict)

    def resolve(self, story_id: str) -> str:
        while story_id in self.redirects:
            story_id = self.redirects[story_id]
        return story_id

    def _evidence_for(self, ids: list[str]) -> dict[str, Evidence]:
        missing = [i for i in ids if i not in self._evidence]
        if missing and self.load is not None:
            self._evidence.update(self.load(missing))
        return {i: self._evidence[i] for i in ids if i in self._evidence}

    def add(self, key: int, evidence: Evidence, duplicate_of: str | None = None
            ) -> list[ClusterEvent]:
        """Cluster one article; returns what happened, in order."""
        article = evidence.article_id
        if article in self.story_of:
            return []
        if duplicate_of is not None and duplicate_of in self.story_of:
            story = self.resolve(self.story_of[duplicate_of])
            events = [ClusterEvent("join", story, article, score=1.0)]
        else:
            events = self._place(key, evidence)
        self.story_of[article] = events[0].story_id
        self.created.setdefault(events[0].story_id, key)
        self._remember(key, evidence)
        return events

    def _place(self, key: int, evidence: Evidence) -> list[ClusterEvent]:
        article = evidence.article_id
        hits = [(self.keys[k], cos) for k, cos in self.index.search(evidence.vector,
                                                                   self.neighbours)
                if k in self.keys]
        known = self._evidence_for([a for a, _ in hits])
        idf: dict[str, float] | None = None
        if self.documents:
            # The weights of every key these pairs consult, looked up once: a plain dict in
            # the scorer's inner loop (keys absent from it weigh 1.0, as in the table).
            table = idf_weights(self.entity_df, self.documents)
            keys = set(evidence.entities).union(*(known[a].entities for a, _ in hits
                                                  if a in known))
            idf = {k: table[k] for k in keys if k in self.entity_df}
        links: dict[str, list[float]] = {}
        for other, _ in hits:
            if other not in known:
                continue
            p = probability(features(evidence, known[other], idf))
            links.setdefault(self.resolve(self.story_of[other]), []).append(p)
        scored = sorted(((sum(sorted(ps, reverse=True)[:LINKS_PER_STORY])
                          / min(len(ps), LINKS_PER_STORY), story)
                         for story, ps in links.items()), key=lambda x: (-x[0], x[1]))
        if not scored or scored[0][0] < self.join_probability:
            return [ClusterEvent("create", story_id_for(article), article)]
        best_score, best = scored[0]
        events = [ClusterEvent("join", best, article, score=round(best_score, 4))]
        for score, other in scored[1:]:
            if score >= self.merge_probability:
                survivor, merged = sorted((best, other), key=lambda s: self.created[s])
                self.redirects[merged] = survivor
                events.append(ClusterEvent("merge", survivor, article, merged, round(score, 4)))
                best = survivor
        if best != events[0].story_id:
            events[0] = ClusterEvent("join", best, article, score=events[0].score)
        return events

    def _remember(self, key: int, evidence: Evidence) -> None:
        self.index.add(key, evidence.vector)
        self.keys[key] = evidence.article_id
        self._evidence[evidence.article_id] = evidence
        self.entity_df.update(evidence.entities.keys())
        self.documents += 1

    def stories(self) -> dict[str, list[str]]:
        """Story id → member article ids (merged stories folded in), in insertion order."""
        members: dict[str, list[str]] = {}
        for article, story in self.story_of.items():
            members.setdefault(self.resolve(story), []).append(article)
        return members


def cluster_all(items: Iterable[tuple[int, Evidence, str | None]], index: VectorIndex
                ) -> StoryClusterer:
    """Cluster a whole sequence at once (used by tests to compare with incremental runs)."""
    clusterer = StoryClusterer(index=index)
    for key, evidence, duplicate_of in items:
        clusterer.add(key, evidence, duplicate_of)
    return clusterer
