"""Scorers for the extraction benchmarks, each a faithful re-implementation of its source.

Pure functions on strings; no I/O, no extraction. The runners in :mod:`newsloom.eval.extraction`
feed them. Every scorer documents whose definition it follows, because numbers are only
comparable with published ones when they are computed the same way.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

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


# --------------------------------------------------------------------------------------------
# trafilatura's evaluation (adbar/trafilatura ``tests/eval_common.py`` / ``tests/evaluate.py``)
# --------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalise_whitespace(text: str) -> str:
    """trafilatura's ``norm``: every whitespace run becomes one space, ends stripped."""
    return _WS.sub(" ", text).strip()


@dataclass(slots=True)
class Confusion:
    """Snippet counts as trafilatura tallies them over a whole corpus.

    A "with" snippet found in the output is a true positive, missed a false negative; a
    "without" snippet found is a false positive, absent a true negative.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, other: Confusion) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn

    @property
    def with_kept(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def without_removed(self) -> float:
        return _ratio(self.tn, self.tn + self.fp)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def accuracy(self) -> float:
        return _ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn)

    @property
    def f_score(self) -> float:
        """trafilatura's F: 2tp / (2tp + fp + fn), the micro-averaged F1 over all snippets."""
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)


def score_snippets(result: str | None, with_: Iterable[str], without: Iterable[str]) -> Confusion:
    """trafilatura's ``count_item``: whitespace-normalised, case-sensitive substring match.

    ``None`` (extraction failed) keeps no snippet: every "with" is missed, every "without"
    counts as removed, exactly as trafilatura scores a crashing extractor.
    """
    withs, withouts = list(with_), list(without)
    if result is None:
        return Confusion(tp=0, fp=0, fn=len(withs), tn=len(withouts))
    text = normalise_whitespace(result)
    tp = sum(1 for snippet in withs if normalise_whitespace(snippet) in text)
    fp = sum(1 for snippet in withouts if normalise_whitespace(snippet) in text)
    return Confusion(tp=tp, fp=fp, fn=len(withs) - tp, tn=len(withouts) - fp)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


# --------------------------------------------------------------------------------------------
# Title and date accuracy (our own definitions; documented in docs/benchmarks.md)
# --------------------------------------------------------------------------------------------

#: A site name is set off from the headline by a separator with spaces on both sides, as in
#: "Headline | Site", "Headline - Site", "Headline · Site", "Headline :: Site" (en and em dashes
#: are folded to "-" first). Requiring the spaces keeps "Covid-19" and "Topic: headline" intact.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-·»/•]|::)\s+")
_DANGLING_SEPARATOR = re.compile(r"(?:\s+(?:[|\-·»/•]|::))+$")

#: How many trailing separator-delimited segments may be dropped ("Headline | Section | Site").
_MAX_SUFFIXES = 2

#: Typographic quotes and dashes vary between a page's <title>, og:title and <h1>, and
#: extractors differ in whether they normalise them; they are not what a title check is about.
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"',
                             "„": '"', "‟": '"', "–": "-", "—": "-"})


def normalise_title(title: str) -> str:
    """NFKC, typographic quotes/dashes folded to ASCII, case-folded, whitespace collapsed, and
    a dangling trailing separator ("Headline -") removed."""
    folded = unicodedata.normalize("NFKC", title).translate(_TYPOGRAPHY)
    return _DANGLING_SEPARATOR.sub("", normalise_whitespace(folded).casefold())


def title_variants(title: str) -> set[str]:
    """The normalised title, plus the same cut before its last one or two separators."""
    norm = normalise_title(title)
    variants = {norm} if norm else set()
    cuts = [match.start() for match in _TITLE_SEPARATOR.finditer(norm)]
    for start in cuts[::-1][:_MAX_SUFFIXES]:
        if norm[:start].strip():
            variants.add(norm[:start].strip())
    return variants


def titles_match(predicted: str | None, gold: str) -> bool:
    """Equal after normalisation, allowing a trailing site name on either side."""
    if not predicted:
        return False
    return bool(title_variants(predicted) & title_variants(gold))


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
        return _ratio(self.correct, self.pages)

    @property
    def precision(self) -> float:
        """Of the dates we stated, the share that were right."""
        return _ratio(self.correct, self.correct + self.wrong)


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
        return _ratio(self.correct, self.pages)
