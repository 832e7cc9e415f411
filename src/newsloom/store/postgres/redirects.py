"""Storyline redirects on PostgreSQL: an absorbed or replaced storyline's id still resolves
(the rule is :mod:`newsloom.store.redirects`; store/sqlite/storyline_redirects.py explains
why chains cannot cycle)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from newsloom.model import Storyline
from newsloom.store.postgres.database import Database
from newsloom.store.redirects import replaced_storylines


class StorylineRedirectTables:
    """Reads and writes of ``storyline_redirects``."""

    _pg: Database

    def resolve_storyline(self, line_id: str) -> str | None:
        """The live storyline ``line_id`` is now: itself while it exists, else the line it
        went to (chains followed, stopping at a repeat); None for an id never stored."""
        row = self._pg.one(
            "WITH RECURSIVE chain(id, depth, path) AS ("
            " SELECT %s::text, 0, ARRAY[%s::text]"
            " UNION ALL SELECT r.survivor_id, c.depth + 1, c.path || r.survivor_id"
            " FROM chain c JOIN storyline_redirects r ON r.id = c.id"
            " WHERE r.survivor_id <> ALL(c.path)"
            "  AND NOT EXISTS (SELECT 1 FROM storylines l WHERE l.id = c.id))"
            " SELECT c.id FROM chain c JOIN storylines l ON l.id = c.id"
            " ORDER BY c.depth LIMIT 1", (line_id, line_id))
        return str(row[0]) if row else None

    def storyline_redirects(self) -> dict[str, str]:
        """Every stored redirect, gone line → survivor."""
        return {r[0]: r[1] for r in self._pg.rows(
            "SELECT id, survivor_id FROM storyline_redirects ORDER BY id")}

    def _replaced_storylines(self, lines: Sequence[Storyline]) -> dict[str, str]:
        rows = self._pg.rows("SELECT id, storyline_id, merged_into FROM stories "
                             "WHERE storyline_id IS NOT NULL OR merged_into IS NOT NULL")
        after = {story: line.id for line in lines for story in line.story_ids}
        return replaced_storylines(rows, after, {line.id for line in lines})

    def _redirect_storylines(self, moves: Mapping[str, str], live: Iterable[str]) -> None:
        """Record ``moves`` (gone line → survivor) inside the retiring transaction; ``live``
        are the lines that exist after the change."""
        live = set(live)
        self._pg.execute("DELETE FROM storyline_redirects WHERE id = ANY(%s)", (sorted(live),))
        for gone, survivor in sorted(moves.items()):
            if gone in live or survivor not in live:
                continue  # only a gone line may redirect, and only to a live one
            self._pg.execute(
                "INSERT INTO storyline_redirects VALUES (%s, %s) ON CONFLICT (id) DO UPDATE "
                "SET survivor_id = EXCLUDED.survivor_id", (gone, survivor))
            self._pg.execute("UPDATE storyline_redirects SET survivor_id = %s "
                             "WHERE survivor_id = %s", (survivor, gone))
