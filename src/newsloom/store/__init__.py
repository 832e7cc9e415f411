"""Storage backends behind the narrow ports of :mod:`newsloom.store.ports`."""

from __future__ import annotations

from pathlib import Path

from newsloom.store.errors import StoreBusy, StoreUnavailable
from newsloom.store.ports import AddResult, Backend, StoreSummary
from newsloom.store.sqlite.store import SQLiteStore

__all__ = ["AddResult", "Backend", "SQLiteStore", "StoreBusy", "StoreSummary",
           "StoreUnavailable", "is_server_url", "open_store"]


def is_server_url(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a SQLite file."""
    return str(location).startswith(("postgres://", "postgresql://"))


def open_store(location: str | Path) -> Backend:
    """Open the store at ``location``: a ``postgresql://`` URL (server mode; the schema is
    created if missing) or a SQLite file path (created if missing)."""
    if is_server_url(location):
        from newsloom.store.postgres.store import PostgresStore

        return PostgresStore(str(location))
    return SQLiteStore(str(location))
