"""The entities a query names: how keyword search crosses languages, and what the entity
gate (:mod:`newsloom.search.fusion`) counts.

A run of query words names an entity when a key entity linking gives such a mention
(``newsloom.enrich.entities.mention_key``: places through the multilingual gazetteer, so
"Russland", "Rusland", "Russia" and "России" are all ``loc:RU``; names folded across case
and script) is a stored entity's key or alias key. Runs are read longest first and a word
belongs to at most one, so "New York Times" is the newspaper, not also the city. A web
address ("neues-deutschland.de") names its site, so a run may not take part of one.

The words of a named run are searched as every name the corpus has written the entity
under, in every language (:func:`with_entity_forms`). An article holds the entity when
entity linking found it there (``article_entities``: the corpus's own resolution) or when it
writes one of those names (the lemma index: entity linking misses some mentions, e.g.
"Deutschland" in a report about travel to Mallorca); the gate in
:mod:`newsloom.search.fusion` counts what it holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsloom.text.stem import WORD, query_lemma

if TYPE_CHECKING:
    from newsloom.model import Entity, EntityType
    from newsloom.store.ports import SearchBackend

#: Longest run of query words read as one name ("Bank of England", "Donald J. Trump").
MAX_NAME_WORDS = 4
#: Key types tried for each run: a place (or country adjective), an organisation (legal
#: suffix dropped), a name as written.
_TYPES: tuple[EntityType, ...] = ("LOC", "ORG", "PER")
#: Shorter names of an entity are not searched for it: the index folds case, so "US" and
#: "EU" would match the words "us" and "eu" (a name the query itself types is kept).
MIN_FORM_CHARS = 3
#: A whitespace-separated chunk with a dot between letters: a web address or "Mail.ru".
_DOTTED = re.compile(r"[^\W_]\.[^\W_]")


@dataclass(frozen=True, slots=True)
class NamedPhrase:
    """Query words ``start`` up to (not including) ``end`` name ``entities``."""

    start: int
    end: int
    entities: tuple[Entity, ...]


def _chunks(text: str, count: int) -> list[tuple[int, int]]:
    """Per query word, the (first, last + 1) words of its chunk when that chunk is dotted
    (a run must take all of it or none), else the word alone."""
    words = list(WORD.finditer(text))
    spans = [(i, i + 1) for i in range(count)]
    for chunk in re.finditer(r"\S+", text):
        inside = [i for i, w in enumerate(words)
                  if chunk.start() <= w.start() and w.end() <= chunk.end()]
        if len(inside) > 1 and _DOTTED.search(chunk.group()):
            for i in inside:
                spans[i] = (inside[0], inside[-1] + 1)
    return spans


def _runs(text: str) -> list[tuple[int, int, str]]:
    """(first word, word after the last, surface) of every run of up to MAX_NAME_WORDS
    query words, longest first; the surface keeps what is between the words ("Mail.ru")."""
    words = list(WORD.finditer(text))
    chunks = _chunks(text, len(words))
    found: list[tuple[int, int, str]] = []
    for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            end = start + size
            if chunks[start][0] < start or chunks[end - 1][1] > end:
                continue  # part of a web address
            found.append((start, end, text[words[start].start():words[end - 1].end()]))
    return found


def run_keys(surface: str) -> set[str]:
    """The entity keys a mention with this surface may have (see the module docstring)."""
    from newsloom.enrich.entities import mention_key

    return {mention_key(surface, kind)[0] for kind in _TYPES}


def named_phrases(store: SearchBackend, text: str) -> list[NamedPhrase]:
    """The runs of the query that name stored entities, in query order, none overlapping."""
    runs = [(start, end, run_keys(surface)) for start, end, surface in _runs(text)]
    keys = sorted({key for _, _, found in runs for key in found})
    if not keys:
        return []
    entities, aliases = store.entities_for(keys)
    by_id = {e.id: e for e in entities}
    by_key = {e.key: e.id for e in entities} | {a.alias_key: a.entity_id for a in aliases}
    taken: set[int] = set()
    named: list[NamedPhrase] = []
    for start, end, found in runs:  # longest first
        ids = sorted({by_key[k] for k in found if by_key.get(k) in by_id})
        if ids and not taken.intersection(range(start, end)):
            named.append(NamedPhrase(start, end, tuple(by_id[i] for i in ids)))
            taken.update(range(start, end))
    return sorted(named, key=lambda p: p.start)


def entity_forms(entity: Entity) -> list[str]:
    """Index terms of every name the corpus has seen ``entity`` under: each alias as
    lemmas of its language (a phrase for several words, as the lemma index holds them) and
    as written, lower-case; none shorter than MIN_FORM_CHARS."""
    forms: dict[str, None] = {}
    for lang, surfaces in sorted(entity.aliases.items()):
        for surface in [*surfaces, entity.name]:
            words = WORD.findall(surface)
            for form in (" ".join(query_lemma(w, lang) for w in words),
                         " ".join(w.lower() for w in words)):
                if len(form) >= MIN_FORM_CHARS:
                    forms[form] = None
    return list(forms)


def phrase_group(groups: list[tuple[str, ...]], phrase: NamedPhrase) -> tuple[str, ...]:
    """The keyword group of a named run: the run as typed (its words' forms for one word)
    and every form of its entities."""
    typed = groups[phrase.start] if phrase.end - phrase.start == 1 else (
        " ".join(g[0] for g in groups[phrase.start:phrase.end]),)
    forms = dict.fromkeys(typed)
    for entity in phrase.entities:
        forms.update(dict.fromkeys(entity_forms(entity)))
    return tuple(forms)


def with_entity_forms(groups: list[tuple[str, ...]], named: Sequence[NamedPhrase]
                      ) -> list[tuple[str, ...]]:
    """``groups`` (one per query word, :func:`newsloom.search.retrieve.query_terms`) with the
    words of each named run replaced by one group (:func:`phrase_group`), so "Russland"
    also matches "Rusland", "Russia" and "russischen" wherever the corpus wrote them."""
    out: list[tuple[str, ...]] = []
    starts = {p.start: p for p in named}
    index = 0
    while index < len(groups):
        phrase = starts.get(index)
        if phrase is None:
            out.append(groups[index])
            index += 1
            continue
        out.append(phrase_group(groups, phrase))
        index = phrase.end
    return out


def held(named: Sequence[NamedPhrase], holders: Mapping[str, set[str]],
         writers: Mapping[str, set[int]] | None = None) -> dict[str, set[int]]:
    """Article id → positions (in ``named``) of the named runs whose entity it holds: linked
    there (``holders``: article id → entity ids, :meth:`SearchArticles.entity_holders`) or
    written there under one of its names (``writers``: article id → positions,
    :meth:`KeywordIndex.term_holders` of the runs' :func:`phrase_group`)."""
    position = {e.id: i for i, p in enumerate(named) for e in p.entities}
    found = {article: {position[e] for e in ids if e in position}
             for article, ids in holders.items()}
    for article, positions in (writers or {}).items():
        found.setdefault(article, set()).update(positions)
    return found
