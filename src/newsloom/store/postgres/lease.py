"""The corpus lease of the PostgreSQL store: a session-level advisory lock, held on a pooled
connection of its own for the whole corpus stage (features → stories, then storylines), so
exactly one stage runs at a time against a database, from any process on any machine.
Ingest and readers do not take it and never wait for it. PostgreSQL releases the lock when
the holding session ends, so a killed process never leaves the store locked.

Reentrant within a thread (a stage that takes it again while holding it), like the SQLite
store's file lease; waits up to ``NEWSLOOM_LOCK_TIMEOUT`` seconds (default: for ever),
then raises the backend-neutral :class:`newsloom.store.errors.StoreBusy`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from newsloom.store import errors
from newsloom.store.leases import lease_timeout
from newsloom.store.postgres.database import Database, redacted

log = logging.getLogger("newsloom")

#: The advisory lock key of the corpus stage, hashed with the schema the store is in (advisory
#: locks are per database; stores in two schemas of one database are two stores).
CORPUS_LOCK = 0x6E6C_0002
_POLL = 0.1


class CorpusLease:
    """Mixin of the PostgreSQL store."""

    _pg: Database
    _lease_depth: threading.local

    @contextmanager
    def corpus_lease(self) -> Iterator[None]:
        depth = getattr(self._lease_depth, "value", 0)
        if depth:  # held by this thread already
            self._lease_depth.value = depth + 1
            try:
                yield
            finally:
                self._lease_depth.value = depth
            return
        with self._pg.pool.connection() as conn:
            self._acquire(conn)
            self._lease_depth.value = 1
            try:
                yield
            finally:
                self._lease_depth.value = 0
                conn.execute("SELECT pg_advisory_unlock(hashtextextended(current_schema(), %s))",
                             (CORPUS_LOCK,))

    def _acquire(self, conn: psycopg.Connection[Any]) -> None:
        wait = lease_timeout("corpus")
        deadline = time.monotonic() + wait if wait >= 0 else None
        warned = False
        while not _try_lock(conn):
            if not warned:
                log.warning("another newsloom process is clustering %s: waiting for it to "
                            "finish, then clustering what is left", redacted(self._pg.url))
                warned = True
            if deadline is not None and time.monotonic() >= deadline:
                raise errors.StoreBusy(f"another newsloom process has held the corpus stage "
                                       f"of the database for over {wait:.0f} s; try again "
                                       "later")
            time.sleep(_POLL)


def _try_lock(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(hashtextextended(current_schema(), %s))",
                       (CORPUS_LOCK,)).fetchone()
    return bool(row and row[0])
