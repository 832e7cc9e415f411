"""Storyline redirects (migration 10): an absorbed or replaced storyline's id still resolves.

Rows are written in the transaction that retires a line (``save_storyline_changes``,
``save_storylines``); the survivor is the line that took most of its stories
(:func:`newsloom.store.redirects.storyline_successors`). Cycles cannot form: a row's target
is live when written and a live line has no row (a line that comes back loses its own), and
rows that pointed at a line being retired are moved on to its survivor, so chains stay one
step long. Reads still follow chains and stop at a repeat, so a damaged store cannot hang.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from newsloom.model import Storyline
from newsloom.store.redirects import replaced_storylines
from newsloom.store.sqlite.lease import LeasedWrites


class StorylineRedirectTables(LeasedWrites):
    """Reads and writes of ``storyline_redirects`` (mixed into SQLiteStore)."""

    _db: sqlite3.Connection

    def resolve_storyline(self, line_id: str) -> str | None:
        """The live storyline ``line_id`` is now: itself while it exists, else the line it
        was absorbed into or replaced by (chains followed); ``None`` for an id the store has
        never had. The one read-side "follow the storyline": the API, pages, timelines,
        summaries and the CLI all call it."""
        seen = {line_id}
        current = line_id
        while True:
            if self._db.execute("SELECT 1 FROM storylines WHERE id=?",
                                (current,)).fetchone() is not None:
                return current
            row = self._db.execute("SELECT survivor_id FROM storyline_redirects WHERE id=?",
                                   (current,)).fetchone()
            if row is None or row[0] in seen:
                return None
            current = str(row[0])
            seen.add(current)

    def storyline_redirects(self) -> dict[str, str]:
        """Every stored redirect, gone line → survivor (for export and checks)."""
        return {r[0]: r[1] for r in self._db.execute(
            "SELECT id, survivor_id FROM storyline_redirects ORDER BY id")}

    def _replaced_storylines(self, lines: Sequence[Storyline]) -> dict[str, str]:
        """Before a full recomputation stores ``lines``: each current line whose id is not
        among them → the new line holding most of its stories. A merged story counts where
        its survivor went (its articles did)."""
        rows = self._db.execute(
            "SELECT id, storyline_id, merged_into FROM stories "
            "WHERE storyline_id IS NOT NULL OR merged_into IS NOT NULL")
        after = {story: line.id for line in lines for story in line.story_ids}
        return replaced_storylines(rows, after, {line.id for line in lines})

    def _redirect_storylines(self, moves: Mapping[str, str], live: Iterable[str]) -> None:
        """Record ``moves`` (gone line → survivor); ``live`` are the lines that exist after
        the change. Call inside the write transaction that retires the lines."""
        live = set(live)
        self._db.executemany("DELETE FROM storyline_redirects WHERE id=?",
                             [(line,) for line in sorted(live)])
        for gone, survivor in sorted(moves.items()):
            if gone in live or survivor not in live:
                continue  # only a gone line may redirect, and only to a live one
            self._db.execute(
                "INSERT INTO storyline_redirects VALUES (?,?) ON CONFLICT(id) DO UPDATE SET "
                "survivor_id=excluded.survivor_id", (gone, survivor))
            self._db.execute("UPDATE storyline_redirects SET survivor_id=? WHERE survivor_id=?",
                             (survivor, gone))
