"""Scorers for the extraction benchmarks, each a faithful re-implementation of its source.

Pure functions on strings; no I/O, no extraction. The runners in :mod:`newsloom.eval.extraction`
feed them. Every scorer documents whose definition it follows, because numbers are only
comparable with published ones when they are computed the same way. trafilatura's snippet
counts and the title rule are in :mod:`newsloom.training.scoring`, shared with the training
report.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsloom.training.scoring import ratio, titles_match

# --------------------------------------------------------------------------------------------
# Article Extraction Benchmark (scrapinghub/article-extraction-benchmark, ``evaluate.py``)
# --------------------------------------------------------------------------------------------

#: AEB tokenises with a bare ``\w+`` (Unicode, case kept, punctuation dropped). Scripts without
#: spaces clump into long tokens; the benchmark accepts that, and so must we to stay comparable.
_AEB_TOKEN = re.compile(r"\w+", re.UNICODE)

#: AEB compares 4-token shingles (joined n-grams), not single tokens.
AEB_SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class ShingleCounts:
    """Per-document true/false positive and false negative shingle counts, normalised to sum 1.

    AEB divides by the sum so that every document weighs the same whatever its length; an
    all-zero triple means both texts were empty.
    """

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        """AEB's ``precision_score``: 1 when nothing was wrong, 0 when nothing was predicted."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """AEB's ``recall_score``: 1 when nothing was wrong, 0 when nothing was found."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


def aeb_tokens(text: str | None) -> list[str]:
    return _AEB_TOKEN.findall(text or "")


def aeb_shingles(text: str | None, size: int = AEB_SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token windows; a text shorter than ``size`` is one short shingle.

    This mirrors AEB's ``_ngrams``: it iterates ``range(max(1, len(tokens) - n + 1))`` and
    keeps every non-empty window, so 1..3 tokens still yield one shingle and 0 tokens none.
    """
    tokens = aeb_tokens(text)
    windows = (tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(window for window in windows if window)


def aeb_match(true: str | None, pred: str | None) -> ShingleCounts:
    """AEB's ``string_shingle_matching``: multiset overlap of shingles, normalised to sum 1.

    For each shingle, tp += min(true, pred) occurrences, fp += surplus in the prediction,
    fn += surplus in the ground truth. An empty prediction is (0, 0, 1): it costs recall
    and is left out of the precision mean (see :func:`aeb_aggregate`).
    """
    gold, guess = aeb_shingles(true), aeb_shingles(pred)
    tp = fp = fn = 0.0
    for key in gold.keys() | guess.keys():
        g, p = gold[key], guess[key]
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    total = tp + fp + fn
    if total > 0:
        return ShingleCounts(tp / total, fp / total, fn / total)
    return ShingleCounts(tp, fp, fn)


@dataclass(frozen=True, slots=True)
class AebScore:
    """Corpus-level AEB metrics (the benchmark's point estimates, without its bootstrap CI)."""

    documents: int
    precision: float
    recall: float
    f1: float
    precision_documents: int  # documents with a non-empty prediction (tp + fp > 0)
    recall_documents: int  # documents with a non-empty ground truth (tp + fn > 0)


def aeb_aggregate(counts: Sequence[ShingleCounts]) -> AebScore:
    """AEB's ``metrics_from_tp_fp_fns``: macro-averaged P and R, then F1 of those two means.

    Precision is averaged over documents that predicted something (tp + fp > 0) and recall
    over documents whose truth is non-empty (tp + fn > 0). F1 is the harmonic mean of the two
    averages, *not* the average of per-document F1 scores.
    """
    precisions = [c.precision for c in counts if c.tp + c.fp > 0]
    recalls = [c.recall for c in counts if c.tp + c.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return AebScore(len(counts), precision, recall, f1, len(precisions), len(recalls))


@dataclass(slots=True)
class DateTally:
    """Publication dates on pages whose gold date is known: right, wrong, or not given."""

    pages: int = 0
    correct: int = 0
    wrong: int = 0
    abstained: int = 0
    #: Wrong dates that are one day off: usually a UTC timestamp vs the local publication day.
    off_by_one: int = 0

    def add(self, predicted: str | None, gold: str) -> None:
        """``predicted`` is our stated date (YYYY-MM-DD) or None; estimates do not count.

        Comparison is exact string equality with the gold value, so a malformed gold date
        (the dev set has a couple, e.g. "2022-25-10") counts against us, as it would for anyone.
        """
        self.pages += 1
        if predicted is None:
            self.abstained += 1
        elif predicted == gold:
            self.correct += 1
        else:
            self.wrong += 1
            self.off_by_one += _one_day_apart(predicted, gold)

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.pages)

    @property
    def precision(self) -> float:
        """Of the dates we stated, the share that were right."""
        return ratio(self.correct, self.correct + self.wrong)


def _one_day_apart(first: str, second: str) -> bool:
    try:
        return abs((date.fromisoformat(first) - date.fromisoformat(second)).days) == 1
    except ValueError:
        return False


@dataclass(slots=True)
class TitleTally:
    pages: int = 0
    correct: int = 0
    missing: int = 0

    def add(self, predicted: str | None, gold: str) -> None:
        self.pages += 1
        if not predicted:
            self.missing += 1
        elif titles_match(predicted, gold):
            self.correct += 1

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.pages)
