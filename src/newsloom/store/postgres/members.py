"""PostgreSQL reads of stories as their member articles and entities, of the evidence a pair
of articles is scored on, and of entities (mixed into PostgresStore)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsloom.model import Entity, EntityRef, EventDate, Evidence, MemberEntity, MemberRow
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.search import vector_from
from newsloom.store.rows import CONFIRMED_E_SQL, ENTITY_COLUMNS, entity_from_row, published_date

_MEMBER_SELECT = ("SELECT f.story_id, f.article_id, f.seq, a.title, a.language, a.outlet, "
                  "a.published, f.duplicate_of FROM article_features f "
                  "JOIN articles a ON a.id = f.article_id")
_MEMBER_ENTITY_SELECT = ("SELECT ae.article_id, e.id, e.name, e.type, ae.mentions, ae.salience, "
                         + CONFIRMED_E_SQL +
                         " FROM article_entities ae JOIN entities e ON e.id = ae.entity_id")
_ENTITY_SELECT = f"SELECT {', '.join(ENTITY_COLUMNS)} FROM entities"


def _member(row: Sequence[Any]) -> MemberRow:
    return MemberRow(row[0], row[1], int(row[2]), row[3], row[4], row[5], row[6], row[7])


def _member_entity(row: Sequence[Any]) -> MemberEntity:
    return MemberEntity(row[0], EntityRef(row[1], row[2], row[3], int(row[4]), bool(row[6])),
                        float(row[5]))


class MemberReads:
    """Story members, evidence and entity reads."""

    _pg: Database

    # -- members -------------------------------------------------------------------------------
    def story_members(self, story_ids: Sequence[str] | None = None) -> list[MemberRow]:
        if story_ids is None:
            return [_member(r) for r in self._pg.rows(f"{_MEMBER_SELECT} ORDER BY f.seq")]
        return [_member(r) for r in self._pg.rows(
            f"{_MEMBER_SELECT} WHERE f.story_id = ANY(%s) ORDER BY f.seq", (list(story_ids),))]

    def article_members(self, article_ids: Sequence[str], with_duplicates: bool = False
                        ) -> list[MemberRow]:
        """Member rows of these articles (and, with ``with_duplicates``, of the articles
        marked duplicates of them), in ingest order."""
        also: str = " OR f.duplicate_of = ANY(%s)" if with_duplicates else ""
        ids = list(article_ids)
        return [_member(r) for r in self._pg.rows(
            f"{_MEMBER_SELECT} WHERE f.article_id = ANY(%s){also} ORDER BY f.seq",
            (ids, ids) if with_duplicates else (ids,))]

    def member_entities(self, article_ids: Sequence[str] | None = None) -> list[MemberEntity]:
        if article_ids is None:
            return [_member_entity(r) for r in self._pg.rows(_MEMBER_ENTITY_SELECT)]
        return [_member_entity(r) for r in self._pg.rows(
            f"{_MEMBER_ENTITY_SELECT} WHERE ae.article_id = ANY(%s)", (list(article_ids),))]

    def entity_article_ids(self, entity_id: str) -> list[str]:
        return [r[0] for r in self._pg.rows(
            "SELECT article_id FROM article_entities WHERE entity_id = %s "
            "ORDER BY article_id COLLATE \"C\"", (entity_id,))]

    def article_vectors(self) -> dict[str, np.ndarray]:
        return {r[0]: vector_from(r[1]) for r in self._pg.rows(
            "SELECT article_id, vector::real[] FROM article_features")}

    def article_links(self, article_id: str) -> tuple[str | None, str | None, str | None]:
        """(duplicate_of, story_id, storyline_id) of an article, if processed."""
        row = self._pg.one(
            "SELECT f.duplicate_of, f.story_id, s.storyline_id FROM article_features f "
            "LEFT JOIN stories s ON s.id = f.story_id WHERE f.article_id = %s", (article_id,))
        return (row[0], row[1], row[2]) if row else (None, None, None)

    # -- storylines ----------------------------------------------------------------------------
    def storyline_of(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._pg.rows(
            "SELECT id, storyline_id FROM stories WHERE storyline_id IS NOT NULL")}

    def storyline_labels(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._pg.rows("SELECT id, label FROM storylines")}

    # -- evidence ------------------------------------------------------------------------------
    def evidence(self, article_ids: Sequence[str]) -> dict[str, Evidence]:
        ids = list(article_ids)
        entities: dict[str, dict[str, float]] = {}
        types: dict[str, dict[str, str]] = {}
        for article_id, entity_id, salience, entity_type in self._pg.rows(
                "SELECT article_id, entity_id, salience, type FROM article_entities "
                "WHERE article_id = ANY(%s)", (ids,)):
            entities.setdefault(article_id, {})[entity_id] = float(salience)
            if entity_type:
                types.setdefault(article_id, {})[entity_id] = str(entity_type)
        return {article_id: Evidence(
            article_id, vector_from(vector), entities.get(article_id, {}),
            published_date(published), outlet, language, json.loads(terms) if terms else {},
            EventDate.decode(when), types.get(article_id, {}))
            for article_id, vector, published, outlet, language, terms, when in self._pg.rows(
                "SELECT f.article_id, f.vector::real[], a.published, a.outlet, a.language, "
                "f.terms, f.event_date FROM article_features f "
                "JOIN articles a ON a.id = f.article_id WHERE f.article_id = ANY(%s)", (ids,))}

    def feature_ids(self, refs: Sequence[str]) -> dict[str, str]:
        """Article id of each reference (article id or source_id) that has features."""
        return {str(r[0]): str(r[1]) for r in self._pg.rows(
            "SELECT DISTINCT ON (ref) ref, f.article_id FROM unnest(%s::text[]) ref "
            "JOIN articles a ON a.id = ref OR a.source_id = ref "
            "JOIN article_features f ON f.article_id = a.id ORDER BY ref, f.seq DESC",
            (list(refs),))}

    def entity_document_frequency(self) -> tuple[Counter[str], int]:
        df: Counter[str] = Counter({str(r[0]): int(r[1]) for r in self._pg.rows(
            "SELECT entity_id, COUNT(*) FROM article_entities GROUP BY entity_id")})
        return df, int(self._pg.value("SELECT COUNT(*) FROM article_features"))

    def same_story(self, pairs: Sequence[tuple[str, str]], level: str = "story"
                   ) -> dict[tuple[str, str], bool]:
        """Whether the clustering put each pair (ids or source_ids) into one story (or, with
        ``level="storyline"``, one storyline)."""
        ids = self.feature_ids(sorted({r for pair in pairs for r in pair}))
        column = "s.storyline_id" if level == "storyline" else "f.story_id"
        group = {r[0]: str(r[1]) for r in self._pg.rows(
            f"SELECT f.article_id, {column} FROM article_features f LEFT JOIN stories s "
            f"ON s.id = f.story_id WHERE f.article_id = ANY(%s) AND {column} IS NOT NULL",
            (list(ids.values()),))}
        of = {ref: group[article] for ref, article in ids.items() if article in group}
        return {(a, b): a in of and b in of and of[a] == of[b] for a, b in pairs}

    # -- entities ------------------------------------------------------------------------------
    def list_entities(self, limit: int | None = None) -> list[Entity]:
        return [entity_from_row(r) for r in self._pg.rows(
            f"{_ENTITY_SELECT} ORDER BY articles DESC, name LIMIT %s", (limit,))]

    def find_entity(self, ref: str) -> Entity | None:
        """By id, canonical name (any case) or any alias surface form."""
        row = self._pg.one(f"{_ENTITY_SELECT} WHERE id = %s OR lower(name) = lower(%s) "
                           "ORDER BY articles DESC LIMIT 1", (ref, ref))
        if row is None:
            needle = json.dumps(ref, ensure_ascii=False).lower()
            row = self._pg.one(f"{_ENTITY_SELECT} WHERE strpos(lower(aliases), %s) > 0 "
                               "ORDER BY articles DESC LIMIT 1", (needle,))
        return entity_from_row(row) if row else None
