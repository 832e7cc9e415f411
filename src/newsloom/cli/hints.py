"""What a read command says when the store has nothing for it yet, and what to run next.

A store is empty (nothing ingested), ingest-only (articles, but no corpus stage has run: no
entities, stories or storylines) or analyzed. Read commands ask only when they found nothing,
so the counts cost nothing on the usual path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from newsloom.text.counts import counted

Stage = Literal["empty", "ingested", "analyzed"]


class StageCounts(Protocol):
    """The two counts that tell a store's stage (every backend has them)."""

    def count_articles(self) -> int: ...
    def count_clustered_articles(self) -> int: ...


def store_stage(store: StageCounts) -> Stage:
    if store.count_articles() == 0:
        return "empty"
    return "analyzed" if store.count_clustered_articles() > 0 else "ingested"


def _db_flag(db: Path | None) -> str:
    return "" if db is None else f" --db {db}"


def next_step(store: StageCounts, what: str, db: Path | None = None) -> str | None:
    """The hint for a store that cannot have ``what`` (e.g. "stories") yet, or None when the
    store is analyzed (then an empty answer is the answer)."""
    stage = store_stage(store)
    if stage == "empty":
        return (f"no {what} yet: the store holds no articles. Run `newsloom analyze "
                f"PATH...{_db_flag(db)}` to read files and build stories, entities and "
                "storylines (`newsloom ingest` only reads them).")
    if stage == "ingested":
        articles = counted(store.count_articles(), "article")
        return (f"no {what} yet: {articles} are ingested but not analyzed. Run `newsloom "
                f"analyze PATH...{_db_flag(db)}` on the same files (what is already ingested "
                "is not read again).")
    return None


def empty_hint(store: StageCounts, what: str, db: Path | None = None) -> str:
    """``next_step``, or for an analyzed store a plain "no <what>" line."""
    return next_step(store, what, db) or f"no {what} in this store"
