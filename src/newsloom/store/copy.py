"""Moving a whole store between backends (``newsloom db copy``): the tables a copy carries and
the neutral form of their rows, which every backend reads (``copy_rows``) and writes
(``load_copy``).

A row is a dict of column → value, values as plain Python: str, int, float, bytes or None.
Vectors are float32 bytes, times ISO strings, flags 0/1, whatever the backend stores. Row
order is kept where it means something (ingest order, "most recent first" reads): those
tables are read in ``order`` and written in that order, and their sequence numbers
(``keys``) are carried over, so article keys, version order and run ids survive the copy.
What a backend derives itself is not carried: keyword indexes, article counts, the schema
level; the ANN index file is rebuilt by the next ``analyze`` (search works without it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from newsloom.store.rows import ARTICLE_COLUMNS

Row = dict[str, Any]


@dataclass(frozen=True)
class CopiedTable:
    name: str
    columns: tuple[str, ...]
    #: The column rows are read in; None: the order they were inserted in (SQLite's rowid,
    #: PostgreSQL's identity column), which the copy keeps by inserting in that order.
    order: str | None = None
    #: Columns that point at rows of the same table: written once every row is in.
    links: tuple[str, ...] = ()
    #: A sequence column carried over as is (SQLite rowid / PostgreSQL identity).
    key: str | None = None


TABLES: tuple[CopiedTable, ...] = (
    CopiedTable("documents", ("id", "source_id", "source", "version_key", "content_type", "url",
                              "meta", "content", "previous_version", "superseded_by",
                              "ingested_at"), order="id",
                links=("previous_version", "superseded_by")),
    CopiedTable("document_versions", ("seq", "version_key", "document_id", "at"), order="seq",
                key="seq"),
    CopiedTable("articles", ("seq", *ARTICLE_COLUMNS), order="seq", key="seq"),
    CopiedTable("skipped", ("source", "reason", "first_seen"), order="source"),
    CopiedTable("runs", ("id", "command", "started_at", "finished_at", "status", "stats"),
                order="id", key="id"),
    CopiedTable("entities", ("id", "key", "name", "type", "aliases", "articles", "surname",
                             "vouched"), order="id"),
    CopiedTable("entity_aliases", ("alias_key", "entity_id", "reason"), order="alias_key"),
    CopiedTable("entity_name_terms", ("term", "entity_id"), order="term"),
    CopiedTable("entity_contexts", ("entity_id", "vector_sum", "articles"), order="entity_id"),
    CopiedTable("corpus_context", ("id", "vector_sum", "articles"), order="id"),
    CopiedTable("article_features", ("article_id", "seq", "embedder", "vector", "signature",
                                     "duplicate_of", "story_id", "terms", "event_date"),
                order="seq"),
    CopiedTable("minhash_bands", ("band", "chunk", "article_id"), order="article_id"),
    CopiedTable("term_df", ("term", "df"), order="term"),
    CopiedTable("corpus_centre", ("id", "vector_sum", "articles"), order="id"),
    CopiedTable("article_entities", ("article_id", "entity_id", "mentions", "salience",
                                     "surfaces", "type")),
    CopiedTable("stories", ("id", "created_seq", "merged_into", "storyline_id"), order="id",
                links=("merged_into",)),
    CopiedTable("story_events", ("id", "at", "kind", "story_id", "article_id",
                                 "other_story_id", "score"), order="id", key="id"),
    CopiedTable("storylines", ("id", "label"), order="id"),
    CopiedTable("storyline_redirects", ("id", "survivor_id"), order="id"),
    CopiedTable("story_profiles", ("story_id", "vector_sum", "members", "dirty"),
                order="story_id"),
    CopiedTable("story_entities", ("story_id", "entity_id", "weight")),
    CopiedTable("story_listing", ("story_id", "size", "last_seq", "storyline_id", "first_seen",
                                  "last_seen", "record", "version"), order="story_id"),
    CopiedTable("story_listing_entities", ("entity_id", "story_id", "name", "type",
                                           "mentions"), order="entity_id"),
    CopiedTable("storyline_listing", ("line_id", "stories", "record", "version"),
                order="line_id"),
    # monitoring (issue 16)
    CopiedTable("sources", ("url", "added_at", "kind", "title", "etag", "last_modified",
                            "last_poll", "last_success", "last_error", "failures", "next_poll"),
                order="url"),
    CopiedTable("source_entries", ("url", "source_url", "fingerprint", "fetched_at", "status",
                                   "document_id"), order="url"),
    CopiedTable("watchlists", ("name", "kind", "target", "created_at", "languages",
                               "min_sources", "webhook", "email", "from_event"), order="name"),
    CopiedTable("alerts", ("id", "watchlist", "dedup_key", "kind", "story_id", "event_id",
                           "created_at", "payload"), order="id", key="id"),
    CopiedTable("alert_deliveries", ("alert_id", "channel", "target", "state", "attempts",
                                     "next_attempt", "last_error", "sent_at"),
                order="alert_id"),
    CopiedTable("monitor_cursor", ("id", "event_id"), order="id"),
)


class StoreCopy(Protocol):
    """What ``newsloom db copy`` reads from one backend and writes into another."""

    def copy_rows(self, table: CopiedTable) -> Iterator[Row]:
        """Every row of ``table`` in the neutral form, in ``table.order``."""
        ...

    def read_model_mark(self) -> tuple[int, ...]: ...  # the read-model version comes first

    def copy_transaction(self) -> AbstractContextManager[None]:
        """The one transaction a copy is written in."""
        ...

    def has_documents(self) -> bool: ...

    def insert_copied(self, table: CopiedTable, rows: Iterable[Row]) -> int:
        """Insert ``rows`` in order (their ``links`` are None); how many."""
        ...

    def link_copied(self, table: CopiedTable, link: str,
                    pairs: Sequence[tuple[object, object]]) -> None:
        """Set ``link`` to each pair's value on the row whose first column is its key."""
        ...

    def set_read_model_version(self, version: int) -> None: ...


def copy_store(source: StoreCopy, target: StoreCopy) -> dict[str, int]:
    """Copy every table of ``source`` into the empty ``target`` in one transaction (all or
    nothing); rows written per table. Links within a table are written once all its rows
    are in, so a row may point at one that comes after it."""
    written: dict[str, int] = {}
    with target.copy_transaction():
        if target.has_documents():
            raise ValueError("the target store is not empty")
        for table in TABLES:
            linked: list[Row] = []

            def unlinked(table: CopiedTable = table, linked: list[Row] = linked
                         ) -> Iterator[Row]:
                for row in source.copy_rows(table):
                    if any(row[link] is not None for link in table.links):
                        linked.append(row)
                    yield {c: None if c in table.links else v for c, v in row.items()}

            written[table.name] = target.insert_copied(table, unlinked())
            key = table.columns[0]
            for link in table.links:
                target.link_copied(table, link, [(r[link], r[key]) for r in linked
                                                 if r[link] is not None])
        target.set_read_model_version(source.read_model_mark()[0])
    return written
