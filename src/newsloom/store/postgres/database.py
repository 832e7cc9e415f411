"""The PostgreSQL store's connections: a psycopg_pool pool, and the transaction a thread is in.

Reads outside a transaction borrow a pooled connection per statement (autocommit: each sees
what is committed now). A write method runs in :meth:`Database.transaction`; helpers it calls
run their statements on the same connection (it is remembered per thread), so the whole
method commits or rolls back as one, as in the SQLite store.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString

import psycopg
from psycopg import IsolationLevel, sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from newsloom.store import errors

#: A statement: literal SQL, or one composed from identifiers (psycopg.sql).
Query = LiteralString | sql.SQL | sql.Composed
#: Names of server-side cursors: unique, as two may be open on one connection.
_cursors = itertools.count()
Params = Sequence[Any]


class WriteFailed(errors.StoreUnavailable):
    """PostgreSQL refused a transaction (connection lost, server shutting down, disk full)."""


class Database:
    """A pool of connections to one database, and per-thread transactions on it."""

    def __init__(self, url: str, max_connections: int = 8) -> None:
        self.url = url
        try:
            self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=True,
                                       kwargs={"autocommit": True}, timeout=30)
            self.pool.wait(timeout=30)
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise errors.StoreUnavailable(f"cannot connect to {redacted(url)}: {exc}") from exc
        self._local = threading.local()

    def close(self) -> None:
        self.pool.close()

    # -- connections ---------------------------------------------------------------------------
    def _current(self) -> psycopg.Connection[Any] | None:
        return getattr(self._local, "connection", None)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """The thread's transaction connection if it is in one, else a pooled one."""
        current = self._current()
        if current is not None:
            yield current
            return
        try:
            with self.pool.connection() as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:  # server gone, pool exhausted
            raise errors.StoreUnavailable(f"{redacted(self.url)}: {exc}") from exc

    @contextmanager
    def transaction(self, isolation: IsolationLevel | None = None
                    ) -> Iterator[psycopg.Connection[Any]]:
        """One transaction for the ``with`` block; nested calls join the outer one.
        PostgreSQL's own errors leave as :class:`WriteFailed` (backend-neutral)."""
        current = self._current()
        if current is not None:
            yield current
            return
        with self.pool.connection() as conn:
            self._local.connection = conn
            conn.isolation_level = isolation
            try:
                with conn.transaction():
                    yield conn
            except psycopg.OperationalError as exc:
                raise WriteFailed(str(exc)) from exc
            finally:
                self._local.connection = None
                conn.isolation_level = None

    # -- statements ----------------------------------------------------------------------------
    def rows(self, query: Query, params: Params = ()) -> list[tuple[Any, ...]]:
        with self.connection() as conn:
            return conn.execute(query, params).fetchall()

    def records(self, query: Query, params: Params = ()) -> list[dict[str, Any]]:
        """Rows as column name → value."""
        with self.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query, params).fetchall()

    def stream(self, query: Query, params: Params = (), batch: int = 2000
               ) -> Iterator[dict[str, Any]]:
        """Rows as column name → value, fetched ``batch`` at a time through a server-side
        cursor, so a whole table (every article, a store copy) never sits in memory. The
        connection stays borrowed until the iteration ends."""
        with self.connection() as conn, conn.transaction(), \
                conn.cursor(name=f"newsloom_stream_{next(_cursors)}",
                            row_factory=dict_row) as cursor:
            cursor.itersize = batch
            yield from cursor.execute(query, params)

    def one(self, query: Query, params: Params = ()) -> tuple[Any, ...] | None:
        with self.connection() as conn:
            return conn.execute(query, params).fetchone()

    def value(self, query: Query, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        row = self.one(query, params)
        return None if row is None else row[0]

    def execute(self, query: Query, params: Params = ()) -> int:
        """Run a statement; how many rows it changed."""
        with self.connection() as conn:
            return conn.execute(query, params).rowcount

    def many(self, query: Query, params: Iterable[Params]) -> None:
        batch = list(params)
        if not batch:
            return
        with self.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(query, batch)


def redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL server"
    parts.pop("password", None)
    return make_conninfo("", **{k: v for k, v in parts.items() if v is not None})
