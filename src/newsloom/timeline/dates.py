"""Which dates a timeline shows: candidate dates ranked by independent coverage and by how
often later reporting refers back to them.

In a short collection nearly every candidate day is part of the story and coverage alone
ranks well. In a long one (months of war coverage) candidates grow from hundreds to
thousands, and the days with most articles are often just busy news days: a statement
"today", a blog's timestamps. What marks a key event is that reporting keeps referring to
it *afterwards* ("the well was capped on July 15", written in August and October). So a date
also scores for every later publication day whose articles mention it (the in-degree of the
date-reference graph from publication days to mentioned days), counted by days rather than
articles so one day's burst of articles adds one reference, not dozens.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol

from newsloom.cluster.views import known_outlets
from newsloom.model import DateBasis, TimelineSentence, TimexGranularity
from newsloom.text.timex_resolve import bounds
from newsloom.timeline.textsim import Vector, centroid, cosine

#: Coverage of a coarse date counts less: "this year" or "in June" is mentioned far more often
#: than any one day and says less about when something happened.
SPECIFICITY: dict[TimexGranularity, float] = {
    "day": 1.0, "week": 0.7, "range": 0.5, "month": 0.5, "year": 0.25}

#: A mention counts as a later reference when it is published this many days after the
#: date's end: the day after is still the same news cycle ("yesterday's explosion").
LATER_DAYS = 2


class DateEvidence(Protocol):
    """What ranking needs of a candidate sentence (``build.Candidate`` provides it)."""

    @property
    def granularity(self) -> TimexGranularity: ...
    @property
    def basis(self) -> DateBasis: ...
    @property
    def sentence(self) -> TimelineSentence: ...
    @property
    def story_id(self) -> str: ...


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def topicality(vectors: Mapping[str, Vector]) -> dict[str, float]:
    """Article id → weight 0..1: its similarity to the centroid of all articles, relative to
    the median article's. Articles at least as typical as the median weigh 1; pages far from
    the collection's topic (a radio schedule, a family history in a music star's collection)
    weigh less, so the many dates such pages list do not outrank the story's own."""
    topic = centroid(list(vectors.values()))
    similarity = {a: cosine(v, topic) for a, v in vectors.items()}
    middle = statistics.median(similarity.values()) if similarity else 0.0
    if middle <= 0:
        return dict.fromkeys(vectors, 1.0)
    return {a: min(1.0, s / middle) for a, s in similarity.items()}


def later_references(value: str, candidates: Iterable[DateEvidence],
                     weights: Mapping[str, float] | None = None) -> float:
    """Distinct publication days, at least :data:`LATER_DAYS` after ``value`` ends, whose
    articles mention ``value``; each day counts once however many articles it has, with the
    weight of its most topical one."""
    end = bounds(value)[1]
    days: dict[date, float] = {}
    for candidate in candidates:
        published = _day(candidate.sentence.published)
        if (candidate.basis == "mentioned" and published is not None
                and (published - end).days >= LATER_DAYS):
            weight = _weight(weights, candidate.sentence.article_id)
            days[published] = max(days.get(published, 0.0), weight)
    return sum(days.values())


def _weight(weights: Mapping[str, float] | None, article_id: str) -> float:
    return 1.0 if weights is None else weights.get(article_id, 1.0)


def date_score(value: str, candidates: Sequence[DateEvidence], publication_weight: float,
               later_weight: float, weights: Mapping[str, float] | None = None) -> float:
    """Articles mentioning the date (1 each), articles only published on it
    (``publication_weight``), further known outlets (0.25 each) and later reference days
    (``later_weight`` each), times the date's specificity. Articles and days count with
    their ``weights`` (:func:`topicality`) when given."""
    mentioned = {c.sentence.article_id for c in candidates if c.basis == "mentioned"}
    published = {c.sentence.article_id for c in candidates} - mentioned
    outlets = known_outlets(c.sentence.outlet for c in candidates)  # unknown ones add nothing
    coverage = (sum(_weight(weights, a) for a in mentioned)
                + publication_weight * sum(_weight(weights, a) for a in published)
                + 0.25 * max(0, len(outlets) - 1)
                + later_weight * later_references(value, candidates, weights))
    return coverage * SPECIFICITY[candidates[0].granularity]


def rank_dates(candidates: Mapping[str, Sequence[DateEvidence]], story_sizes: Counter[str],
               publication_weight: float, later_weight: float = 0.0,
               weights: Mapping[str, float] | None = None) -> list[tuple[str, float]]:
    """Dates best first: :func:`date_score`, then the size of the stories behind them."""
    scored = []
    for value, items in candidates.items():
        stories = {c.story_id for c in items}
        scored.append((value, date_score(value, items, publication_weight, later_weight,
                                         weights),
                       sum(story_sizes[s] for s in stories)))
    scored.sort(key=lambda item: (-item[1], -item[2], item[0]))
    return [(value, score) for value, score, _ in scored]
