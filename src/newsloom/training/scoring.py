"""Snippet and title scoring shared by the extraction benchmark (``newsloom eval extraction``,
:mod:`newsloom.eval.scoring`) and the boilerplate training report
(:mod:`newsloom.training.boilerplate_report`), so both count the same way.

Pure functions on strings; no I/O, no extraction. Every scorer documents whose definition it
follows, because numbers are only comparable with published ones when they are computed the
same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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
        return ratio(self.tp, self.tp + self.fn)

    @property
    def without_removed(self) -> float:
        return ratio(self.tn, self.tn + self.fp)

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def accuracy(self) -> float:
        return ratio(self.tp + self.tn, self.tp + self.tn + self.fp + self.fn)

    @property
    def f_score(self) -> float:
        """trafilatura's F: 2tp / (2tp + fp + fn), the micro-averaged F1 over all snippets."""
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)


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


def ratio(num: float, den: float) -> float:
    """``num / den``, 0 for an empty denominator."""
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
