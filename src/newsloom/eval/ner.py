"""Named-entity recognition benchmark: seqeval-style entity F1 and throughput.

Data: ``../shared/data/ner/{wikiann,conll2002}/<lang>/val.conllu`` — one token per line as
``idx<TAB>token<TAB>IOB2-tag``, a blank line between sentences.

Scoring follows seqeval's default (non-strict) mode for IOB2 (:mod:`newsloom.training.ner_data`,
shared with training), so the numbers are comparable with published WikiANN / CoNLL-2002
results.

:func:`evaluate_file` scores the *real* recogniser, not the model on gold tokens: it joins the
gold tokens with single spaces, runs :func:`newsloom.enrich.ner.recognize_many` on that text
and maps predicted character spans back to gold tokens. A gold token takes an entity's tag only
when it lies entirely inside the predicted span — a mention of ``Huawei`` inside the token
``Huawei-Chef`` leaves that token ``O``, exactly like the gold annotation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsloom.training.ner_data import (
    Sentence,
    TypeScore,
    entities,
    read_conll,
    score,
    spans_to_tags,
)


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


# ------------------------------------------------------------------------------ runners


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

