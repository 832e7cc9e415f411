"""How long a writer waits for a lease, the same for every backend: the SQLite store's file
locks (store/sqlite/lease.py) and the PostgreSQL store's advisory locks
(store/postgres/lease.py)."""

from __future__ import annotations

import os

#: Seconds a writer waits for the write lease before giving up (``NEWSLOOM_LOCK_TIMEOUT``).
#: Generous: it is held per transaction, so only a stuck writer holds it this long.
DEFAULT_TIMEOUT = 3600.0


def lease_timeout(kind: str = "write") -> float:
    """The write lease: ``NEWSLOOM_LOCK_TIMEOUT`` or an hour. The corpus lease: no limit
    unless set, since a long corpus stage is normal work, not a stuck writer (the wait is
    logged, and Ctrl-C ends it). Negative: wait for ever."""
    value = os.environ.get("NEWSLOOM_LOCK_TIMEOUT")
    default = DEFAULT_TIMEOUT if kind == "write" else -1.0
    try:
        return float(value) if value else default
    except ValueError:
        return default
