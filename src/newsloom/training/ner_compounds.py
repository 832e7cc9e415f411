"""Names inside ``Name-head`` compounds (``US-Bürger``, ``Huawei-werknemers``) for NER
training data; see :mod:`newsloom.training.ner_train` for why and how they are used."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from newsloom.training.ner_data import Sentence, entities

HYPHENS = "-–"  # ASCII hyphen and en dash; the em dash is punctuation, not a compound joint

#: Heads of ``Name-head`` compounds common in news, with the types of name they take (the
#: head tells the type of an unknown modifier: ``X-Chef`` → ORG, ``X-Regierung`` → LOC), added
#: to heads harvested from the data, which take any type (see :func:`with_compounds`). Only
#: languages that write such compounds are listed.
COMPOUND_HEADS: dict[str, dict[str, str]] = {
    "de": {"Chef": "ORG", "Chefin": "ORG", "Konzern": "ORG", "Gründer": "ORG", "Aktie": "ORG",
           "Manager": "ORG", "Zentrale": "ORG", "Sprecher": "ORG LOC", "Vertreter": "ORG LOC",
           "Präsident": "LOC ORG", "Regierung": "LOC PER", "Minister": "LOC",
           "Markt": "LOC", "Behörde": "LOC", "Botschafter": "LOC", "Politiker": "ORG LOC",
           "Unternehmen": "ORG LOC", "Fans": "ORG PER", "Geschäft": "ORG LOC"},
    "nl": {"topman": "ORG", "topvrouw": "ORG", "baas": "ORG", "directeur": "ORG",
           "werknemers": "ORG", "aandeel": "ORG", "vestiging": "ORG", "woordvoerder": "ORG LOC",
           "president": "LOC ORG", "regering": "LOC PER", "minister": "LOC", "markt": "LOC",
           "leider": "ORG LOC", "fans": "ORG PER", "bedrijf": "ORG LOC"},
}



def compound_lexicon(sentences: Sequence[Sentence], min_count: int = 2) -> dict[str, str]:
    """Single-token names the data tags consistently (≥ 80 % one type, more often than O)."""
    typed: dict[str, Counter[str]] = defaultdict(Counter)
    plain: Counter[str] = Counter()
    for tokens, tags in sentences:
        for typ, first, last in entities(tags):
            if first == last:
                typed[tokens[first]][typ] += 1
        for token, tag in zip(tokens, tags, strict=True):
            if tag == "O":
                plain[token] += 1
    lexicon: dict[str, str] = {}
    for token, counts in typed.items():
        typ, n = counts.most_common(1)[0]
        total = sum(counts.values())
        if (total >= min_count and n >= 0.8 * total and total > plain[token]
                and token[:1].isupper() and len(token) >= 2 and not any(
                    h in token for h in HYPHENS)):
            lexicon[token] = typ
    return lexicon


def compound_heads(sentences: Sequence[Sentence], min_count: int = 2) -> list[str]:
    """Heads of ``Name-head`` compounds the data tags O (``Bürger`` in ``US-Bürger``)."""
    heads: Counter[str] = Counter()
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags, strict=True):
            first, dash, head = token.partition("-")
            if tag == "O" and dash and first[:1].isupper() and head.isalpha() and len(head) > 2:
                heads[head] += 1
    return sorted(h for h, n in heads.items() if n >= min_count)


def with_compounds(sentences: Sequence[Sentence], heads: Mapping[str, str], share: float,
                   rng: random.Random) -> dict[int, dict[str, str]]:
    """Turn ``share`` of single-token names into compounds, in place: ``Huawei`` (B-ORG) →
    ``Huawei-Chef`` (O), plus ``{"Huawei": "ORG"}`` for :func:`to_item`, which then tags the
    modifier. WikiANN has too few such compounds for a model to learn that a name keeps its
    type inside one, and German/Dutch news is full of them (``US-Präsident``,
    ``Huawei-werknemers``). ``heads`` maps a head to the name types it takes ("ORG LOC").
    Returns the added names per sentence, keyed by ``id(tokens)``."""
    added: dict[int, dict[str, str]] = {}
    by_type = {typ: sorted(h for h, types in heads.items() if typ in types.split())
               for typ in ("PER", "ORG", "LOC")}
    if share <= 0:
        return added
    for tokens, tags in sentences:
        for i, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
            single = tag.startswith("B-") and (i + 1 == len(tags) or tags[i + 1][:2] != "I-")
            fitting = by_type.get(tag[2:])
            if (single and fitting and token.isalpha() and token[:1].isupper()
                    and rng.random() < share):
                tokens[i] = f"{token}-{rng.choice(fitting)}"
                tags[i] = "O"
                added.setdefault(id(tokens), {})[token] = tag[2:]
    return added
