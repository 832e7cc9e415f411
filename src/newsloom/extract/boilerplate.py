"""Line-level boilerplate classifier for plain text: which lines are page furniture, and why.

How it works
    Every non-blank line gets the features of :mod:`newsloom.extract.boilerplate_features`
    (length, stop-word density in the document's language, punctuation, link-like text,
    multilingual UI-lexicon hits, repetition, position relative to the dense text, and the
    same signals of up to three neighbours on each side, window averages, and how much of what
    follows is lexicon-heavy), so a verdict can follow its context: a short heading between
    two paragraphs stays, "Reacties" followed by login prompts goes. A gradient-boosted tree
    ensemble scores each line; a line goes at ``threshold`` (0.5 here; scraped text uses
    ``ExtractOptions.boilerplate_threshold``). Unambiguous shapes are decided by rule on top
    (:mod:`newsloom.extract.lineshape`: CMS shortcodes, strings glued to themselves, short ©
    lines and picture credits, bare web addresses and bare datelines,
    and the short non-sentence lines glued to those, i.e. captions; lines the caller knows
    repeat across documents; consent and privacy notices of any length, by
    :mod:`newsloom.extract.boilerplate_consent`). Two context corrections follow: after the
    last confidently kept paragraph the bar is lower (the article does not resume), and a
    line between two confidently kept paragraphs stays (a subheading). Each removed line gets
    a short human reason: the strongest lexicon category, else its shape.

The weights
    ``boilerplate_model.npz`` next to this module holds the ensemble as flat node arrays, so
    inference needs numpy only (scikit-learn is used for training alone). Its ``description``
    entry records which data and command produced it; see
    :mod:`newsloom.training.boilerplate_train` to retrain. The model is loaded once per process.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsloom.extract.boilerplate_consent import consent_lines
from newsloom.extract.boilerplate_features import FEATURE_NAMES, document_features
from newsloom.extract.boilerplate_lexicon import CATEGORIES
from newsloom.extract.lineshape import has_doubled_text

MODEL_PATH = Path(__file__).with_name("boilerplate_model.npz")

@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """Boosted trees as flat node arrays. A leaf points to itself on both sides, so walking
    ``depth`` steps from every root lands every row on a leaf."""

    feature: np.ndarray  # int, column tested at each node
    threshold: np.ndarray  # go left when x <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # leaf contribution to the log-odds (0 at inner nodes)
    roots: np.ndarray
    depth: int
    baseline: float

    def proba(self, features: np.ndarray) -> np.ndarray:
        """Probability of the positive class (boilerplate) for each row."""
        n = features.shape[0]
        if n == 0:
            return np.zeros(0)
        # Walk all trees for all rows at once. Columns are read from the transposed matrix
        # through flat indices, the cheapest gather numpy has.
        flat = np.ascontiguousarray(features.T).ravel()
        rows = np.arange(n, dtype=np.int32)[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        for _ in range(self.depth):
            x = flat.take(self.feature.take(node) * n + rows)
            node = np.where(x <= self.threshold.take(node), self.left.take(node),
                            self.right.take(node))
        raw = self.baseline + self.value.take(node).sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-raw)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}feature": self.feature.astype(np.int16),
            f"{prefix}threshold": self.threshold.astype(np.float64),
            f"{prefix}left": self.left.astype(np.int32),
            f"{prefix}right": self.right.astype(np.int32),
            f"{prefix}value": self.value.astype(np.float32),
            f"{prefix}roots": self.roots.astype(np.int32),
            f"{prefix}meta": np.array([self.depth, self.baseline], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> TreeEnsemble:
        meta = data[f"{prefix}meta"]
        return cls(
            feature=data[f"{prefix}feature"].astype(np.int32),
            threshold=data[f"{prefix}threshold"],
            left=data[f"{prefix}left"].astype(np.int32),
            right=data[f"{prefix}right"].astype(np.int32),
            value=data[f"{prefix}value"].astype(np.float64),
            roots=data[f"{prefix}roots"].astype(np.int32),
            depth=int(meta[0]),
            baseline=float(meta[1]),
        )


@dataclass(frozen=True, slots=True)
class BoilerplateModel:
    """The line classifier and a note on how it was trained."""

    trees: TreeEnsemble
    description: str

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {"feature_names": np.array(FEATURE_NAMES),
                                  "description": np.array(self.description),
                                  **self.trees.arrays("t_")}
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> BoilerplateModel:
        with np.load(path, allow_pickle=False) as npz:
            data = {key: npz[key] for key in npz.files}
        names = tuple(str(name) for name in data["feature_names"])
        if names != FEATURE_NAMES:
            raise ValueError(f"{path} was trained on other features; retrain it")
        return cls(TreeEnsemble.from_arrays(data, "t_"), str(data["description"]))


def document_language(lines: Sequence[str], declared: str | None = None) -> str | None:
    """Language of a document judged from its longer lines (menus are poor evidence); it picks
    the stop-word list for the features."""
    from newsloom.extract.language import detect_language

    long = [line for line in lines if len(line) >= 60] or list(lines)
    return detect_language("\n".join(long)[:2000], declared=declared).code


@lru_cache(maxsize=1)
def default_model() -> BoilerplateModel:
    """The shipped model, loaded once per process."""
    return BoilerplateModel.load(MODEL_PATH)


def _scored(lines: Sequence[str], language: str | None,
            model: BoilerplateModel | None) -> tuple[np.ndarray, np.ndarray]:
    model = model or default_model()
    features = document_features(lines, language)
    return model.trees.proba(features), features


def boilerplate_scores(lines: Sequence[str], language: str | None,
                       model: BoilerplateModel | None = None) -> np.ndarray:
    """Probability that each (non-blank, stripped) line is boilerplate."""
    return _scored(lines, language, model)[0]


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """The classifier's decision on one line."""

    index: int  # position in the sequence of lines given to :func:`classify_lines`
    text: str
    score: float  # probability of boilerplate
    boilerplate: bool
    reason: str | None  # why it was removed; None for kept lines
    lexicon_hits: int = 0  # UI-lexicon words and phrases on the line
    by_rule: bool = False  # removed by a shape rule rather than by the model's score


_HIT_COLUMNS = [FEATURE_NAMES.index(f"cat_{i}") for i in range(len(CATEGORIES))]
_MAX_RULE_WORDS = 15  # rules only fire on short lines; long lines are the model's call
#: A consent or privacy notice (:mod:`newsloom.extract.boilerplate_consent`) goes by rule,
#: whatever its length: its sentences read like prose to the model.
CONSENT_REASON = "cookie/consent"


_SHAPE_COLUMNS = [FEATURE_NAMES.index(name) for name in
                  ("shortcode", "self_repeat", "copyright", "credit", "link_only", "date_only")]


def _rule_reason(line: str, shape: np.ndarray, in_foot: bool,
                 repeated: frozenset[str]) -> str | None:
    """Unambiguous patterns decided without the model. ``shape`` holds the line's
    :data:`_SHAPE_COLUMNS` features; ``in_foot``: after the last paragraph."""
    shortcode, self_repeat, copyright_, credit, link_only, date_only = shape > 0
    if shortcode:
        return "CMS shortcode"
    if self_repeat:
        return "repeated caption"
    if len(line) >= 24 and has_doubled_text(line):
        return "repeated text"
    words = len(line.split())
    if copyright_ and words <= _MAX_RULE_WORDS and ("©" in line or line[:4].lower() == "(c) "):
        return _copyright_or_credit(line, in_foot)
    if link_only:
        return "link/credit line"
    if credit:  # the feature also counts bare web addresses, handled just above
        return "photo credit"
    if date_only:
        return "date/byline line"
    if line in repeated and words <= _MAX_RULE_WORDS:
        return "repeated across documents"
    return None


def _copyright_or_credit(line: str, in_foot: bool) -> str:
    """``© 2024 WinFuture`` (a year, rights wording or the page foot) is the site's copyright;
    ``© Huawei`` between paragraphs credits a picture."""
    lower = line.lower()
    has_year = any(tok.isdigit() and len(tok) == 4 for tok in lower.replace("-", " ").split())
    rights = any(word in lower for word in ("rights", "rechte", "droits", "derechos", "diritti",
                                             "prawa", "права", "direitos", "rechten"))
    return "copyright/imprint" if has_year or rights or in_foot else "photo credit"


_DIGIT = re.compile(r"\d")
_BYLINE_STARTS = ("von ", "by ", "door ", "par ", "por ", "di ", "autor", "author", "text:")


def _model_reason(line: str, top_category: int, price: bool, near_credit: bool,
                  duplicate: bool) -> str:
    """Name the kind of boilerplate a model-removed line is, from its strongest lexicon
    category (-1: none) and its shape."""
    if top_category >= 0:
        return CATEGORIES[top_category].reason
    if price:
        return "ad/price box"
    lower = line.lower()
    words = len(line.split())
    if words <= 8 and _DIGIT.search(line) and _looks_like_date(lower):
        return "date/byline line"
    if lower.startswith(_BYLINE_STARTS) and words <= 8:
        return "date/byline line"
    if duplicate:
        return "repeated line"
    if near_credit and words >= 2:
        return "caption"
    if "@" in line or (words <= 2 and "." in line.strip(".")):
        return "photo credit"
    return "navigation/UI" if words < 8 else "low-density text"


def _looks_like_date(lower: str) -> bool:
    digits = sum(ch.isdigit() for ch in lower)
    return digits >= 4 or "uhr" in lower or ":" in lower


#: Scores of running text this low count as confidently kept.
CONFIDENT_CONTENT = 0.15
#: After the last confidently kept paragraph the article does not resume: there a line goes
#: at ``threshold - TAIL_MARGIN``, or at :data:`TAIL_LEXICON_MIN` when it holds UI-lexicon
#: words. Both tuned out-of-fold on trafilatura-eval-dev (see ``boilerplate_train``).
TAIL_MARGIN = 0.15
TAIL_LEXICON_MIN = 0.2
#: A line between two confidently kept paragraphs (a subheading) stays unless its score is
#: at least this high.
SANDWICH_MAX = 0.9
_FIGURE_RULES = frozenset({"photo credit", "link/credit line", "date/byline line"})


def _caption_shaped(line: str) -> bool:
    words = line.split()
    return (1 <= len(words) <= 12 and line[-1] not in ".!?:;…"
            and not line[0].isdigit() and line[0] not in "-–•*·>")


def _figure_captions(lines: Sequence[str], rules: list[str | None]) -> list[int]:
    """Short non-sentence lines glued to a picture credit or a bare dateline: the caption or
    alt text of the same figure ("Huawei-werknemers" / "© Huawei" / "Huawei")."""
    n = len(lines)
    return [i for i in range(n) if rules[i] is None and _caption_shaped(lines[i]) and any(
        0 <= j < n and rules[j] in _FIGURE_RULES for j in (i - 1, i + 1))]


def _decide(scores: np.ndarray, features: np.ndarray, hits: np.ndarray, forced: np.ndarray,
            threshold: float) -> np.ndarray:
    """Which lines go: rules, the model's threshold, and two context corrections."""
    n = len(scores)
    removed = forced | (scores >= threshold)
    dense = features[:, FEATURE_NAMES.index("dense")] > 0
    confident = dense & (scores < CONFIDENT_CONTENT) & ~forced
    kept_span = np.flatnonzero(confident)
    if len(kept_span):
        # Only the tail: the lines before the first paragraph hold the teaser and the byline.
        tail = np.arange(n) > kept_span[-1]
        removed |= tail & (scores >= threshold - TAIL_MARGIN)
        removed |= tail & (hits.sum(axis=1) > 0) & (scores >= TAIL_LEXICON_MIN)
    between = np.zeros(n, dtype=bool)
    between[1:-1] = confident[:-2] & confident[2:]
    return np.asarray(removed & ~(between & ~forced & (scores < SANDWICH_MAX)))


def classify_lines(lines: Sequence[str], language: str | None, *, threshold: float = 0.5,
                   repeated_lines: frozenset[str] = frozenset(),
                   model: BoilerplateModel | None = None) -> list[LineVerdict]:
    """Decide for each non-blank, stripped line whether it is boilerplate, and why."""
    if not lines:
        return []
    scores, features = _scored(lines, language, model)
    hits = features[:, _HIT_COLUMNS]
    n = len(lines)
    dense_lines = np.flatnonzero(features[:, FEATURE_NAMES.index("dense")] > 0)
    foot = int(dense_lines[-1]) if len(dense_lines) else -1
    shapes = features[:, _SHAPE_COLUMNS]
    rules = [_rule_reason(line, shapes[i], i > foot, repeated_lines)
             for i, line in enumerate(lines)]
    for i in _figure_captions(lines, rules):
        rules[i] = "caption"
    for i, notice in enumerate(consent_lines(lines)):
        if notice and rules[i] is None:
            rules[i] = CONSENT_REASON
    forced = np.array([r is not None for r in rules])
    removed = _decide(scores, features, hits, forced, threshold)
    credit = features[:, FEATURE_NAMES.index("credit")] > 0
    top = np.where(hits.max(axis=1) > 0, hits.argmax(axis=1), -1)
    price = features[:, FEATURE_NAMES.index("price")] > 0
    seen: set[str] = set()
    verdicts: list[LineVerdict] = []
    for i, line in enumerate(lines):
        reason = rules[i]
        if reason is None and removed[i]:
            near_credit = (i > 0 and credit[i - 1]) or (i + 1 < n and credit[i + 1])
            reason = _model_reason(line, int(top[i]), bool(price[i]), bool(near_credit),
                                   line in seen)
        seen.add(line)
        verdicts.append(LineVerdict(i, line, float(scores[i]), reason is not None, reason,
                                    int(hits[i].sum()), rules[i] is not None))
    return verdicts


#: Declared-clean text (a JSONL record's ``text``) loses only obvious chrome: a line with
#: UI-lexicon words that the model scores at least this high ("Sign up for our newsletter",
#: "Anzeige", "Related articles"), or a line one of :data:`_CHROME_RULES` names: CMS
#: shortcodes, short © lines, bare web addresses or handles. Below the score, on clean prose,
#: are sentences such as "Twitter said it would appeal." (0.59).
CHROME_MIN_SCORE = 0.8
_CHROME_RULES = frozenset({"CMS shortcode", "copyright/imprint", "link/credit line",
                           CONSENT_REASON})


def is_chrome(verdict: LineVerdict) -> bool:
    """Whether a removed line is obvious page chrome, the only kind of line that trusted text
    loses. Short, low-density, caption- or byline-shaped lines are not: one sentence per line
    is normal in clean text."""
    if not verdict.boilerplate:
        return False
    if verdict.by_rule and (verdict.reason in _CHROME_RULES or (
            verdict.reason == "photo credit" and verdict.text.startswith(("©", "(c) ")))):
        return True  # a "photo credit" merely naming an agency ("AFP reporters held") stays
    return verdict.lexicon_hits > 0 and verdict.score >= CHROME_MIN_SCORE
