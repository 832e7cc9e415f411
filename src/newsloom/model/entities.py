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


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the corpus and its languages."""

    id: str
    key: str
    name: str
    type: EntityType
    aliases: dict[str, list[str]]  # language → surface forms seen
    articles: int = 0


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as an article, story or storyline lists it."""

    id: str
    name: str
    type: EntityType
    mentions: int


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
