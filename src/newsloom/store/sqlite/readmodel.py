"""The story and storyline listings, kept per committed batch (migration 11).

What the API and pages list is derived from member articles (a story's row by
:func:`newsloom.store.listing.build_story`, as :func:`newsloom.queries.stories.list_stories`
derives it; a storyline's row from its stories' rows). Deriving all of it per listing cost about
a minute at 50,000 articles, so the derived rows are persisted: every write that changes a
story or storyline (a corpus batch with its merges and splits, an incremental or full
storyline update) re-derives the rows of just the stories and lines it touched, inside its own
transaction. Persisting rather than patching an in-memory copy from a change feed means every
process (the server, a CLI ingest, a second server) sees the same rows the moment a batch
commits, and a crash can never leave them behind the corpus. ``read_model_state.version`` is
bumped by each such write and stamped on the rows it writes, so a reader that holds a copy
patches it with the rows newer than its copy (:meth:`ReadModelTables.listing_changes`); a
story or line that is gone keeps a row of size 0 for that reason.

A store from before migration 11 has no rows: they are built once, in one transaction, the
first time the store is opened (with progress logged), never per request.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from newsloom.model import EntityRef, MemberEntity, MemberRow, Story, StorylineRecord
from newsloom.store.listing import KEY_ENTITIES
from newsloom.store.listing_writes import CHUNK, ListingWrites
from newsloom.store.rows import story_record, storyline_record
from newsloom.store.sqlite.catalog_reads import CatalogReads
from newsloom.store.sqlite.lease import LeasedWrites

log = logging.getLogger(__name__)

#: Host parameters per IN (...) query; SQLite's default limit is 32,766.
_PARAMS = 900


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


class ReadModelTables(CatalogReads, LeasedWrites, ListingWrites):
    """Mixed into SQLiteStore; the ``_relist_*`` methods run inside the caller's write
    transaction."""

    _db: sqlite3.Connection
    # Provided by CorpusTables (the member rows the listings are derived from).
    member_entities: Callable[..., list[MemberEntity]]

    # -- reads -------------------------------------------------------------------------------------
    def read_model_mark(self) -> tuple[int, ...]:
        """Changes whenever a write commits that a catalog read can see: the read-model
        version (corpus batches, storyline updates) and the newest article and page version
        (ingest)."""
        row = self._db.execute(
            "SELECT (SELECT version FROM read_model_state), (SELECT MAX(rowid) FROM articles),"
            " (SELECT MAX(seq) FROM document_versions)").fetchone()
        return tuple(int(value or 0) for value in row)

    def _snapshot(self) -> AbstractContextManager[object]:
        return self._read_snapshot()

    @contextmanager
    def _read_snapshot(self) -> Iterator[None]:
        in_transaction = self._db.in_transaction
        if not in_transaction:
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            if not in_transaction:
                self._db.execute("COMMIT")

    def _read_model_version(self) -> int:
        return int(self._db.execute("SELECT version FROM read_model_state").fetchone()[0])

    def _story_rows_after(self, after: int
                          ) -> Iterable[tuple[str, int, int, str | None, str | None]]:
        return self._db.execute("SELECT story_id, size, last_seq, storyline_id, record "
                                "FROM story_listing WHERE version > ?", (after,)).fetchall()

    def _line_rows_after(self, after: int) -> Iterable[tuple[str, int, str | None]]:
        return self._db.execute("SELECT line_id, stories, record FROM storyline_listing "
                                "WHERE version > ?", (after,)).fetchall()

    # -- kept per write ---------------------------------------------------------------------------
    def _next_read_model_version(self) -> int:
        self._db.execute("UPDATE read_model_state SET version = version + 1")
        return int(self._db.execute("SELECT version FROM read_model_state").fetchone()[0])

    def _story_ids_by_entities(self, query: str, entity_ids: Sequence[str]) -> set[str]:
        """The story ids ``query`` selects, run per chunk of ``entity_ids`` (its ``{ids}``)."""
        found: set[str] = set()
        for start in range(0, len(entity_ids), _PARAMS):
            chunk = list(entity_ids[start:start + _PARAMS])
            found.update(r[0] for r in self._db.execute(query.format(ids=_marks(chunk)), chunk))
        return found

    def _stories_listing_retyped(self, entity_ids: Sequence[str]) -> set[str]:
        return self._story_ids_by_entities(
            "SELECT k.story_id FROM story_listing_entities k JOIN entities e "
            "ON e.id = k.entity_id WHERE k.entity_id IN ({ids}) AND k.type != e.type",
            entity_ids)

    def _stories_naming(self, entity_ids: Sequence[str]) -> set[str]:
        return self._story_ids_by_entities(
            "SELECT DISTINCT f.story_id FROM article_entities ae JOIN article_features f "
            "ON f.article_id = ae.article_id WHERE ae.entity_id IN ({ids})", entity_ids)

    def _relist_storylines(self, story_ids: Sequence[str] | None, line_ids: Iterable[str]
                           ) -> None:
        """After a storyline update: the stories it (re)assigned (``None``: all of them) and
        the lines they left or joined, plus ``line_ids`` (relabelled or retired)."""
        version = self._next_read_model_version()
        lines = set(line_ids)
        follow = ("storyline_id = (SELECT s.storyline_id FROM stories s WHERE s.id = story_id),"
                  " version = ?")
        changed = ("storyline_id IS NOT (SELECT s.storyline_id FROM stories s "
                   "WHERE s.id = story_id)")
        if story_ids is None:
            lines.update(r[0] for r in self._db.execute(
                "SELECT line_id FROM storyline_listing WHERE stories > 0"))
            self._db.execute(f"UPDATE story_listing SET {follow} WHERE {changed}", (version,))
        else:
            for start in range(0, len(story_ids), _PARAMS):
                chunk = list(story_ids[start:start + _PARAMS])
                lines.update(r[0] for r in self._db.execute(
                    f"SELECT storyline_id FROM story_listing WHERE story_id IN "
                    f"({_marks(chunk)}) AND storyline_id IS NOT NULL", chunk))
                self._db.execute(f"UPDATE story_listing SET {follow} WHERE story_id IN "
                                 f"({_marks(chunk)}) AND {changed}", [version, *chunk])
        lines.update(r[0] for r in self._db.execute(
            "SELECT DISTINCT storyline_id FROM story_listing WHERE version = ? "
            "AND storyline_id IS NOT NULL", (version,)))
        self._store_storyline_rows(lines, version)

    def _member_entities_of(self, article_ids: Sequence[str]) -> Iterable[MemberEntity]:
        return [item for i in range(0, len(article_ids), _PARAMS)
                for item in self.member_entities(article_ids[i:i + _PARAMS])]

    def _storylines_of(self, story_ids: Sequence[str]) -> dict[str, str | None]:
        return {r[0]: r[1] for r in self._db.execute(
            f"SELECT id, storyline_id FROM stories WHERE id IN ({_marks(story_ids)})",
            story_ids)}

    def _listed_storylines(self, story_ids: Sequence[str]) -> set[str]:
        return {r[0] for r in self._db.execute(
            f"SELECT storyline_id FROM story_listing WHERE story_id IN ({_marks(story_ids)}) "
            "AND storyline_id IS NOT NULL", story_ids)}

    def _clear_listed_entities(self, story_ids: Sequence[str]) -> None:
        self._db.execute(f"DELETE FROM story_listing_entities WHERE story_id IN "
                         f"({_marks(story_ids)})", story_ids)

    def _unlist_stories(self, story_ids: Sequence[str], version: int) -> None:
        self._db.executemany("UPDATE story_listing SET size = 0, record = NULL, version = ? "
                             "WHERE story_id = ?", [(version, s) for s in story_ids])

    def _list_story(self, story: Story, members: Sequence[MemberRow], version: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO story_listing VALUES (?,?,?,?,?,?,?,?)",
            (story.id, len(members), max(m.seq for m in members), story.storyline_id,
             story.first_seen, story.last_seen, story_record(story), version))
        self._db.executemany(
            "INSERT OR REPLACE INTO story_listing_entities VALUES (?,?,?,?,?)",
            [(ref.id, story.id, ref.name, ref.type, ref.mentions)
             for ref in story.key_entities])

    def _line_story_ids(self, line_id: str) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT story_id FROM story_listing WHERE storyline_id = ? AND size > 0 "
            "ORDER BY COALESCE(first_seen, '9999'), story_id", (line_id,))]

    def _unlist_storyline(self, line_id: str, version: int) -> None:
        self._db.execute("UPDATE storyline_listing SET stories = 0, record = NULL, "
                         "version = ? WHERE line_id = ?", (version, line_id))

    def _line_label_and_span(self, line_id: str) -> tuple[str, str | None, str | None]:
        label = self._db.execute("SELECT label FROM storylines WHERE id = ?",
                                 (line_id,)).fetchone()
        first, last = self._db.execute(
            "SELECT MIN(first_seen), MAX(last_seen) FROM story_listing "
            "WHERE storyline_id = ? AND size > 0", (line_id,)).fetchone()
        return (label[0] or "") if label else "", first, last

    def _line_key_entities(self, line_id: str) -> list[EntityRef]:
        return [EntityRef(r[0], r[1], r[2], int(r[3])) for r in self._db.execute(
            "SELECT k.entity_id, MAX(k.name), MAX(k.type), SUM(k.mentions) AS n "
            "FROM story_listing s JOIN story_listing_entities k ON k.story_id = s.story_id "
            "WHERE s.storyline_id = ? AND s.size > 0 GROUP BY k.entity_id "
            "ORDER BY n DESC, k.entity_id LIMIT ?", (line_id, KEY_ENTITIES))]

    def _list_storyline(self, line: StorylineRecord, version: int) -> None:
        self._db.execute("INSERT OR REPLACE INTO storyline_listing VALUES (?,?,?,?)",
                         (line.id, len(line.story_ids), storyline_record(line), version))

    # -- built once for a store from before migration 11 -------------------------------------
    def _ensure_read_model(self) -> None:
        if self._db.execute("SELECT built FROM read_model_state").fetchone()[0]:
            return
        with self._write():  # the flag read again under the lease: one process builds
            if self._db.execute("SELECT built FROM read_model_state").fetchone()[0]:
                return
            story_ids = [r[0] for r in self._db.execute(
                "SELECT DISTINCT story_id FROM article_features ORDER BY story_id")]
            if story_ids:  # a store from an older version: say why opening it takes a while
                log.warning("building the story listing of %s once: %d stories", self.path,
                            len(story_ids))
            version = self._next_read_model_version()
            lines: set[str] = set()
            for start in range(0, len(story_ids), CHUNK * 5):
                lines |= self._store_story_rows(story_ids[start:start + CHUNK * 5], version)
                log.info("story listing: %d of %d stories",
                         min(start + CHUNK * 5, len(story_ids)), len(story_ids))
            self._store_storyline_rows(lines, version)
            self._db.execute("UPDATE read_model_state SET built = 1")
