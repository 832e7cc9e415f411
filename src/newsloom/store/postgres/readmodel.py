"""The story and storyline listings on PostgreSQL, kept per committed batch (store/sqlite/
readmodel.py explains the design): every write that changes a story or a storyline re-derives
the rows of just those, in its own transaction, stamped with the bumped
``read_model_state.version``; a story or line that is gone keeps a row of size 0."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager

from psycopg import IsolationLevel

from newsloom.model import EntityRef, MemberEntity, MemberRow, Story, StorylineRecord
from newsloom.store.listing import KEY_ENTITIES
from newsloom.store.listing_writes import ListingWrites
from newsloom.store.postgres.catalog_reads import CatalogReads
from newsloom.store.postgres.database import Database
from newsloom.store.rows import story_record, storyline_record

#: The story row follows its story's storyline (after a storyline update).
_FOLLOW_LINE = ("UPDATE story_listing l SET storyline_id = s.storyline_id, version = %s "
                "FROM stories s WHERE s.id = l.story_id "
                "AND l.storyline_id IS DISTINCT FROM s.storyline_id")


class ReadModelTables(CatalogReads, ListingWrites):
    """Mixed into PostgresStore; ``_relist_*`` run inside the caller's transaction."""

    _pg: Database
    member_entities: Callable[..., list[MemberEntity]]

    # -- reads ---------------------------------------------------------------------------------
    def read_model_mark(self) -> tuple[int, ...]:
        """Changes whenever a write commits that a catalog read can see."""
        row = self._pg.one(
            "SELECT (SELECT version FROM read_model_state), (SELECT MAX(seq) FROM articles),"
            " (SELECT MAX(seq) FROM document_versions)")
        return tuple(int(value or 0) for value in row or ())

    def _snapshot(self) -> AbstractContextManager[object]:
        return self._pg.transaction(IsolationLevel.REPEATABLE_READ)

    def _read_model_version(self) -> int:
        return int(self._pg.value("SELECT version FROM read_model_state"))

    def _story_rows_after(self, after: int
                          ) -> Iterable[tuple[str, int, int, str | None, str | None]]:
        return self._pg.rows("SELECT story_id, size, last_seq, storyline_id, record "
                             "FROM story_listing WHERE version > %s", (after,))

    def _line_rows_after(self, after: int) -> Iterable[tuple[str, int, str | None]]:
        return self._pg.rows("SELECT line_id, stories, record FROM storyline_listing "
                             "WHERE version > %s", (after,))

    # -- kept per write ------------------------------------------------------------------------
    def _next_read_model_version(self) -> int:
        return int(self._pg.value(
            "UPDATE read_model_state SET version = version + 1 RETURNING version"))

    def _stories_listing_retyped(self, entity_ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._pg.rows(
            "SELECT k.story_id FROM story_listing_entities k JOIN entities e "
            "ON e.id = k.entity_id WHERE k.entity_id = ANY(%s) AND k.type <> e.type",
            (list(entity_ids),))}

    def _stories_naming(self, entity_ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._pg.rows(
            "SELECT DISTINCT f.story_id FROM article_entities ae JOIN article_features f "
            "ON f.article_id = ae.article_id WHERE ae.entity_id = ANY(%s)",
            (list(entity_ids),))} if entity_ids else set()

    def _relist_storylines(self, story_ids: Sequence[str] | None, line_ids: Iterable[str]
                           ) -> None:
        """After a storyline update: the stories it (re)assigned (None: all) and the lines
        they left or joined, plus ``line_ids`` (relabelled or retired)."""
        version = self._next_read_model_version()
        lines = set(line_ids)
        if story_ids is None:
            lines.update(r[0] for r in self._pg.rows(
                "SELECT line_id FROM storyline_listing WHERE stories > 0"))
            self._pg.execute(_FOLLOW_LINE, (version,))
        else:
            lines.update(r[0] for r in self._pg.rows(
                "SELECT storyline_id FROM story_listing WHERE story_id = ANY(%s) "
                "AND storyline_id IS NOT NULL", (list(story_ids),)))
            self._pg.execute(_FOLLOW_LINE + " AND l.story_id = ANY(%s)",
                             (version, list(story_ids)))
        lines.update(r[0] for r in self._pg.rows(
            "SELECT DISTINCT storyline_id FROM story_listing WHERE version = %s "
            "AND storyline_id IS NOT NULL", (version,)))
        self._store_storyline_rows(lines, version)

    def _member_entities_of(self, article_ids: Sequence[str]) -> Iterable[MemberEntity]:
        return self.member_entities(article_ids)

    def _storylines_of(self, story_ids: Sequence[str]) -> dict[str, str | None]:
        return dict(self._pg.rows("SELECT id, storyline_id FROM stories WHERE id = ANY(%s)",
                                  (list(story_ids),)))

    def _listed_storylines(self, story_ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._pg.rows(
            "SELECT storyline_id FROM story_listing WHERE story_id = ANY(%s) "
            "AND storyline_id IS NOT NULL", (list(story_ids),))}

    def _clear_listed_entities(self, story_ids: Sequence[str]) -> None:
        self._pg.execute("DELETE FROM story_listing_entities WHERE story_id = ANY(%s)",
                         (list(story_ids),))

    def _unlist_stories(self, story_ids: Sequence[str], version: int) -> None:
        self._pg.execute("UPDATE story_listing SET size = 0, record = NULL, version = %s "
                         "WHERE story_id = ANY(%s)", (version, list(story_ids)))

    def _list_story(self, story: Story, members: Sequence[MemberRow], version: int) -> None:
        self._pg.execute(
            "INSERT INTO story_listing VALUES (%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (story_id) DO UPDATE SET size = EXCLUDED.size, "
            "last_seq = EXCLUDED.last_seq, storyline_id = EXCLUDED.storyline_id, "
            "first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen, "
            "record = EXCLUDED.record, version = EXCLUDED.version",
            (story.id, len(members), max(m.seq for m in members), story.storyline_id,
             story.first_seen, story.last_seen, story_record(story), version))
        self._pg.many("INSERT INTO story_listing_entities VALUES (%s,%s,%s,%s,%s)",
                      [(ref.id, story.id, ref.name, ref.type, ref.mentions)
                       for ref in story.key_entities])

    # Storyline rows: C collation, so that the order is SQLite's byte order.
    def _line_story_ids(self, line_id: str) -> list[str]:
        return [r[0] for r in self._pg.rows(
            "SELECT story_id FROM story_listing WHERE storyline_id = %s AND size > 0 "
            "ORDER BY COALESCE(first_seen, '9999') COLLATE \"C\", story_id COLLATE \"C\"",
            (line_id,))]

    def _unlist_storyline(self, line_id: str, version: int) -> None:
        self._pg.execute("UPDATE storyline_listing SET stories = 0, record = NULL, "
                         "version = %s WHERE line_id = %s", (version, line_id))

    def _line_label_and_span(self, line_id: str) -> tuple[str, str | None, str | None]:
        label = self._pg.value("SELECT label FROM storylines WHERE id = %s", (line_id,))
        first, last = self._pg.one(
            "SELECT MIN(first_seen), MAX(last_seen) FROM story_listing "
            "WHERE storyline_id = %s AND size > 0", (line_id,)) or (None, None)
        return label or "", first, last

    def _line_key_entities(self, line_id: str) -> list[EntityRef]:
        return [EntityRef(r[0], r[1], r[2], int(r[3])) for r in self._pg.rows(
            "SELECT k.entity_id, MAX(k.name), MAX(k.type), SUM(k.mentions) AS n "
            "FROM story_listing s JOIN story_listing_entities k ON k.story_id = s.story_id "
            "WHERE s.storyline_id = %s AND s.size > 0 GROUP BY k.entity_id "
            "ORDER BY n DESC, k.entity_id COLLATE \"C\" LIMIT %s", (line_id, KEY_ENTITIES))]

    def _list_storyline(self, line: StorylineRecord, version: int) -> None:
        self._pg.execute(
            "INSERT INTO storyline_listing VALUES (%s,%s,%s,%s) ON CONFLICT (line_id) "
            "DO UPDATE SET stories = EXCLUDED.stories, record = EXCLUDED.record, "
            "version = EXCLUDED.version",
            (line.id, len(line.story_ids), storyline_record(line), version))
