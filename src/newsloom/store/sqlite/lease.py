"""Writer leases: OS file locks beside the store that serialise its writers.

One mechanism for every writer (CLI commands, server jobs, several processes or threads):

* the **write lease** (``<db>.write.lock``) is held for each write transaction, around
  ``BEGIN IMMEDIATE … COMMIT``. Transactions are short (one ingest batch, one corpus
  batch), so a writer waits seconds, not minutes, and writers take turns (a turnstile,
  ``<db>.write.queue.lock``); SQLite's own busy timeout stays as a second line for writers
  outside newsloom.
* the **corpus lease** (``<db>.corpus.lock``) is held for a whole corpus stage (features →
  stories, then storylines): the clusterer keeps corpus state in memory, so two stages
  interleaving would each cluster against a stale picture and claim the same articles.
  A second stage waits, then loads the state its predecessor committed and finds only what
  is still pending. Ingest does not take it, so ingesting goes on while a stage clusters.

The corpus lease is always taken before the write lease, never while holding it, so the two
cannot deadlock. Both are ``flock`` locks: the OS releases them when a process dies, even by
kill -9, so a crash never leaves a store locked.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from newsloom.store import errors
from newsloom.store.leases import lease_timeout

log = logging.getLogger("newsloom")

_locks: dict[str, FileLock] = {}
_guard = threading.Lock()


class StoreBusy(errors.StoreBusy, sqlite3.OperationalError):
    """Another writer held a lease for longer than the timeout (still an OperationalError,
    as SQLite's own "database is locked" is)."""


class WriteFailed(errors.StoreUnavailable, sqlite3.OperationalError):
    """SQLite refused a write transaction (locked, disk full, I/O error)."""


def lock_path(db: Path, kind: str) -> Path:
    """``<db>.<kind>.lock`` beside the database file (``kind``: "write" or "corpus")."""
    return db.with_name(f"{db.name}.{kind}.lock")


def _lock(path: Path) -> FileLock:
    # One FileLock per path in the process: its context is per thread (the default), so it is
    # reentrant within a thread while other threads, holding their own descriptor, wait.
    key = str(path.resolve())
    with _guard:
        if key not in _locks:
            _locks[key] = FileLock(key, timeout=-1)
        return _locks[key]


@contextmanager
def lease(db: Path, kind: str, timeout: float | None = None) -> Iterator[None]:
    """Hold the ``kind`` lease of the store at ``db`` for the ``with`` block."""
    lock = _lock(lock_path(db, kind))
    wait = lease_timeout(kind) if timeout is None else timeout
    try:
        if lock.is_locked:  # held by this thread already: reentrant
            lock.acquire(timeout=wait)
        elif kind == "corpus":
            if not _try(lock):
                log.warning("another newsloom process is clustering %s: waiting for it to "
                            "finish, then clustering what is left", db)
                lock.acquire(timeout=wait, poll_interval=0.2)
        else:
            # A turnstile keeps it fair: a writer that just released the lease cannot take it
            # straight back while another waits (both poll; without this, a writer with its
            # next batch ready would win every time, and the other starve until timeout).
            with _lock(lock_path(db, f"{kind}.queue")).acquire(timeout=wait,
                                                                poll_interval=0.05):
                lock.acquire(timeout=wait, poll_interval=0.05)
    except Timeout:
        raise StoreBusy(f"another newsloom process has been writing to {db} for over "
                        f"{wait:.0f} s ({lock.lock_file} is held); try again later") from None
    try:
        yield
    finally:
        lock.release()


def _try(lock: FileLock) -> bool:
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return False
    return True


class LeasedWrites:
    """Mixin of the SQLite store: every write transaction goes through :meth:`_write`."""

    path: Path
    _db: sqlite3.Connection

    @contextmanager
    def _write(self) -> Iterator[None]:
        """The write lease, then ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any
        exception, Ctrl-C included)."""
        with lease(self.path, "write"):
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                # Callers catch the backend-neutral error (store/errors.py), never sqlite3's.
                if isinstance(exc, errors.StoreUnavailable):
                    raise
                raise WriteFailed(str(exc)) from exc

    def corpus_lease(self) -> AbstractContextManager[None]:
        """Hold for a whole corpus stage (see the module docstring)."""
        return lease(self.path, "corpus")
