"""CoNLL NER data and its scoring, shared by training (training/ner_*.py) and the benchmark
(``newsloom eval ner``, :mod:`newsloom.eval.ner`): reading ``.conllu`` files, IOB2 tags ↔
entity spans, and entity F1.

Scoring follows seqeval's default (non-strict) mode for IOB2, so the numbers are comparable
with published WikiANN / CoNLL-2002 results: an entity is a maximal ``B-X I-X*`` run, a stray
``I-X`` (after ``O`` or after another type) starts an entity, and a prediction counts only
when span *and* type match exactly. Precision, recall and F1 are micro-averaged over
entities. Tags of types outside PER/ORG/LOC/MISC are treated as ``O``. Predicted types the
val set does not annotate at all (MISC in WikiANN) are dropped before scoring.

:func:`spans_to_tags` maps predicted character spans back to gold tokens: a gold token takes
an entity's tag only when it lies entirely inside the span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

ENTITY_TYPES: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")

Sentence = tuple[list[str], list[str]]


class TypeScore(TypedDict):
    precision: float
    recall: float
    f1: float
    support: int  # gold entities of this type


@dataclass(frozen=True, slots=True)
class NerScore:
    precision: float
    recall: float
    f1: float
    per_type: dict[str, TypeScore]
    gold: int = 0  # gold entities
    predicted: int = 0
    correct: int = 0


# ------------------------------------------------------------------------------ reading


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences as ``(tokens, tags)``; accepts ``idx tok tag`` and ``tok tag`` lines."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                if tokens:
                    sentences.append((tokens, tags))
                    tokens, tags = [], []
                continue
            if line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                parts = line.split()
            tokens.append(parts[-2])
            tags.append(parts[-1])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


# ------------------------------------------------------------------------------ scoring


def _split(tag: str) -> tuple[str, str]:
    if tag == "O" or "-" not in tag:
        return "O", ""
    prefix, _, typ = tag.partition("-")
    if typ not in ENTITY_TYPES:
        return "O", ""
    return prefix, typ


def entities(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(type, first, last)`` token indices (inclusive), seqeval's ``get_entities`` rules.

    Also understands IOBES ``E-``/``S-`` tags the way seqeval does, so mixed files do not crash.
    """
    found: list[tuple[str, int, int]] = []
    prev_prefix, prev_type, begin = "O", "", -1
    for i, tag in enumerate([*tags, "O"]):
        prefix, typ = _split(tag)
        end_chunk = prev_prefix in ("E", "S") or (
            prev_prefix in ("B", "I") and (prefix in ("B", "S", "O") or typ != prev_type)
        )
        if end_chunk and begin >= 0:
            found.append((prev_type, begin, i - 1))
            begin = -1
        start_chunk = prefix in ("B", "S") or (
            prefix in ("I", "E") and (prev_prefix in ("E", "S", "O") or typ != prev_type)
        )
        if start_chunk:
            begin = i
        prev_prefix, prev_type = prefix, typ
    return found


def _prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(gold_tags: Sequence[Sequence[str]], pred_tags: Sequence[Sequence[str]]) -> NerScore:
    """Entity-level micro precision/recall/F1 over sentences, plus per-type scores."""
    if len(gold_tags) != len(pred_tags):
        raise ValueError(f"{len(gold_tags)} gold vs {len(pred_tags)} predicted sentences")
    gold: set[tuple[int, str, int, int]] = set()
    pred: set[tuple[int, str, int, int]] = set()
    for n, (g, p) in enumerate(zip(gold_tags, pred_tags, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"sentence {n}: {len(g)} gold vs {len(p)} predicted tags")
        gold.update((n, *e) for e in entities(g))
        pred.update((n, *e) for e in entities(p))
    correct = gold & pred
    per_type: dict[str, TypeScore] = {}
    for typ in ENTITY_TYPES:
        g_n = sum(1 for e in gold if e[1] == typ)
        p_n = sum(1 for e in pred if e[1] == typ)
        if not g_n and not p_n:
            continue
        c_n = sum(1 for e in correct if e[1] == typ)
        pr, rc, f = _prf(c_n, p_n, g_n)
        per_type[typ] = TypeScore(precision=pr, recall=rc, f1=f, support=g_n)
    pr, rc, f = _prf(len(correct), len(pred), len(gold))
    return NerScore(pr, rc, f, per_type, gold=len(gold), predicted=len(pred),
                    correct=len(correct))


def error_classes(gold_tags: Sequence[Sequence[str]], pred_tags: Sequence[Sequence[str]]
                  ) -> Counter[str]:
    """Where the entity errors are, for error analysis. Every gold entity is counted once as
    ``correct``, ``type`` (same span, other type: also ``type GOLD>PRED``), ``boundary`` (it
    overlaps predictions but none has its span; ``boundary+type`` when none has its type
    either) or ``missed``; every prediction overlapping no gold entity as ``spurious``."""
    out: Counter[str] = Counter()
    for g, p in zip(gold_tags, pred_tags, strict=True):
        gold = {(a, b): t for t, a, b in entities(g)}
        pred = {(a, b): t for t, a, b in entities(p)}
        for (a, b), typ in gold.items():
            if (a, b) in pred:
                same = pred[(a, b)] == typ
                out["correct" if same else "type"] += 1
                if not same:
                    out[f"type {typ}>{pred[(a, b)]}"] += 1
                continue
            overlap = [t for (c, d), t in pred.items() if c <= b and a <= d]
            if not overlap:
                out["missed"] += 1
            else:
                out["boundary" if typ in overlap else "boundary+type"] += 1
        spurious = sum(1 for c, d in pred if not any(a <= d and c <= b for a, b in gold))
        if spurious:
            out["spurious"] += spurious
    return out


# ------------------------------------------------------------------------------ tags


def spans_to_tags(tokens: Sequence[str], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags for ``tokens`` joined by single spaces, from ``(start, end, type)`` char spans.

    A token is tagged only when it lies entirely inside a span (see the module docstring).
    """
    starts: list[int] = []
    pos = 0
    for token in tokens:
        starts.append(pos)
        pos += len(token) + 1
    tags = ["O"] * len(tokens)
    for start, end, typ in sorted(spans):
        first = True
        for i, token in enumerate(tokens):
            t_start = starts[i]
            if t_start >= end:
                break
            if t_start >= start and t_start + len(token) <= end and tags[i] == "O":
                tags[i] = ("B-" if first else "I-") + typ
                first = False
    return tags
