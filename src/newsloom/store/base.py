"""The store interface. SQLite is the embedded default; PostgreSQL implements the same later."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsloom.model import Article, RawDocument, Skip


@dataclass(slots=True)
class AddResult:
    added: int = 0
    unchanged: int = 0
    new_versions: int = 0
    #: Ids of earlier versions of their page that ``add(..., revert=False)`` left as they are.
    reverts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class StoreSummary:
    """What the report shows: counts by language, outlet, date provenance, removal reason."""

    documents: int
    articles: int
    skipped: int
    by_language: dict[str, int] = field(default_factory=dict)
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_date_source: dict[str, int] = field(default_factory=dict)
    removed_by_reason: dict[str, int] = field(default_factory=dict)


class Store(Protocol):
    """Persistence for documents, articles, skips and runs. Each write is one transaction,
    and a backend serialises writers from any number of processes itself (SQLite: the writer
    leases of store/lease.py; a server database would use its own locks). Documents are
    versioned by a canonical source (store/versions.py)."""

    @property
    def schema_version(self) -> int: ...

    def known_ids(self, ids: Iterable[str]) -> set[str]: ...
    def add(self, items: Sequence[tuple[RawDocument, Article]], revert: bool = True
            ) -> AddResult: ...
    def add_skips(self, skips: Iterable[Skip]) -> None: ...
    def start_run(self, command: str) -> int: ...
    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None: ...
    def articles(self, *, current_only: bool = True, limit: int | None = None
                 ) -> Iterator[Article]: ...
    def get_article(self, ref: str) -> Article | None: ...
    def get_document(self, doc_id: str) -> RawDocument | None: ...
    def versions(self, doc_id: str) -> list[str]: ...
    def skipped(self) -> list[Skip]: ...
    def search_text(self, query: str, limit: int = 20) -> list[tuple[Article, str]]: ...
    def summary(self) -> StoreSummary: ...
    def close(self) -> None: ...
