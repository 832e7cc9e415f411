"""``newsloom db copy`` on the SQLite side: the tables of :mod:`newsloom.store.copy` read and
written in their neutral form (mixed into SQLiteStore). SQLite already stores vectors as
float32 bytes, times as ISO text and flags as 0/1, so rows pass through as they are; the
keyword indexes and article counts are filled by the tables' own triggers as rows arrive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager

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

    def copy_transaction(self) -> AbstractContextManager[None]:
        return self._write()

    def has_documents(self) -> bool:
        return self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None

    def insert_copied(self, table: CopiedTable, rows: Iterable[Row]) -> int:
        columns = ", ".join(_column(table, c) for c in table.columns)
        marks = ", ".join("?" * len(table.columns))
        cursor = self._db.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",
                                      ([row[c] for c in table.columns] for row in rows))
        return cursor.rowcount

    def link_copied(self, table: CopiedTable, link: str,
                    pairs: Sequence[tuple[object, object]]) -> None:
        self._db.executemany(f"UPDATE {table.name} SET {link} = ? WHERE {table.columns[0]} = ?",
                             pairs)

    def set_read_model_version(self, version: int) -> None:
        self._db.execute("UPDATE read_model_state SET version = ?, built = 1", (version,))
