"""A small in-memory stand-in for the store, loaded from tests/fixtures_timeline/."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsloom.model import (
    Article,
    DateEstimate,
    Entity,
    EntityRef,
    MemberEntity,
    MemberRow,
    PublicationDate,
)

FIXTURES = Path(__file__).parent / "fixtures_timeline"


def load_fixture(name: str = "articles.json") -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def article(record: dict[str, Any]) -> Article:
    published = record.get("published")
    estimate = record.get("estimate")
    return Article(
        id=record["id"], source_id=record["id"], source=f"fixture#{record['id']}", url=None,
        title=record.get("title"), outlet=record.get("outlet"), authors=[],
        published=PublicationDate(published, 0.9, "metadata") if published else None,
        published_estimate=DateEstimate(estimate, "year", "fixture") if estimate else None,
        language=record.get("lang"), language_confidence=0.99, text=record["text"])


@dataclass
class FakeStore:
    """The store methods the timeline modules read, over fixture records."""

    records: list[dict[str, Any]]
    entity_of: dict[str, list[str]] = field(default_factory=dict)  # entity name → article ids
    storylines: dict[str, str] = field(default_factory=dict)  # story → storyline

    def get_article(self, ref: str) -> Article | None:
        found = [r for r in self.records if r["id"] == ref]
        return article(found[0]) if found else None

    def _row(self, seq: int, r: dict[str, Any]) -> MemberRow:
        return MemberRow(r["story"], r["id"], seq, r.get("title"), r.get("lang"),
                         r.get("outlet"), r.get("published"), r.get("duplicate_of"))

    def resolve_story(self, story_id: str) -> str:
        return story_id  # the fixtures record no merges

    def resolve_storyline(self, line_id: str) -> str | None:
        return line_id if line_id in self.storylines.values() else None  # nor redirects

    def story_members(self, story_ids: list[str] | None = None) -> list[MemberRow]:
        return [self._row(i, r) for i, r in enumerate(self.records)
                if story_ids is None or r["story"] in story_ids]

    def article_members(self, article_ids: list[str], with_duplicates: bool = False
                        ) -> list[MemberRow]:
        return [self._row(i, r) for i, r in enumerate(self.records)
                if r["id"] in article_ids
                or (with_duplicates and r.get("duplicate_of") in article_ids)]

    def entity_article_ids(self, entity_id: str) -> list[str]:
        return sorted(a for name, ids in self.entity_of.items() if f"e-{name}" == entity_id
                      for a in ids)

    def storyline_of(self) -> dict[str, str]:
        return dict(self.storylines)

    def storyline_labels(self) -> dict[str, str]:
        return {line: f"label {line}" for line in self.storylines.values()}

    def find_entity(self, ref: str) -> Entity | None:
        if ref not in self.entity_of:
            return None
        return Entity(f"e-{ref}", f"name:{ref.lower()}", ref, "ORG", {},
                      len(self.entity_of[ref]))

    def member_entities(self, article_ids: list[str] | None = None) -> list[MemberEntity]:
        return [MemberEntity(a, EntityRef(f"e-{name}", name, "ORG", 1), 1.0)
                for name, ids in self.entity_of.items() for a in ids
                if article_ids is None or a in article_ids]


def fake_store(records: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
    """Typed as Any: the timeline functions annotate the real SQLiteStore."""
    return FakeStore(records if records is not None else load_fixture(), **kwargs)
