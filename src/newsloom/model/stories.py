"""Stories, storylines and the evidence the clusterer records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from newsloom.model.entities import EntityRef


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, in any language."""

    id: str
    title: str
    languages: list[str]
    article_ids: list[str]
    duplicates: int  # member articles that are copies of another member
    #: Independent sources: distinct known outlets among the non-duplicate articles; an
    #: article with unknown outlet adds none, so a story whose outlets are all unknown has 0.
    sources: int
    key_entities: list[EntityRef]
    first_seen: str | None  # earliest stated publication date
    last_seen: str | None
    storyline_id: str | None


@dataclass(frozen=True, slots=True)
class StorylineRecord:
    """Stories chained by the same actors over time."""

    id: str
    label: str
    story_ids: list[str]
    key_entities: list[EntityRef]
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the scorer knows about one article."""

    article_id: str
    vector: npt.NDArray[np.float32]  # L2-normalised event embedding
    entities: Mapping[str, float]  # entity id → salience (any positive scale)
    published: date | None = None
    outlet: str | None = None
    language: str | None = None
    terms: Mapping[str, int] = field(default_factory=dict)  # content lemma → count
    event_date: EventDate | None = None
    entity_types: Mapping[str, str] = field(default_factory=dict)  # entity id → PER/ORG/LOC


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an article's event happened, as far as the article tells (never invented):
    ``basis`` "published" (the stated date), "text" (a date the text names) or "estimate"
    (the year estimate); ``granularity`` says how precise ``value`` is."""

    value: date
    granularity: Literal["day", "month", "year"]
    basis: Literal["published", "text", "estimate"]

    def encode(self) -> str:
        return f"{self.value.isoformat()}|{self.granularity}|{self.basis}"

    @classmethod
    def decode(cls, text: str | None) -> EventDate | None:
        if not text:
            return None
        value, granularity, basis = text.split("|")
        return cls(date.fromisoformat(value), granularity, basis)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    kind: Literal["create", "join", "merge", "split"]
    story_id: str
    article_id: str
    other_story_id: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One article of a story, as the store returns it."""

    story_id: str
    article_id: str
    seq: int
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class MemberEntity:
    article_id: str
    entity: EntityRef
    salience: float


@dataclass(frozen=True, slots=True)
class StoryProfile:
    story_id: str
    centroid: npt.NDArray[np.float32]  # mean of member vectors, L2-normalised
    entities: Mapping[str, float]  # entity id → summed salience over independent articles


@dataclass(frozen=True, slots=True)
class Storyline:
    id: str
    story_ids: list[str]
    label_entities: list[str]  # entity ids, most characteristic first


