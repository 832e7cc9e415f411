"""Compare trained NER model directories on the dev split :mod:`ner_train` holds out (never
val): F1, where the errors are (:func:`newsloom.training.ner_data.error_classes`), recall on gold
names that the rest of train annotates too ("seen") and on the others, and the F1 of the
models' averaged probabilities. For choosing between training variants; val is scored only
for the model finally shipped (``newsloom eval ner``)::

    python -m newsloom.training.ner_dev --lang en --data ../shared/data/ner \\
        src/newsloom/enrich/models/ner-en /tmp/ner-e5

``--articles FILE.jsonl`` adds each model's CPU milliseconds per article (``title`` + ``text``
of the records whose ``lang`` is ``--lang``, cut to 3,000 characters, batches of 64, one BLAS
thread as in :func:`newsloom.enrich.ner.recognize_many`; best of three passes).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language

from newsloom.enrich import (
    ner,
    ner_vectors,  # noqa: F401  (registers the subword layers)
)
from newsloom.enrich.ner import decode, doc_mentions
from newsloom.training.ner_data import (
    Sentence,
    entities,
    error_classes,
    read_conll,
    score,
    spans_to_tags,
)
from newsloom.training.ner_train import CORPORA, split_dev


def probabilities(nlp: Language, sentences: Sequence[Sentence]) -> list[numpy.ndarray]:
    """Per-sentence tag probabilities (tokens × labels) of the model's tagger."""
    tagger: Any = nlp.get_pipe("tagger")
    docs = [nlp.make_doc(" ".join(tokens)) for tokens, _ in sentences]
    out = []
    for z in tagger.model.predict(docs):
        z = numpy.asarray(z)
        e = numpy.exp(z - z.max(axis=1, keepdims=True))
        out.append(e / e.sum(axis=1, keepdims=True))
    return out


def predicted_tags(nlp: Language, sentences: Sequence[Sentence], probs: Sequence[numpy.ndarray],
                   types: set[str]) -> list[list[str]]:
    """Gold-token tags from probabilities, decoded exactly as at run time."""
    labels = list(nlp.get_pipe("tagger").labels)  # type: ignore[attr-defined]
    out = []
    for (tokens, _), p in zip(sentences, probs, strict=True):
        doc = nlp.make_doc(" ".join(tokens))
        found = doc_mentions(doc, decode(numpy.log(p + 1e-12), labels), doc.text)
        out.append(spans_to_tags(tokens, [(m.start, m.end, m.type) for m in found
                                          if m.type in types]))
    return out


def seen_recall(dev: Sequence[Sentence], rest: Sequence[Sentence], pred: Sequence[Sequence[str]]
                ) -> dict[str, dict[str, float]]:
    """Recall on gold names whose exact string the rest of train annotates, and on the rest."""
    known = {" ".join(t[a:b + 1]) for t, g in rest for _, a, b in entities(g)}
    hits = {"seen": [0, 0], "unseen": [0, 0]}
    for (tokens, gold), p in zip(dev, pred, strict=True):
        found = set(entities(p))
        for entity in entities(gold):
            kind = "seen" if " ".join(tokens[entity[1]:entity[2] + 1]) in known else "unseen"
            hits[kind][0] += entity in found
            hits[kind][1] += 1
    return {k: {"entities": n, "recall": round(h / n, 4) if n else 0.0}
            for k, (h, n) in hits.items()}


def cpu_ms_per_article(nlp: Language, texts: Sequence[str], batch_size: int = 64) -> float:
    tagger: Any = nlp.get_pipe("tagger")
    ner._use_openblas(tagger.model)  # as enrich.ner loads its models
    labels = list(tagger.labels)
    tagger.model.predict([nlp.make_doc(t) for t in texts[:batch_size]])  # warm caches
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        with ner._one_blas_thread():
            for i in range(0, len(texts), batch_size):
                docs = [nlp.make_doc(t) for t in texts[i:i + batch_size]]
                for p in tagger.model.predict(docs):
                    decode(p, labels)
        best = min(best, time.process_time() - started)
    return 1000 * best / max(len(texts), 1)


def read_articles(path: Path, lang: str, chars: int = 3000) -> list[str]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    return [((r.get("title") or "") + "\n" + (r.get("text") or ""))[:chars] for r in records
            if r.get("lang") == lang]


def compare(lang: str, data: Path, models: Sequence[Path], dev_size: int = 1000,
            seed: int = 0, articles: Sequence[str] = ()) -> dict[str, Any]:
    corpus = next(c for c in CORPORA[lang] if Path(c).name == lang)
    dev, rest = split_dev(read_conll(data / corpus / "train.conllu"), dev_size, seed)
    gold = [tags for _, tags in dev]
    types = {t for tags in gold for t, _, _ in entities(tags)}
    report: dict[str, Any] = {"dev_sentences": len(dev), "models": {}}
    all_probs = []
    nlp: Language | None = None
    for path in models:
        nlp = spacy.load(path)
        probs = probabilities(nlp, dev)
        all_probs.append(probs)
        pred = predicted_tags(nlp, dev, probs, types)
        result = score(gold, pred)
        report["models"][str(path)] = {
            "f1": round(result.f1, 4), "precision": round(result.precision, 4),
            "recall": round(result.recall, 4), "gold": result.gold,
            "per_type": {t: round(s["f1"], 4) for t, s in result.per_type.items()},
            "errors": dict(error_classes(gold, pred).most_common()),
            "names": seen_recall(dev, rest, pred),
        }
        if articles:
            report["models"][str(path)]["cpu_ms_per_article"] = round(
                cpu_ms_per_article(nlp, articles), 1)
    if nlp is not None and len(models) > 1:
        mean = [numpy.mean(ps, axis=0) for ps in zip(*all_probs, strict=True)]
        report["ensemble_f1"] = round(score(gold, predicted_tags(nlp, dev, mean, types)).f1, 4)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="model directories (ner_train)")
    parser.add_argument("--lang", required=True)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ner"))
    parser.add_argument("--dev-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles", type=Path, help="JSONL of news articles for timing")
    args = parser.parse_args(argv)
    for path in args.models:
        if not (path / "config.cfg").is_file():
            parser.error(f"{path}: not a model directory (no config.cfg)")
    articles = read_articles(args.articles, args.lang) if args.articles else []
    if args.articles and not articles:
        parser.error(f"{args.articles}: no records with lang {args.lang!r}")
    print(json.dumps(compare(args.lang, args.data, args.models, args.dev_size, args.seed,
                             articles), indent=2))


if __name__ == "__main__":
    main()
