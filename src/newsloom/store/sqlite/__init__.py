"""The embedded SQLite backend. All of newsloom's SQL lives in this package."""

from newsloom.store.sqlite.store import SQLiteStore

__all__ = ["SQLiteStore"]
