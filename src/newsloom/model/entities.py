"""Entity mentions, linked entities and aliases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityType = Literal["PER", "ORG", "LOC", "MISC"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention in an article's text: character offsets into ``Article.text``."""

    start: int
    end: int
    text: str
    type: EntityType


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """One entity as one article mentions it, before corpus-wide resolution.

    ``key`` is language-independent: ``loc:RU`` for a gazetteer place, else ``name:`` plus the
    transliterated, case-folded name, so "Huaweis" and "Huawei" share one.
    """

    key: str
    name: str  # the surface form used most in this article
    type: EntityType
    mentions: int
    salience: float  # mentions, weighted up in the headline and lead
    surfaces: tuple[str, ...]
    #: The article gives evidence beyond the tagger (enrich/entities.py ``vouched``): a
    #: gazetteer knows the name, a known name stands in one list with it, or an organisation
    #: noun introduces it ("the Russian operator MTS").
    vouched: bool = False


#: An entity named in this many articles is corroborated by the corpus itself.
CORROBORATING_ARTICLES = 2


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the corpus and its languages."""

    id: str
    key: str
    name: str
    type: EntityType
    aliases: dict[str, list[str]]  # language → surface forms seen
    articles: int = 0
    vouched: bool = False  # some article vouched for it (ArticleEntity.vouched)

    @property
    def confirmed(self) -> bool:
        """Listed as an entity: see :func:`confirmed_entity`."""
        return confirmed_entity(self.type, self.articles, self.vouched, self.key)


def person_surname(key: str, entity_type: str) -> str | None:
    """Last name of a multi-word person key ("name:donald trump" → "trump"), else None.

    The stores index it (the resolver's "bare surname of a known full name" loads the
    candidates for one surname), and :func:`confirmed_entity` lists a person named in full."""
    tokens = key.removeprefix("name:").split()
    return tokens[-1] if entity_type == "PER" and len(tokens) > 1 else None


def confirmed_entity(entity_type: str, articles: int, vouched: bool, key: str) -> bool:
    """Whether newsloom lists an entity (precision first; docs/benchmarks.md "Entities you
    can trust"): named in two or more articles, or a person named in full (``key`` has a
    surname), or vouched for by an article's evidence. What one article names with nothing
    to back the tagger is kept (it may be confirmed later) but not listed: on hand-labelled
    news, organisations and places named so are right about half the time, and one-word
    "persons" of one article as often ("Guselkumab", a drug; "Knesset"); entities two
    articles name, 19 times in 20. The SQL of both stores repeats this rule (store/rows.py
    ``CONFIRMED_SQL``, over the stored surname)."""
    return (articles >= CORROBORATING_ARTICLES or vouched
            or person_surname(key, entity_type) is not None)


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as an article, story or storyline lists it."""

    id: str
    name: str
    type: EntityType
    mentions: int
    confirmed: bool = True  # Entity.confirmed of the canonical entity


@dataclass(frozen=True, slots=True)
class Alias:
    alias_key: str
    entity_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResolvedEntity:
    """One article's entity after resolution: what article export and storage need."""

    entity_id: str
    name: str
    type: EntityType
    mentions: int
    salience: float
    surfaces: tuple[str, ...]
