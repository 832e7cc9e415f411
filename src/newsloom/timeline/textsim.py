"""Sentence vectors for choosing timeline sentences: TF-IDF, centroids and MMR.

TF-IDF rather than the corpus's USE-m3 embedder: choosing sentences needs a vector for every
candidate sentence (thousands per collection), and the encoder manages about 100 sentences/s
on this machine, the whole timeline about as many per millisecond. Across languages the story
clustering, not sentence similarity, decides what belongs together.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

Vector = dict[str, float]


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of two or more letters (numbers and punctuation dropped)."""
    return [t.lower() for t in _TOKEN.findall(text)]


@dataclass(frozen=True, slots=True)
class TfIdf:
    idf: dict[str, float]
    default_idf: float

    def vector(self, text: str) -> Vector:
        """Unit-length TF-IDF vector (sublinear tf) of ``text``; empty when it has no words."""
        counts = Counter(tokens(text))
        weights = {t: (1.0 + math.log(c)) * self.idf.get(t, self.default_idf)
                   for t, c in counts.items()}
        return normalise(weights)


def fit_tfidf(documents: Sequence[str]) -> TfIdf:
    """Smoothed idf over ``documents`` (the sentences of the selection)."""
    df: Counter[str] = Counter()
    for text in documents:
        df.update(set(tokens(text)))
    n = len(documents)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    return TfIdf(idf, math.log(1 + n) + 1.0)


def normalise(weights: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def centroid(vectors: Sequence[Vector]) -> Vector:
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    return normalise(dict(total))


def mmr(relevance: Sequence[float], vectors: Sequence[Vector], k: int, lam: float,
        taken: Sequence[Vector] = (), max_similarity: float = 0.8) -> list[int]:
    """Indices of up to ``k`` items by maximal marginal relevance.

    ``taken`` are vectors already chosen elsewhere (other dates), which count as redundancy
    too; an item more similar than ``max_similarity`` to anything chosen is never taken.
    """
    chosen: list[int] = []
    picked: list[Vector] = list(taken)
    remaining = set(range(len(relevance)))
    while remaining and len(chosen) < k:
        best, best_score = -1, -math.inf
        for i in sorted(remaining):
            redundancy = max((cosine(vectors[i], p) for p in picked), default=0.0)
            if redundancy > max_similarity:
                continue
            score = lam * relevance[i] - (1.0 - lam) * redundancy
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        picked.append(vectors[best])
        remaining.discard(best)
    return chosen


def informativeness(text: str) -> float:
    """0..1: sentences of 8-40 words score 1; fragments and run-ons less."""
    words = len(text.split())
    if words < 4:
        return 0.1
    if words < 8:
        return 0.5
    if words > 60:
        return 0.5
    return 1.0 if words <= 40 else 0.8
