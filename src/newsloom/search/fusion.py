"""How the two retrievers' lists become one hybrid ranking.

1. **Reciprocal rank fusion** (Cormack, Clarke & Büttcher, SIGIR 2009): an article's score is
   the sum over the lists that hold it of 1 / (RRF_K + rank). Ranks, not raw scores, are
   fused because bm25 and cosine live on unrelated scales; RRF_K = 60, the paper's value,
   flattens the head of each list so that being found by both retrievers outweighs being
   first in one (rank 1 in one list: 1/61 = 0.0164; rank 10 in both: 2/70 = 0.0286).

2. **The keyword retriever abstains where it cannot judge.** In the query's own language it
   matches the query's words, so its rank (or its not finding an article) is evidence. In
   another language it can match only the query's names and the odd token languages share (a
   number, a code): a report of the same event there lacks the query's other words whatever
   it says, so its missing or low keyword rank is no evidence against it. The query's
   language is the one the keyword retriever matches its ordinary words in: the most common
   language of its first LANGUAGE_HITS hits that write none of the query's entity names
   (:func:`words_language`; with no such hit, as for a query of names only, it is unknown
   and every rank counts as it is). For an article in another language the keyword
   retriever abstains when it did not find the article, or found it writing one of the
   query's entity names: its keyword share is then the article's semantic share, or its own
   keyword share where that is larger (so a name match can only help). An article in another
   language found without any of the query's names matched a shared token, a judgement the
   retriever did make: its rank counts as it is. Nothing here is fitted: an abstaining
   retriever is taken to agree with the one that can judge, so a report in another language
   is neither buried for lacking keyword ranks nor lifted above one in the query's language
   that both retrievers rank as well.

3. **Entity gate.** The entities a query names (:mod:`newsloom.search.entities`, resolved
   across languages and scripts) are what a report of the same event shares in any
   language, where its words are not. An article holding more of them (linked there by
   entity linking, or written there under one of their names) ranks above one holding fewer,
   whatever either retriever says; fusion orders the articles holding as many. A query
   naming no stored entity is ranked by fusion alone. Every entity counts one.

The keyword list itself crosses languages through the entities' names
(:func:`newsloom.search.entities.with_entity_forms`); without that, a query's words match
only its own language and every report in another fuses its semantic rank alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

RRF_K = 60
KEYWORD = "keyword"
#: The query's language is read from this many of the keyword retriever's first hits (a
#: page of results): enough that one hit on a shared token does not decide it.
LANGUAGE_HITS = 10
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


def _share(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (RRF_K + rank)


def fuse(rankings: Mapping[str, list[str]], abstaining: Set[str] = frozenset()
         ) -> list[Candidate]:
    """Reciprocal rank fusion of the ``keyword`` and ``semantic`` rankings; for the articles
    in ``abstaining`` (:func:`keyword_abstains`) the keyword share is at least the semantic
    share."""
    found: dict[str, Candidate] = {}
    for name, ranking in rankings.items():
        for rank, article_id in enumerate(ranking, start=1):
            item = found.setdefault(article_id, Candidate(article_id))
            if name == KEYWORD:
                item.keyword_rank = rank
            else:
                item.semantic_rank = rank
    for item in found.values():
        keyword, semantic = _share(item.keyword_rank), _share(item.semantic_rank)
        if item.article_id in abstaining:
            keyword = max(keyword, semantic)
        item.score = keyword + semantic
    return order(list(found.values()))


def words_language(keyword: Sequence[str], languages: Mapping[str, str | None],
                   name_writers: Set[str]) -> str | None:
    """The language the keyword retriever matched the query's ordinary words in: the most
    common among its first LANGUAGE_HITS hits (``keyword``, best first) not writing one of
    the query's names, the better-ranked on a tie; None when there are none."""
    found = [languages.get(a) for a in keyword if a not in name_writers][:LANGUAGE_HITS]
    counts = Counter(lang for lang in found if lang)
    return counts.most_common(1)[0][0] if counts else None


def keyword_abstains(candidates: Sequence[str], keyword: Set[str],
                     languages: Mapping[str, str | None], query_language: str | None,
                     name_writers: Set[str]) -> set[str]:
    """The ``candidates`` the keyword retriever cannot judge (see the module docstring):
    ``keyword``: those it found; ``languages``: article id → language; ``name_writers``:
    those writing one of the query's entity names."""
    if query_language is None:
        return set()
    return {a for a in candidates
            if languages.get(a) not in (None, query_language)
            and (a not in keyword or a in name_writers)}


def entity_gate(candidates: list[Candidate], holds: Mapping[str, Set[int]]) -> list[Candidate]:
    """``candidates`` ordered by the entity gate; ``holds``: article id → which of the
    query's entities (by position) it holds."""
    for c in candidates:
        c.entities = len(holds.get(c.article_id, ()))
    return order(candidates)
