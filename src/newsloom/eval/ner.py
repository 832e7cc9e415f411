"""Named-entity recognition benchmark: seqeval-style entity F1 and throughput.

Data: ``../shared/data/ner/{wikiann,conll2002}/<lang>/val.conllu`` — one token per line as
``idx<TAB>token<TAB>IOB2-tag``, a blank line between sentences.

Scoring follows seqeval's default (non-strict) mode for IOB2, so the numbers are comparable
with published WikiANN / CoNLL-2002 results: an entity is a maximal ``B-X I-X*`` run, a stray
``I-X`` (after ``O`` or after another type) starts an entity, and a prediction counts only
when span *and* type match exactly. Precision, recall and F1 are micro-averaged over
entities. Tags of types outside PER/ORG/LOC/MISC are treated as ``O``. Predicted types the
val set does not annotate at all (MISC in WikiANN) are dropped before scoring.

:func:`evaluate_file` scores the *real* recogniser, not the model on gold tokens: it joins the
gold tokens with single spaces, runs :func:`newsloom.enrich.ner.recognize_many` on that text
and maps predicted character spans back to gold tokens. A gold token takes an entity's tag only
when it lies entirely inside the predicted span — a mention of ``Huawei`` inside the token
``Huawei-Chef`` leaves that token ``O``, exactly like the gold annotation.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

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


@dataclass(frozen=True, slots=True)
class NerEvaluation:
    """One val set scored end-to-end through the recogniser (what ``newsloom eval ner`` shows)."""

    lang: str
    dataset: str  # e.g. "wikiann/de"
    precision: float
    recall: float
    f1: float
    per_type: dict[str, TypeScore]
    sentences: int
    seconds: float  # wall clock for recognition only (not reading or scoring)
    model: str | None = None  # which model answered, from enrich.ner.model_info

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SpeedResult:
    """Throughput of :func:`newsloom.enrich.ner.recognize_many` on one process."""

    lang: str
    docs: int
    chars: int
    mentions: int
    seconds: float
    load_seconds: float  # first-call model load, excluded from ``seconds``
    docs_per_s: float = field(init=False)
    chars_per_s: float = field(init=False)

    def __post_init__(self) -> None:
        secs = max(self.seconds, 1e-9)
        object.__setattr__(self, "docs_per_s", self.docs / secs)
        object.__setattr__(self, "chars_per_s", self.chars / secs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


# ------------------------------------------------------------------------------ runners


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


def evaluate_sentences(sentences: Sequence[Sentence], lang: str, dataset: str = "",
                       batch_size: int = 256, clean_mentions: bool = False) -> NerEvaluation:
    from newsloom.enrich import ner  # late: keep the scorer importable without spaCy

    texts = [" ".join(tokens) for tokens, _ in sentences]
    ner.recognize_many(texts[:1], lang)  # load the model outside the timed section
    started = time.perf_counter()
    mentions = ner.recognize_many(texts, lang, batch_size=batch_size)
    if clean_mentions:  # the clean-up entity linking applies to news (enrich/mentions.py)
        from newsloom.enrich.mentions import refine_mentions

        mentions = [refine_mentions(text, found, lang)
                    for text, found in zip(texts, mentions, strict=True)]
    seconds = time.perf_counter() - started
    # A corpus without MISC annotation (WikiANN) cannot judge MISC predictions: drop them
    # rather than count every one as a false positive.
    annotated = {typ for _, tags in sentences for typ, _, _ in entities(tags)}
    preds = [
        spans_to_tags(tokens, ((m.start, m.end, m.type) for m in found if m.type in annotated))
        for (tokens, _), found in zip(sentences, mentions, strict=True)
    ]
    result = score([tags for _, tags in sentences], preds)
    return NerEvaluation(
        lang=lang, dataset=dataset, precision=result.precision, recall=result.recall,
        f1=result.f1, per_type=result.per_type, sentences=len(sentences), seconds=seconds,
        model=ner.model_info(lang),
    )


def evaluate_file(path: str | Path, lang: str, dataset: str | None = None,
                  clean_mentions: bool = False) -> NerEvaluation:
    """Score the recogniser for ``lang`` on one CoNLL file."""
    path = Path(path)
    name = dataset or f"{path.parent.parent.name}/{path.parent.name}"
    return evaluate_sentences(read_conll(path), lang, name, clean_mentions=clean_mentions)


def evaluate_all(data_dir: str | Path, clean_mentions: bool = False) -> list[NerEvaluation]:
    """Every ``<corpus>/<lang>/val.conllu`` under ``data_dir`` (e.g. ``../shared/data/ner``)."""
    return [
        evaluate_file(path, path.parent.name, clean_mentions=clean_mentions)
        for path in sorted(Path(data_dir).glob("*/*/val.conllu"))
    ]


def articles_from_conll(path: str | Path, n: int = 300, chars: int = 3000) -> list[str]:
    """``n`` pseudo-articles of about ``chars`` characters made of consecutive sentences.

    For the throughput benchmark: real tokens of the language at a news-like length.
    """
    articles: list[str] = []
    current: list[str] = []
    size = 0
    for tokens, _ in read_conll(path):
        sentence = " ".join(tokens)
        current.append(sentence)
        size += len(sentence) + 1
        if size >= chars:
            articles.append(" ".join(current)[:chars])
            current, size = [], 0
            if len(articles) >= n:
                break
    return articles


def benchmark_speed(lang: str, texts: Sequence[str], batch_size: int = 64) -> SpeedResult:
    """Time :func:`recognize_many` on ``texts`` in this process (one core for spaCy's CNN)."""
    from newsloom.enrich import ner

    started = time.perf_counter()
    ner.recognize_many(texts[:1], lang)
    load = time.perf_counter() - started
    started = time.perf_counter()
    found = ner.recognize_many(texts, lang, batch_size=batch_size)
    seconds = time.perf_counter() - started
    return SpeedResult(lang=lang, docs=len(texts), chars=sum(map(len, texts)),
                       mentions=sum(map(len, found)), seconds=seconds, load_seconds=load)


def benchmark_all(data_dir: str | Path, n: int = 300, chars: int = 3000) -> list[SpeedResult]:
    """:func:`benchmark_speed` per language with a model and a val file under ``data_dir``,
    on ``n`` pseudo-articles of ``chars`` characters (:func:`articles_from_conll`; CoNLL-2002
    news sentences where present, else WikiANN)."""
    from newsloom.enrich import ner

    paths: dict[str, Path] = {}
    for path in sorted(Path(data_dir).glob("*/*/val.conllu")):
        lang = path.parent.name
        if path.parent.parent.name == "conll2002" or lang not in paths:
            paths[lang] = path
    return [benchmark_speed(lang, articles_from_conll(path, n, chars))
            for lang, path in sorted(paths.items()) if lang in ner.available_languages()]

