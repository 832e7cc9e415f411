"""Storage backends behind one :class:`Store` interface."""

from __future__ import annotations

from pathlib import Path

from newsloom.store.base import AddResult, Store, StoreSummary
from newsloom.store.sqlite.store import SQLiteStore

__all__ = ["AddResult", "SQLiteStore", "Store", "StoreSummary", "open_store"]


def open_store(location: str | Path) -> SQLiteStore:
    """Open the store at ``location`` (a SQLite file path; created if missing)."""
    text = str(location)
    if text.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("the PostgreSQL store is not implemented yet; use a file path")
    return SQLiteStore(text)
