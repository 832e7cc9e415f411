"""Storage backends behind the narrow ports of :mod:`newsloom.store.ports`."""

from __future__ import annotations

from pathlib import Path

from newsloom.store.errors import StoreBusy, StoreUnavailable
from newsloom.store.ports import AddResult, Backend, StoreSummary
from newsloom.store.sqlite.store import SQLiteStore

__all__ = ["AddResult", "Backend", "SQLiteStore", "StoreBusy", "StoreSummary",
           "StoreUnavailable", "open_store"]


def open_store(location: str | Path) -> Backend:
    """Open the store at ``location`` (a SQLite file path; created if missing)."""
    text = str(location)
    if text.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("the PostgreSQL store is not implemented yet; use a file path")
    return SQLiteStore(text)
