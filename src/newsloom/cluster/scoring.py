"""The same-event scorer: probability that two articles report the same event.

The same probability serves ``newsloom compare`` and the story clustering, so what the
benchmarks measure is what clusters. The multilingual encoder alone cannot tell two
earthquakes or two product launches apart: their articles read alike. Its cosine is taken
from the corpus centre (:func:`corpus_centre`), so what every article of a subject shares
does not count, and the scorer adds evidence the encoder cannot give:

- **the event's own words**: cosine of the two articles' content lemmas weighted by corpus
  rarity (TF-IDF), within one language; across languages it is not measurable, and a pair
  without it is scored by the model's word-free twin (fitted on the same pairs with the
  words left out), not by a guess at the missing value;
- **distinctive actors**: shared canonical entities weighted by salience and rarity, so a
  shared headline actor counts and a shared "USA" in a corpus about the USA hardly does; and
  the same over people and over places alone, since two reports of one kind of event differ
  most in who and where;
- **when**: the gap between the two event dates (:mod:`newsloom.represent.event`), with a
  tolerance for month-level dates; a gap resting on a year estimate is not used (held-out
  kinds scored worse with it), and an unknown date is unknown, not far.

A small logistic model trained on labelled article pairs (``newsloom.training.pair_model``;
``newsloom eval events`` measures it with the kinds of event held out) combines them into a
calibrated probability. Its weights ship in ``pair_model.json`` beside this file. The graded
relatedness that rated similarity and storylines need is :mod:`newsloom.cluster.relatedness`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from newsloom.model import EventDate, Evidence

#: Pseudo-articles at the origin in the corpus centre (:func:`corpus_centre`): the first
#: articles of a corpus are not centred on themselves alone.
CENTRE_PRIOR = 1.0
#: Days two dates may differ and still name the same moment, by the coarser granularity.
DATE_TOLERANCE_DAYS = {"day": 0, "month": 15, "year": 183}
#: The model's inputs, in the order of its coefficients.
FEATURE_NAMES = ("centred_cosine", "term_similarity", "entity_overlap", "date_gap_log",
                 "date_known",
                 "people_overlap", "people_known", "places_overlap", "places_known")


@dataclass(frozen=True, slots=True)
class PairFeatures:
    cosine: float
    term_similarity: float | None  # None: the two articles are in different languages
    entity_overlap: float
    date_gap_days: int | None  # None: at least one date unknown
    coarse_date: bool = False  # the gap rests on a year estimate
    stated_dates: bool = False  # both dates are stated publication dates
    centred_cosine: float | None = None  # None: no corpus centre (the raw cosine stands in)
    people_overlap: float | None = None  # None: one of the two names no person
    places_overlap: float | None = None  # None: one of the two names no place

    def vector(self, model: PairModel) -> list[float]:
        """The model's inputs. A gap that rests on a year estimate is not one: held-out
        kinds scored worse with year-estimate features (docs/benchmarks.md, "Events")."""
        terms = (self.term_similarity if self.term_similarity is not None
                 else model.imputed_terms(self.cosine))
        dated = self.date_gap_days is not None and not self.coarse_date
        gap_log = math.log1p(self.date_gap_days) if dated and self.date_gap_days else 0.0
        centred = self.centred_cosine if self.centred_cosine is not None else self.cosine
        return [centred, terms, self.entity_overlap, gap_log, float(dated),
                self.people_overlap or 0.0, float(self.people_overlap is not None),
                self.places_overlap or 0.0, float(self.places_overlap is not None)]


@dataclass(frozen=True)
class PairModel:
    """Logistic weights over :data:`FEATURE_NAMES`, plus the same-language relation from
    encoder cosine to term similarity used to impute the latter across languages."""

    coefficients: tuple[float, ...]
    intercept: float
    term_intercept: float
    term_slope: float
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: The same fit with the words left out (their coefficient 0), for pairs without them
    #: (two languages): a pair's missing evidence is marginalised by a model that never
    #: relied on it. Imputing the words from the cosine gave a cross-lingual report of one
    #: event the words of an average pair, and so the probability of one. None: impute.
    without_terms: tuple[tuple[float, ...], float] | None = None

    def imputed_terms(self, cosine: float) -> float:
        return min(1.0, max(0.0, self.term_intercept + self.term_slope * cosine))

    def probability(self, f: PairFeatures) -> float:
        coefficients, intercept = self.coefficients, self.intercept
        if f.term_similarity is None and self.without_terms is not None:
            coefficients, intercept = self.without_terms
        z = intercept + sum(c * x for c, x in zip(coefficients, f.vector(self), strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "features": list(FEATURE_NAMES), "coefficients": list(self.coefficients),
            "intercept": self.intercept, "term_intercept": self.term_intercept,
            "term_slope": self.term_slope}
        if self.without_terms is not None:
            data["without_terms"] = {"coefficients": list(self.without_terms[0]),
                                     "intercept": self.without_terms[1]}
        data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairModel:
        if tuple(data["features"]) != FEATURE_NAMES:
            raise ValueError(f"pair model features {data['features']} ≠ {FEATURE_NAMES}")
        twin = data.get("without_terms")
        without_terms = None if twin is None else (
            tuple(float(c) for c in twin["coefficients"]), float(twin["intercept"]))
        if without_terms is not None and len(without_terms[0]) != len(FEATURE_NAMES):
            raise ValueError("pair model: without_terms has the wrong number of coefficients")
        return cls(tuple(float(c) for c in data["coefficients"]), float(data["intercept"]),
                   float(data["term_intercept"]), float(data["term_slope"]),
                   dict(data.get("meta", {})), without_terms)


@lru_cache(maxsize=1)
def shipped_model() -> PairModel:
    """The model in ``pair_model.json`` (loaded once per process)."""
    text = resources.files("newsloom.cluster").joinpath("pair_model.json").read_text("utf-8")
    return PairModel.from_json(json.loads(text))


def entity_overlap(a: Mapping[str, float], b: Mapping[str, float],
                   idf: Mapping[str, float] | None = None) -> float:
    """Weighted Jaccard of two salience maps, each scaled to its own maximum and weighted by
    rarity (idf)."""
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


def term_weights(terms: Mapping[str, int], idf: IdfWeights | None) -> dict[str, float]:
    """Unit-length TF-IDF vector of an article's term counts (sublinear tf); a term the
    corpus has not seen yet is as rare as a term can be."""
    if idf is None or not idf:  # no corpus yet: tf alone
        weights = {t: 1.0 + math.log(n) for t, n in terms.items() if n > 0}
    else:  # the clusterer's inner loop: no per-term emptiness test or attribute lookup
        unseen, rarity = idf.unseen_weight(), idf.get
        weights = {t: (1.0 + math.log(n)) * (rarity(t, unseen) or unseen)
                   for t, n in terms.items() if n > 0}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def term_similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two unit TF-IDF vectors (:func:`term_weights`)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def date_gap(a: EventDate | None, b: EventDate | None) -> tuple[int | None, bool]:
    """Days between two event dates beyond what their precision allows, and whether the gap
    rests on a year estimate (weak evidence)."""
    if a is None or b is None:
        return None, False
    tolerance = max(DATE_TOLERANCE_DAYS[a.granularity], DATE_TOLERANCE_DAYS[b.granularity])
    gap = max(0, abs((a.value - b.value).days) - tolerance)
    return gap, "year" in (a.granularity, b.granularity)


def corpus_centre(vector_sum: np.ndarray | None, articles: int) -> np.ndarray | None:
    """The corpus's common direction: the mean of its article vectors, shrunk towards the
    origin by :data:`CENTRE_PRIOR`. Encoder vectors share a large common component (norm 0.5
    over the ECB+ articles), and a corpus about one subject shares its subject: cosines
    measured from the centre compare what is particular to each article."""
    if vector_sum is None or articles == 0:
        return None
    return np.asarray(vector_sum, dtype=np.float64) / (articles + CENTRE_PRIOR)


def centred_cosine(a: np.ndarray, b: np.ndarray, centre: np.ndarray | None) -> float | None:
    if centre is None:
        return None
    x, y = a - centre, b - centre
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(np.dot(x, y)) / norm if norm else 0.0


def features(a: Evidence, b: Evidence, idf: Mapping[str, float] | None = None,
             term_idf: IdfWeights | None = None,
             weighted: tuple[Mapping[str, float], Mapping[str, float]] | None = None,
             centre: np.ndarray | None = None) -> PairFeatures:
    """The scorer's evidence for one pair. ``weighted``: the two articles' TF-IDF vectors
    when the caller already has them (the clusterer computes each article's once);
    ``centre``: the corpus centre (:func:`corpus_centre`) when known."""
    same_language = a.language is not None and a.language == b.language
    terms: float | None = None
    if same_language:
        wa, wb = weighted or (term_weights(a.terms, term_idf), term_weights(b.terms, term_idf))
        terms = term_similarity(wa, wb) if wa and wb else None
    gap, coarse = date_gap(a.event_date, b.event_date)
    return PairFeatures(
        cosine=float(np.dot(a.vector, b.vector)),
        centred_cosine=centred_cosine(a.vector, b.vector, centre),
        term_similarity=terms,
        entity_overlap=entity_overlap(a.entities, b.entities, idf),
        date_gap_days=gap,
        coarse_date=coarse,
        stated_dates=(a.event_date is not None and b.event_date is not None
                      and a.event_date.basis == b.event_date.basis == "published"),
        people_overlap=typed_overlap(a, b, "PER", idf),
        places_overlap=typed_overlap(a, b, "LOC", idf),
    )


def typed_overlap(a: Evidence, b: Evidence, entity_type: str,
                  idf: Mapping[str, float] | None) -> float | None:
    """:func:`entity_overlap` over the entities of one type (people, places): two reports
    of one kind of event differ most in who and where. None when either article has none."""
    mine = {k: v for k, v in a.entities.items() if a.entity_types.get(k) == entity_type}
    theirs = {k: v for k, v in b.entities.items() if b.entity_types.get(k) == entity_type}
    if not mine or not theirs:
        return None
    return entity_overlap(mine, theirs, idf)


def probability(f: PairFeatures, model: PairModel | None = None) -> float:
    """Probability that the pair reports the same event."""
    return (model or shipped_model()).probability(f)


class IdfWeights(Mapping[str, float]):
    """Smoothed inverse document frequency over ``documents`` articles, computed per
    looked-up key: a pair consults a handful of keys, while the corpus knows tens of
    thousands, so building the whole table per article made clustering grow with the corpus."""

    def __init__(self, document_frequency: Mapping[str, int], documents: int) -> None:
        self._df = document_frequency
        self._documents = documents
        # One instance serves one article's neighbour pairs, which share most keys; the
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

    def unseen_weight(self) -> float:
        """The weight of a key no document has yet."""
        return math.log(self._documents + 1) + 1.0

    def __iter__(self) -> Iterator[str]:
        return iter(self._df)

    def __len__(self) -> int:
        return len(self._df)


def idf_weights(document_frequency: Mapping[str, int], documents: int) -> IdfWeights:
    """Smoothed inverse document frequency over ``documents`` articles."""
    return IdfWeights(document_frequency, documents)
