"""The same-story scorer: probability that two articles report the same event.

One scorer serves ``newsloom compare`` and the story clustering, so what the benchmark measures
is what clusters. The multilingual encoder carries most of the signal; the other evidence only
moves the score where the encoder cannot know:

- **entities**: shared canonical entities (weighted by salience and rarity) raise the score a
  little; cross-lingual pairs gain most, since the encoder is least sure across languages;
- **dates**: two stated publication dates weeks apart lower it (coverage of one event fades
  within days to weeks); a missing date changes nothing — it is unknown, not far away;
- the result goes through one logistic calibration so it reads as a probability.

The constants are few and explained where they are defined; docs/benchmarks.md shows the
measurements, with leave-one-out numbers for the two fitted calibration constants.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from newsloom.model import Evidence

#: Weight of the entity overlap (a weighted Jaccard in [0, 1]) added to the cosine.
ENTITY_WEIGHT = 0.15
#: Date gaps up to this many days are normal for one event (follow-ups, weekly papers).
DATE_GRACE_DAYS = 7
#: Penalty per 30 days beyond the grace period, capped at two months' worth.
DATE_PENALTY_PER_MONTH = 0.1
DATE_PENALTY_CAP = 0.2
#: Logistic calibration of the fused similarity: P = 1 / (1 + exp(-SLOPE * (s - MIDPOINT))).
#: Both constants come from the encoder's cosines between *unrelated* articles (random pairs,
#: no labels used): mean 0.19, standard deviation 0.097 for USE-m3 over the 123 multilingual
#: news texts of semeval-pairs-dev (0.22 / 0.10 over 200 trafilatura-eval pages, whose shared
#: boilerplate lifts the mean). The midpoint
#: sits 3.5 standard deviations above that mean, where chance similarity ends; the slope takes
#: the probability from 0.1 to 0.9 across ±2 standard deviations (ln 9 / (2 × 0.097)).
RANDOM_PAIR_MEAN = 0.19
RANDOM_PAIR_SD = 0.097
CALIBRATION_MIDPOINT = RANDOM_PAIR_MEAN + 3.5 * RANDOM_PAIR_SD
CALIBRATION_SLOPE = math.log(9) / (2 * RANDOM_PAIR_SD)


@dataclass(frozen=True, slots=True)
class PairFeatures:
    cosine: float
    entity_overlap: float
    date_gap_days: int | None


def entity_overlap(a: Mapping[str, float], b: Mapping[str, float],
                   idf: Mapping[str, float] | None = None) -> float:
    """Weighted Jaccard of two salience maps, each scaled to its own maximum and weighted by
    rarity (idf), so a shared headline actor counts and a shared "USA" in a corpus about the
    USA hardly does."""
    if not a or not b:
        return 0.0
    top_a, top_b = max(a.values()), max(b.values())
    weights = idf if idf else None  # tested once: an empty table means no weighting
    num = den = 0.0
    for key in a.keys() | b.keys():
        weight = weights.get(key, 1.0) if weights is not None else 1.0
        wa, wb = a.get(key, 0.0) / top_a, b.get(key, 0.0) / top_b
        if wa < wb:
            num += wa * weight
            den += wb * weight
        else:
            num += wb * weight
            den += wa * weight
    return num / den if den else 0.0


def date_penalty(gap_days: int | None) -> float:
    if gap_days is None:
        return 0.0
    months_beyond = max(0, gap_days - DATE_GRACE_DAYS) / 30
    return min(DATE_PENALTY_CAP, DATE_PENALTY_PER_MONTH * months_beyond)


def features(a: Evidence, b: Evidence, idf: Mapping[str, float] | None = None) -> PairFeatures:
    gap = abs((a.published - b.published).days) if a.published and b.published else None
    return PairFeatures(
        cosine=float(np.dot(a.vector, b.vector)),
        entity_overlap=entity_overlap(a.entities, b.entities, idf),
        date_gap_days=gap,
    )


def fused_similarity(f: PairFeatures) -> float:
    return f.cosine + ENTITY_WEIGHT * f.entity_overlap - date_penalty(f.date_gap_days)


def probability(f: PairFeatures) -> float:
    """Probability that the pair reports the same story."""
    z = CALIBRATION_SLOPE * (fused_similarity(f) - CALIBRATION_MIDPOINT)
    return 1.0 / (1.0 + math.exp(-z))


class IdfWeights(Mapping[str, float]):
    """Smoothed inverse document frequency of entities over ``documents`` articles, computed
    per looked-up key: a pair consults a handful of entities, while the corpus knows tens of
    thousands, so building the whole table per article made clustering grow with the corpus."""

    def __init__(self, document_frequency: Mapping[str, int], documents: int) -> None:
        self._df = document_frequency
        self._documents = documents
        # One instance serves one article's ~20 neighbour pairs, which share most keys; the
        # counts do not change while it is in use (the clusterer makes a new one per article).
        self._memo: dict[str, float] = {}

    def __getitem__(self, key: str) -> float:
        weight = self.get(key)
        if weight is None:
            raise KeyError(key)
        return weight

    def get(self, key: str, default: float | None = None) -> float | None:  # type: ignore[override]
        """As ``Mapping.get``, without its exception round trip (the scorer's inner loop)."""
        weight = self._memo.get(key)
        if weight is None:
            if key not in self._df:  # a Counter would answer 0 for any key
                return default
            weight = math.log((self._documents + 1) / (self._df[key] + 1)) + 1.0
            self._memo[key] = weight
        return weight

    def __iter__(self) -> Iterator[str]:
        return iter(self._df)

    def __len__(self) -> int:
        return len(self._df)


def idf_weights(document_frequency: Mapping[str, int], documents: int) -> Mapping[str, float]:
    """Smoothed inverse document frequency of entities over ``documents`` articles."""
    return IdfWeights(document_frequency, documents)
