"""The story and storyline listings on PostgreSQL, kept per committed batch (store/sqlite/
readmodel.py explains the design): every write that changes a story or a storyline re-derives
the rows of just those, in its own transaction, stamped with the bumped
``read_model_state.version``; a story or line that is gone keeps a row of size 0."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from psycopg import IsolationLevel

from newsloom.model import EntityRef, MemberEntity, MemberRow, StorylineRecord
from newsloom.store.listing import KEY_ENTITIES, build_story, entities_by_article, members_by_story
from newsloom.store.ports import ListedStory, ListingChanges
from newsloom.store.postgres.catalog_reads import CatalogReads
from newsloom.store.postgres.database import Database
from newsloom.store.rows import (
    story_from_record,
    story_record,
    storyline_from_record,
    storyline_record,
)

#: Stories derived per round (their members and entities are read together).
_CHUNK = 200
#: The story row follows its story's storyline (after a storyline update).
_FOLLOW_LINE = ("UPDATE story_listing l SET storyline_id = s.storyline_id, version = %s "
                "FROM stories s WHERE s.id = l.story_id "
                "AND l.storyline_id IS DISTINCT FROM s.storyline_id")


class ReadModelTables(CatalogReads):
    """Mixed into PostgresStore; ``_relist_*`` run inside the caller's transaction."""

    _pg: Database
    story_members: Callable[..., list[MemberRow]]
    member_entities: Callable[..., list[MemberEntity]]

    # -- reads ---------------------------------------------------------------------------------
    def read_model_mark(self) -> tuple[int, ...]:
        """Changes whenever a write commits that a catalog read can see."""
        row = self._pg.one(
            "SELECT (SELECT version FROM read_model_state), (SELECT MAX(seq) FROM articles),"
            " (SELECT MAX(seq) FROM document_versions)")
        return tuple(int(value or 0) for value in row or ())

    def listing_changes(self, after: int) -> ListingChanges:
        """Story and storyline rows written after version ``after`` (0: all), from one
        snapshot so the version matches the rows."""
        with self._pg.transaction(IsolationLevel.REPEATABLE_READ):
            version = int(self._pg.value("SELECT version FROM read_model_state"))
            stories, gone = [], []
            for story_id, size, last_seq, line_id, record in self._pg.rows(
                    "SELECT story_id, size, last_seq, storyline_id, record FROM story_listing "
                    "WHERE version > %s", (after,)):
                if size:
                    stories.append(ListedStory(story_from_record(story_id, line_id, record),
                                               int(last_seq)))
                else:
                    gone.append(story_id)
            lines, gone_lines = [], []
            for line_id, members, record in self._pg.rows(
                    "SELECT line_id, stories, record FROM storyline_listing WHERE version > %s",
                    (after,)):
                if members:
                    lines.append(storyline_from_record(line_id, record))
                else:
                    gone_lines.append(line_id)
        return ListingChanges(version, stories, gone, lines, gone_lines)

    # -- kept per write ------------------------------------------------------------------------
    def _next_read_model_version(self) -> int:
        return int(self._pg.value(
            "UPDATE read_model_state SET version = version + 1 RETURNING version"))

    def _relist_after_batch(self, story_ids: Iterable[str], entity_ids: Sequence[str]) -> None:
        """After a corpus batch: the stories it added to, merged or split, and those listing
        an entity the batch retyped."""
        touched = set(story_ids)
        touched.update(r[0] for r in self._pg.rows(
            "SELECT k.story_id FROM story_listing_entities k JOIN entities e "
            "ON e.id = k.entity_id WHERE k.entity_id = ANY(%s) AND k.type <> e.type",
            (list(entity_ids),)))
        version = self._next_read_model_version()
        self._store_storyline_rows(self._store_story_rows(sorted(touched), version), version)

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

    def _store_story_rows(self, story_ids: Sequence[str], version: int) -> set[str]:
        """Derive and store the rows of ``story_ids``; the storylines they were and are in."""
        lines: set[str] = set()
        for start in range(0, len(story_ids), _CHUNK):
            chunk = list(story_ids[start:start + _CHUNK])
            members = members_by_story(self.story_members(chunk))
            entities = entities_by_article(self.member_entities(
                [m.article_id for rows in members.values() for m in rows]))
            line_of = dict(self._pg.rows("SELECT id, storyline_id FROM stories "
                                         "WHERE id = ANY(%s)", (chunk,)))
            lines.update(r[0] for r in self._pg.rows(
                "SELECT storyline_id FROM story_listing WHERE story_id = ANY(%s) "
                "AND storyline_id IS NOT NULL", (chunk,)))
            self._pg.execute("DELETE FROM story_listing_entities WHERE story_id = ANY(%s)",
                             (chunk,))
            gone = [story_id for story_id in chunk if not members.get(story_id)]
            self._pg.execute("UPDATE story_listing SET size = 0, record = NULL, version = %s "
                             "WHERE story_id = ANY(%s)", (version, gone))
            for story_id in (s for s in chunk if members.get(s)):
                rows = members[story_id]
                story = build_story(story_id, rows, [e for m in rows
                                                     for e in entities.get(m.article_id, [])],
                                    line_of.get(story_id))
                if story.storyline_id:
                    lines.add(story.storyline_id)
                self._pg.execute(
                    "INSERT INTO story_listing VALUES (%s,%s,%s,%s,%s,%s,%s,%s) "
                    "ON CONFLICT (story_id) DO UPDATE SET size = EXCLUDED.size, "
                    "last_seq = EXCLUDED.last_seq, storyline_id = EXCLUDED.storyline_id, "
                    "first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen, "
                    "record = EXCLUDED.record, version = EXCLUDED.version",
                    (story_id, len(rows), max(m.seq for m in rows), story.storyline_id,
                     story.first_seen, story.last_seen, story_record(story), version))
                self._pg.many(
                    "INSERT INTO story_listing_entities VALUES (%s,%s,%s,%s,%s)",
                    [(ref.id, story_id, ref.name, ref.type, ref.mentions)
                     for ref in story.key_entities])
        return lines

    def _store_storyline_rows(self, line_ids: Iterable[str], version: int) -> None:
        """Derive and store the rows of ``line_ids`` from their stories' rows
        (:func:`~newsloom.store.listing.build_storyline` in SQL, as the SQLite store does)."""
        for line_id in sorted(line_ids):
            story_ids = [r[0] for r in self._pg.rows(
                "SELECT story_id FROM story_listing WHERE storyline_id = %s AND size > 0 "
                "ORDER BY COALESCE(first_seen, '9999') COLLATE \"C\", story_id COLLATE \"C\"",
                (line_id,))]
            if not story_ids:
                self._pg.execute("UPDATE storyline_listing SET stories = 0, record = NULL, "
                                 "version = %s WHERE line_id = %s", (version, line_id))
                continue
            label = self._pg.value("SELECT label FROM storylines WHERE id = %s", (line_id,))
            first, last = self._pg.one(
                "SELECT MIN(first_seen), MAX(last_seen) FROM story_listing "
                "WHERE storyline_id = %s AND size > 0", (line_id,)) or (None, None)
            entities = [EntityRef(r[0], r[1], r[2], int(r[3])) for r in self._pg.rows(
                "SELECT k.entity_id, MAX(k.name), MAX(k.type), SUM(k.mentions) AS n "
                "FROM story_listing s JOIN story_listing_entities k ON k.story_id = s.story_id "
                "WHERE s.storyline_id = %s AND s.size > 0 GROUP BY k.entity_id "
                "ORDER BY n DESC, k.entity_id COLLATE \"C\" LIMIT %s", (line_id, KEY_ENTITIES))]
            line = StorylineRecord(id=line_id, label=label or "", story_ids=story_ids,
                                   key_entities=entities, first_seen=first, last_seen=last)
            self._pg.execute(
                "INSERT INTO storyline_listing VALUES (%s,%s,%s,%s) ON CONFLICT (line_id) "
                "DO UPDATE SET stories = EXCLUDED.stories, record = EXCLUDED.record, "
                "version = EXCLUDED.version",
                (line_id, len(story_ids), storyline_record(line), version))
