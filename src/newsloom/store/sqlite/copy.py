"""``newsloom db copy`` on the SQLite side: the tables of :mod:`newsloom.store.copy` read and
written in their neutral form (mixed into SQLiteStore). SQLite already stores vectors as
float32 bytes, times as ISO text and flags as 0/1, so rows pass through as they are; the
keyword indexes and article counts are filled by the tables' own triggers as rows arrive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from newsloom.store.copy import CopiedTable, Row
from newsloom.store.sqlite.lease import LeasedWrites


def _column(table: CopiedTable, column: str) -> str:
    """The stored column: an article's sequence number is SQLite's rowid."""
    return "rowid" if (table.name, column) == ("articles", "seq") else column


class StoreCopyTables(LeasedWrites):
    """Mixin of the SQLite store (implements :class:`newsloom.store.copy.StoreCopy`)."""

    _db: sqlite3.Connection

    def copy_rows(self, table: CopiedTable) -> Iterator[Row]:
        selected = ", ".join(f"{_column(table, c)} AS {c}" for c in table.columns)
        cursor = self._db.execute(f"SELECT {selected} FROM {table.name} "
                                  f"ORDER BY {table.order or 'rowid'}")
        for row in cursor:
            yield dict(zip(table.columns, row, strict=True))

    def load_copy(self, tables: Iterable[tuple[CopiedTable, Iterable[Row]]]) -> dict[str, int]:
        written: dict[str, int] = {}
        with self._write():
            if self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None:
                raise ValueError("the target store is not empty")
            for table, rows in tables:
                written[table.name] = self._load(table, rows)
        return written

    def _load(self, table: CopiedTable, rows: Iterable[Row]) -> int:
        if table.name == "read_model_state":  # one row, there already
            count = 0
            for row in rows:
                self._db.execute("UPDATE read_model_state SET version = ?, built = 1",
                                 (row["version"],))
                count += 1
            return count
        columns = ", ".join(_column(table, c) for c in table.columns)
        marks = ", ".join("?" * len(table.columns))
        linked: list[Row] = []
        count = 0
        for row in rows:
            if any(row[link] is not None for link in table.links):
                linked.append(row)
            values = [None if c in table.links else row[c] for c in table.columns]
            self._db.execute(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", values)
            count += 1
        key = table.columns[0]
        for link in table.links:  # every row is in: references within the table hold
            self._db.executemany(f"UPDATE {table.name} SET {link} = ? WHERE {key} = ?",
                                 [(r[link], r[key]) for r in linked if r[link] is not None])
        return count
