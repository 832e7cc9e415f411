"""Aliases from name similarity confirmed by context: "Mail.ru Group" ~ "Mail.ru",
"Selenskyj" ~ "Zelensky", "The Verge" ~ "TheVerge".

The resolver's exact rules (same key, inflection, bare surname) never merge two spellings of
one name, and spelling alone is a poor guide: "Jackson" the singer and "Jackson" the
town, "Telekom" in Germany and in Austria. So a name that is *similar* to a known entity's
becomes its alias only when the article it appears in reads like the articles that entity
appears in: the cosine of the article's document embedding (the multilingual encoder the
corpus already runs, so this costs no extra model call) with the entity's context vector,
the normalised mean of the embeddings of its articles. Two numbers decide, both explained
in :class:`NameMatchOptions`; nothing else is tuned.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from newsloom.model import Alias, Entity, EntityType

_TOKEN = re.compile(r"[^\W_]+(?:[.&'][^\W_]+)*")

NameRelation = str  # "token subset" | "spelling variant" | "compact form"


@dataclass(frozen=True, slots=True)
class NameMatchOptions:
    """min_context_cosine: centred cosine (see :class:`EntityContexts`) of the article with
    the entity's context. Measured on the 50,000-article scale store by ``newsloom eval
    entity-contexts`` (docs/benchmarks.md, "Entities"): an article reaches 0.4 with its own
    entity's other articles in 57% of cases, with a random other entity's in 8%. A merge
    also needs related names, so the threshold only has to veto the clearly unrelated.
    min_spelling_ratio: difflib's ratio above which two transliterations are taken as one
    spelling ("selenskyj"/"zelensky" 0.82); different names that differ by a suffix pass
    it too ("huber"/"hubert" 0.91), hence the sound-key guard in :func:`name_relation`.
    min_token_chars: a shared token shorter than this ("ag", "us", "new") does not make
    two names related."""

    min_context_cosine: float = 0.4
    min_spelling_ratio: float = 0.8
    min_token_chars: int = 4


def name_tokens(key: str) -> tuple[str, ...]:
    """Tokens of a ``name:`` key (keys are already transliterated and case-folded)."""
    return tuple(_TOKEN.findall(key.removeprefix("name:")))


def _compact(tokens: Sequence[str]) -> str:
    return "".join(re.sub(r"[^\w]", "", t) for t in tokens)


def _spelling_variant(a: str, b: str, options: NameMatchOptions) -> bool:
    """Two tokens spelled differently for one name. Spelling variants differ in letters,
    not in where the word ends: a token that is the other plus a sounded suffix is another
    word ("huber"/"hubert"); a silent one ("zelensky"/"zelenskyy") keeps the sound key."""
    if min(len(a), len(b)) < options.min_token_chars + 2:
        return False
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    extends = a.startswith(b) or b.startswith(a)
    return ratio >= options.min_spelling_ratio and (
        not extends or sound_key(a) == sound_key(b))


def name_relation(new_key: str, known_key: str, options: NameMatchOptions | None = None,
                  entity_type: EntityType | None = None) -> NameRelation | None:
    """How a new ``name:`` key may name what a known key names, or ``None``.

    Directional, because a longer name that contains a known one is often something else
    ("Wuhan Tianhe International Airport" is not Wuhan): a known *single* word is never
    extended, while a known multi-word name may gain decoration ("The New York Times",
    "Holland America Line 57"). A new single word must be the first or last word of the
    known name of two or three words ("Telekom", "Dumont" of "Dumont Mediengruppe"), not
    one from the middle; longer names are descriptions ("Wuhan Tianhe International
    Airport"), which nobody shortens to one word. A person goes by the last word only.
    """
    options = options or NameMatchOptions()
    if not (new_key.startswith("name:") and known_key.startswith("name:")):
        return None
    new, known = name_tokens(new_key), name_tokens(known_key)
    if not new or not known or new == known:
        return None
    if _compact(new) == _compact(known):
        return "compact form"
    ends = (known[-1],) if entity_type == "PER" else (known[0], known[-1])
    if (len(new) < len(known) and set(new) <= set(known)
            and any(len(t) >= options.min_token_chars for t in new)
            and (len(new) > 1 or (new[0] in ends and len(known) <= 3))):
        return "token subset"
    if len(new) > len(known) > 1 and set(known) <= set(new):
        return "token subset"
    if len(new) == len(known):
        differing = [(x, y) for x, y in zip(new, known, strict=True) if x != y]
        if differing and all(_spelling_variant(x, y, options) for x, y in differing):
            return "spelling variant"
    return None


def _unit(vector: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    unit = vector / norm if norm > 0 else vector
    return unit.astype(np.float32, copy=False)


@dataclass
class EntityContexts:
    """Running context per entity, the sum of its articles' unit embeddings, plus the sum
    over every article seen. Cosines are taken after subtracting the corpus mean: news
    embeddings share a large common direction (its norm is about 0.55 for USE-m3 over the
    scale corpus), which makes any two averages of many articles look alike."""

    sums: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    corpus_sum: npt.NDArray[np.float32] | None = None
    corpus_count: int = 0

    def add_article(self, article_vector: npt.NDArray[np.float32]) -> None:
        vector = _unit(np.asarray(article_vector, dtype=np.float32))
        self.corpus_sum = vector.copy() if self.corpus_sum is None else self.corpus_sum + vector
        self.corpus_count += 1

    def add(self, entity_id: str, article_vector: npt.NDArray[np.float32]) -> None:
        vector = _unit(np.asarray(article_vector, dtype=np.float32))
        current = self.sums.get(entity_id)
        self.sums[entity_id] = vector.copy() if current is None else current + vector
        self.counts[entity_id] = self.counts.get(entity_id, 0) + 1

    def cosine(self, entity_id: str, article_vector: npt.NDArray[np.float32]) -> float | None:
        total = self.sums.get(entity_id)
        if total is None:
            return None
        mean = (self.corpus_sum / self.corpus_count if self.corpus_sum is not None
                else np.zeros_like(total))
        context = total / self.counts[entity_id] - mean
        article = _unit(np.asarray(article_vector, dtype=np.float32)) - mean
        return float(_unit(context) @ _unit(article))


def context_alias(key: str, entity_type: EntityType, article_vector: npt.NDArray[np.float32],
                  candidates: Iterable[Entity], contexts: EntityContexts,
                  options: NameMatchOptions | None = None) -> Alias | None:
    """The known entity ``key`` most plausibly also names, as an alias with its reason.

    A candidate qualifies when its type matches, its name is related (see
    :func:`name_relation`) and the article's context cosine reaches the threshold; of
    several, the one with the highest cosine wins, and a tie refuses to guess.
    """
    options = options or NameMatchOptions()
    scored: list[tuple[float, str, NameRelation]] = []
    for entity in candidates:
        if entity.type != entity_type:
            continue
        relation = name_relation(key, entity.key, options, entity_type)
        if relation is None:
            continue
        cosine = contexts.cosine(entity.id, article_vector)
        if cosine is not None and cosine >= options.min_context_cosine:
            scored.append((cosine, entity.id, relation))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    cosine, entity_id, relation = scored[0]
    return Alias(key, entity_id, f"{relation}, context cosine {cosine:.2f}")


_SOUNDS = ((re.compile(r"t?sch"), "sh"), (re.compile(r"ph"), "f"), (re.compile(r"[zs]"), "s"),
           (re.compile(r"[ckq]"), "k"), (re.compile(r"[wv]"), "v"),
           (re.compile(r"[aeiouyjh]"), ""), (re.compile(r"(.)\1+"), r"\1"))


def sound_key(token: str) -> str:
    """A rough consonant skeleton, equal for common transliterations of one name
    ("selenskyj", "zelensky", "zelenskyy" → "slnsk"), so spelling variants that share no
    token can still be looked up; :func:`name_relation` then judges them properly."""
    for pattern, replacement in _SOUNDS:
        token = pattern.sub(replacement, token)
    return token


def candidate_tokens(key: str, options: NameMatchOptions | None = None) -> list[str]:
    """Index terms under which to store and look up ``key``: its long tokens, its compact
    form (so "theverge" finds "the verge") and the sound key of its longest token."""
    return list(_candidate_tokens(key, options or NameMatchOptions()))


@lru_cache(maxsize=65536)  # per process; the same names recur in every batch
def _candidate_tokens(key: str, options: NameMatchOptions) -> tuple[str, ...]:
    tokens = name_tokens(key)
    found = {t for t in tokens if len(t) >= options.min_token_chars}
    if tokens:
        found.add(_compact(tokens))
        longest = max(tokens, key=len)
        if len(longest) >= options.min_token_chars:
            found.add("~" + sound_key(longest))
    return tuple(sorted(found))
