"""How the two retrievers' lists become one hybrid ranking.

1. **Reciprocal rank fusion** (Cormack, Clarke & Büttcher, SIGIR 2009): an article's score is
   the sum over the lists that hold it of 1 / (RRF_K + rank). Ranks, not raw scores, are
   fused because bm25 and cosine live on unrelated scales; RRF_K = 60, the paper's value,
   flattens the head of each list so that being found by both retrievers outweighs being
   first in one (rank 1 in one list: 1/61 = 0.0164; rank 10 in both: 2/70 = 0.0286).

2. **Entity gate.** The entities a query names (:mod:`newsloom.search.entities`, resolved
   across languages and scripts) are what a report of the same event shares in any
   language, where its words are not. An article holding more of them ranks above one
   holding fewer, whatever either retriever says; fusion orders the articles holding as
   many. A query naming no stored entity is ranked by fusion alone. Nothing here is fitted:
   every entity counts one, every list counts the same.

The keyword list itself crosses languages through the entities' names
(:func:`newsloom.search.entities.with_entity_forms`); without that, a query's words match
only its own language and every report in another fuses its semantic rank alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

RRF_K = 60
KEYWORD = "keyword"
SEMANTIC = "semantic"


@dataclass(slots=True)
class Candidate:
    article_id: str
    score: float = 0.0
    keyword_rank: int | None = None
    semantic_rank: int | None = None
    #: How many of the query's entities the article holds (0 when the query names none).
    entities: int = 0


def order(candidates: list[Candidate]) -> list[Candidate]:
    """More of the query's entities first, then the fused score, then the better single
    rank, then the id (so equal candidates keep one order)."""
    return sorted(candidates, key=lambda c: (
        -c.entities, -c.score, min(c.keyword_rank or 10**9, c.semantic_rank or 10**9),
        c.article_id))


def fuse(rankings: Mapping[str, list[str]]) -> list[Candidate]:
    """Reciprocal rank fusion of the ``keyword`` and ``semantic`` rankings."""
    found: dict[str, Candidate] = {}
    for name, ranking in rankings.items():
        for rank, article_id in enumerate(ranking, start=1):
            item = found.setdefault(article_id, Candidate(article_id))
            item.score += 1.0 / (RRF_K + rank)
            if name == KEYWORD:
                item.keyword_rank = rank
            else:
                item.semantic_rank = rank
    return order(list(found.values()))


def entity_gate(candidates: list[Candidate], holds: Mapping[str, Set[int]]) -> list[Candidate]:
    """``candidates`` ordered by the entity gate; ``holds``: article id → which of the
    query's entities (by position) it holds."""
    for c in candidates:
        c.entities = len(holds.get(c.article_id, ()))
    return order(candidates)
