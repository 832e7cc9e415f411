"""``newsloom db copy`` on the PostgreSQL side: the tables of :mod:`newsloom.store.copy` read
and written in their neutral form (mixed into PostgresStore). Vectors turn between pgvector
values and float32 bytes, times between ``timestamptz`` and ISO text, the profile flag between
booleans and 0/1; carried sequence numbers are inserted as they are (``OVERRIDING SYSTEM
VALUE``) and the identity sequences moved past them; an article's ``lemmas`` are computed as
``add`` computes them, and the HNSW index of the vectors is built once they are in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
from psycopg import sql

from newsloom.store.copy import CopiedTable, Row
from newsloom.store.postgres.database import Database
from newsloom.store.postgres.search import (
    hnsw_index_sql,
    lemma_vector_sql,
    lemma_vector_values,
    vector_values,
)
from newsloom.store.rows import article_from_row

_VECTOR = ("article_features", "vector")
#: Boolean columns (0/1 in SQLite).
_FLAGS = frozenset({("story_profiles", "dirty"), ("entities", "vouched")})


def _selected(table: CopiedTable, column: str) -> sql.Composable:
    if (table.name, column) == _VECTOR:
        return sql.SQL("{}::real[]").format(sql.Identifier(column))
    return sql.Identifier(column)


def _neutral(table: CopiedTable, column: str, value: Any) -> Any:
    if value is None:
        return None
    if (table.name, column) == _VECTOR:
        return np.asarray(value, dtype=np.float32).tobytes()
    if (table.name, column) in _FLAGS:
        return int(bool(value))
    # times as the SQLite store writes them: ISO 8601 in UTC
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _stored(table: CopiedTable, column: str, value: Any) -> Any:
    if value is None:
        return None
    if (table.name, column) == _VECTOR:
        return vector_values(np.frombuffer(value, dtype=np.float32))
    return bool(value) if (table.name, column) in _FLAGS else value


class StoreCopyTables:
    """Mixin of the PostgreSQL store (implements :class:`newsloom.store.copy.StoreCopy`)."""

    _pg: Database

    def copy_rows(self, table: CopiedTable) -> Iterator[Row]:
        order = sql.Identifier(table.order) if table.order else sql.Identifier("seq")
        query = sql.SQL("SELECT {columns} FROM {table} ORDER BY {order}").format(
            columns=sql.SQL(", ").join(_selected(table, c) for c in table.columns),
            table=sql.Identifier(table.name), order=order)
        for row in self._pg.stream(query):
            yield {c: _neutral(table, c, row[c]) for c in table.columns}

    def copy_transaction(self) -> AbstractContextManager[None]:
        return _no_value(self._pg.transaction())

    def has_documents(self) -> bool:
        return self._pg.one("SELECT 1 FROM documents LIMIT 1") is not None

    def insert_copied(self, table: CopiedTable, rows: Iterable[Row]) -> int:
        columns: list[sql.Composable] = [sql.Identifier(c) for c in table.columns]
        values: list[sql.Composable] = [sql.Placeholder()] * len(columns)
        if table.name == "articles":
            columns.append(sql.Identifier("lemmas"))
            values.append(sql.SQL(lemma_vector_sql()))
        if table.name == "article_features":
            values[table.columns.index("vector")] = sql.SQL("%s::real[]::vector")
        insert = sql.SQL("INSERT INTO {table} ({columns}) {override} VALUES ({values})").format(
            table=sql.Identifier(table.name), columns=sql.SQL(", ").join(columns),
            override=sql.SQL("OVERRIDING SYSTEM VALUE" if table.key else ""),
            values=sql.SQL(", ").join(values))
        count = 0
        with self._pg.connection() as conn, conn.cursor() as cursor:
            for row in rows:
                params = [_stored(table, c, row[c]) for c in table.columns]
                if table.name == "articles":
                    params += lemma_vector_values(article_from_row(row))
                cursor.execute(insert, params)
                count += 1
        if table.name == "article_features":
            # The HNSW index semantic search reads, which save_corpus_batch creates with the first
            # vectors of a dimension: built here once all the vectors are in.
            dims = self._pg.rows("SELECT DISTINCT vector_dims(vector) FROM article_features")
            for (dim,) in dims:
                self._pg.execute(hnsw_index_sql(int(dim)))
        if table.key:  # the next identity value follows the carried ones
            self._pg.execute(sql.SQL(
                "SELECT setval(pg_get_serial_sequence({name}, {key}), "
                "GREATEST((SELECT MAX({column}) FROM {table}), 1))").format(
                name=sql.Literal(table.name), key=sql.Literal(table.key),
                column=sql.Identifier(table.key), table=sql.Identifier(table.name)))
        return count

    def link_copied(self, table: CopiedTable, link: str,
                    pairs: Sequence[tuple[object, object]]) -> None:
        self._pg.many(sql.SQL("UPDATE {table} SET {link} = %s WHERE {key} = %s").format(
            table=sql.Identifier(table.name), link=sql.Identifier(link),
            key=sql.Identifier(table.columns[0])), pairs)

    def set_read_model_version(self, version: int) -> None:
        self._pg.execute("UPDATE read_model_state SET version = %s", (version,))


@contextmanager
def _no_value(transaction: AbstractContextManager[object]) -> Iterator[None]:
    with transaction:
        yield
