"""The body cascade: trafilatura's precision text, completed from its recall text when the
plain-text line classifier agrees that what recall adds is article text.

trafilatura's precision mode measures best overall (docs/benchmarks.md), but on some pages it
keeps a fragment of a long article, or starts after the opening paragraph. Two rules look at
the recall extraction of the same page:

* **short** — the precision text has less than :data:`SHORT_SHARE` of the recall text's
  characters. The recall lines are classified in their own context
  (:func:`newsloom.extract.boilerplate.classify_lines`); the result is the recall text without
  the lines precision dropped *unless* the classifier is confident they are content (score
  below :data:`~newsloom.extract.boilerplate.CONFIDENT_CONTENT`). So precision's own lines all
  stay, and only confident content is added, in recall's order.
* **lead** — precision starts later than recall: recall's lines before precision's first line
  are added when each is a sentence (:data:`LEAD_MIN_WORDS` words or more, closing
  punctuation) the classifier keeps. Headlines, kickers, bylines and teaser links fail one of
  the two.

Both thresholds were chosen on the dev sets (AEB and trafilatura-eval-dev, the latter with
out-of-fold classifiers), as recorded in the project notes; neither is fitted to one page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsloom.extract.boilerplate import (
    CONFIDENT_CONTENT,
    BoilerplateModel,
    LineVerdict,
    classify_lines,
    document_language,
)
from newsloom.extract.boilerplate_consent import consent_lines

#: Precision's text is "far shorter" below this share of recall's characters.
SHORT_SHARE = 0.9
#: A lead line added from recall has at least this many words and ends like a sentence.
LEAD_MIN_WORDS = 8
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", "'", "’")

CascadeRule = Literal["short", "lead"]


@dataclass(frozen=True, slots=True)
class CascadeResult:
    """The body text and which rule, if any, took text from the recall extraction."""

    text: str
    rule: CascadeRule | None = None


def body_lines(text: str | None) -> list[str]:
    """Non-blank, stripped lines, as the classifier takes them."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def _is_sentence(line: str) -> bool:
    return len(line.split()) >= LEAD_MIN_WORDS and line.endswith(_SENTENCE_END)


def _confident(verdict: LineVerdict) -> bool:
    return not verdict.boilerplate and verdict.score < CONFIDENT_CONTENT


def _verdicts(lines: Sequence[str], language: str | None,
              model: BoilerplateModel | None) -> list[LineVerdict]:
    return classify_lines(lines, document_language(lines, declared=language), model=model)


def cascade(precision: str | None, recall: str | None, *, language: str | None = None,
            model: BoilerplateModel | None = None) -> CascadeResult:
    """Precision's text, completed from recall's by the rules above; consent and privacy
    notices are dropped from the result whatever rule applied."""
    kept, rule = _choose(body_lines(precision), body_lines(recall), language, model)
    notice = consent_lines(kept)
    return CascadeResult("\n".join(line for line, drop in zip(kept, notice, strict=True)
                                   if not drop), rule)


def _choose(precise: list[str], rich: list[str], language: str | None,
            model: BoilerplateModel | None) -> tuple[list[str], CascadeRule | None]:
    if not rich:
        return precise, None
    known = set(precise)
    if sum(map(len, precise)) < SHORT_SHARE * sum(map(len, rich)):
        verdicts = _verdicts(rich, language, model)
        if not any(_confident(v) for v in verdicts if v.text not in known):
            return precise, None
        return _merged(precise, verdicts), "short"
    if not precise or precise[0] not in rich:
        return precise, None
    start = rich.index(precise[0])
    if start == 0:
        return precise, None
    before = _verdicts(rich, language, model)[:start]
    lead = [v.text for v in before if not v.boilerplate and _is_sentence(v.text)
            and v.text not in known]
    return (lead + precise, "lead") if lead else (precise, None)


def _merged(precise: Sequence[str], verdicts: Sequence[LineVerdict]) -> list[str]:
    """Recall's lines in recall's order, where precision has them or the classifier is
    confident; a precision line recall lacks follows the precision line before it, so
    nothing precision kept is lost, unless recall's taken lines already hold its text (the
    same paragraph, split or joined differently)."""
    in_rich = {v.text for v in verdicts}
    known = set(precise)
    follows: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for line in precise:
        if line in in_rich:
            anchor = line
        else:
            follows.setdefault(anchor, []).append(line)
    taken = [v.text for v in verdicts if v.text in known or _confident(v)]
    joined = "\n".join(taken)
    merged = [line for line in follows.pop(None, []) if line not in joined]
    for line in taken:
        merged.append(line)
        merged.extend(extra for extra in follows.pop(line, []) if extra not in joined)
    return merged
