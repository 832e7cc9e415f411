"""The monitoring tables (schema: SQLite migration 12, PostgreSQL migration 3) behind the
:class:`newsloom.store.ports.MonitorStore` port, for both backends.

The statements are plain SQL both databases run unchanged (``ON CONFLICT``, ``RETURNING``);
each backend supplies how a statement runs (:meth:`_mon_rows`, :meth:`_mon_run`) and its
transaction (:meth:`_mon_transaction`), with ``?`` placeholders (PostgreSQL's rewrites them).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from newsloom.model.monitoring import (
    Alert,
    Delivery,
    NewAlert,
    PollOutcome,
    SeenEntry,
    Source,
    StoryEventRow,
    Watchlist,
)
from newsloom.store.monitor_rows import (
    ALERT_COLUMNS,
    DELIVERY_COLUMNS,
    EVENT_SELECT,
    SOURCE_COLUMNS,
    WATCH_COLUMNS,
    alert_from_row,
    delivery_from_row,
    event_from_row,
    source_from_row,
    targets_of,
    watchlist_from_row,
    watchlist_values,
)

_CHUNK = 500


class MonitorTables(ABC):
    """Mixin of a store: sources, seen entries, watchlists, alerts and their outbox."""

    # -- the backend's part --------------------------------------------------------------------
    @abstractmethod
    def _mon_rows(self, query: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]: ...

    @abstractmethod
    def _mon_run(self, query: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; how many rows it changed."""

    @abstractmethod
    def _mon_transaction(self) -> AbstractContextManager[object]: ...

    # -- sources -------------------------------------------------------------------------------
    def add_source(self, url: str, added_at: str) -> bool:
        """Add a polled source; False when it is there already."""
        with self._mon_transaction():
            return self._mon_run("INSERT INTO sources (url, added_at) VALUES (?, ?) "
                                 "ON CONFLICT (url) DO NOTHING", (url, added_at)) > 0

    def remove_source(self, url: str) -> bool:
        """Stop polling ``url``. The entries it brought stay known: re-adding it later
        fetches only what changed."""
        with self._mon_transaction():
            return self._mon_run("DELETE FROM sources WHERE url = ?", (url,)) > 0

    def sources(self) -> list[Source]:
        return [source_from_row(r) for r in self._mon_rows(
            f"SELECT {', '.join(SOURCE_COLUMNS)} FROM sources ORDER BY added_at, url")]

    def save_poll(self, poll: PollOutcome) -> None:
        """A source's state after one poll: validators and success, or the error."""
        with self._mon_transaction():
            if poll.ok:
                self._mon_run(
                    "UPDATE sources SET kind = COALESCE(?, kind), title = COALESCE(?, title), "
                    "etag = ?, last_modified = ?, last_poll = ?, last_success = ?, "
                    "last_error = NULL, failures = 0, next_poll = ? WHERE url = ?",
                    (poll.kind, poll.title, poll.etag, poll.last_modified, poll.at, poll.at,
                     poll.next_poll, poll.url))
            else:
                self._mon_run(
                    "UPDATE sources SET last_poll = ?, last_error = ?, failures = failures + 1, "
                    "next_poll = ? WHERE url = ?", (poll.at, poll.error, poll.next_poll, poll.url))

    def entry_fingerprints(self, urls: Iterable[str]) -> dict[str, str]:
        """url → the fingerprint of its entry when last fetched, for the known ``urls``."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            found.update((str(r[0]), str(r[1])) for r in self._mon_rows(
                f"SELECT url, fingerprint FROM source_entries WHERE url IN "
                f"({', '.join('?' * len(chunk))})", chunk))
        return found

    def save_entries(self, entries: Sequence[SeenEntry]) -> None:
        with self._mon_transaction():
            for e in entries:
                self._mon_run(
                    "INSERT INTO source_entries (url, source_url, fingerprint, fetched_at, "
                    "status, document_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE "
                    "SET source_url = excluded.source_url, fingerprint = excluded.fingerprint, "
                    "fetched_at = excluded.fetched_at, status = excluded.status, "
                    "document_id = excluded.document_id",
                    (e.url, e.source_url, e.fingerprint, e.fetched_at, e.status, e.document_id))

    # -- watchlists ----------------------------------------------------------------------------
    def save_watchlist(self, watch: Watchlist, replace: bool = False) -> bool:
        """Add ``watch`` (False if the name is taken), or with ``replace`` change the one of
        that name (False if there is none); an edit keeps its ``from_event``."""
        with self._mon_transaction():
            if replace:
                return self._mon_run(
                    "UPDATE watchlists SET kind = ?, target = ?, languages = ?, "
                    "min_sources = ?, webhook = ?, email = ? WHERE name = ?",
                    (*watchlist_values(watch)[1:3], *watchlist_values(watch)[4:8],
                     watch.name)) > 0
            return self._mon_run(
                f"INSERT INTO watchlists ({', '.join(WATCH_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(WATCH_COLUMNS))}) ON CONFLICT (name) DO NOTHING",
                watchlist_values(watch)) > 0

    def remove_watchlist(self, name: str) -> bool:
        """Delete a watchlist with its alerts and their deliveries."""
        with self._mon_transaction():
            self._mon_run("DELETE FROM alert_deliveries WHERE alert_id IN "
                          "(SELECT id FROM alerts WHERE watchlist = ?)", (name,))
            self._mon_run("DELETE FROM alerts WHERE watchlist = ?", (name,))
            return self._mon_run("DELETE FROM watchlists WHERE name = ?", (name,)) > 0

    def watchlists(self) -> list[Watchlist]:
        return [watchlist_from_row(r) for r in self._mon_rows(
            f"SELECT {', '.join(WATCH_COLUMNS)} FROM watchlists ORDER BY name")]

    # -- the story event log and the alerts raised from it --------------------------------------
    def last_event_id(self) -> int:
        rows = self._mon_rows("SELECT COALESCE(MAX(id), 0) FROM story_events")
        return int(rows[0][0])

    def events_after(self, event_id: int, limit: int) -> list[StoryEventRow]:
        """The story events after ``event_id``, oldest first, at most ``limit``."""
        return [event_from_row(r) for r in self._mon_rows(
            f"{EVENT_SELECT} WHERE e.id > ? ORDER BY e.id LIMIT ?", (event_id, limit))]

    def alert_cursor(self) -> int:
        """The last story event the watchlists were matched against."""
        return int(self._mon_rows("SELECT event_id FROM monitor_cursor")[0][0])

    def save_alerts(self, alerts: Sequence[NewAlert], cursor: int, now: str) -> list[int]:
        """Store ``alerts`` not stored yet (by key), queue one delivery per target of their
        watchlist, and move the cursor to ``cursor``; all in one transaction, so a crash
        neither loses a change nor alerts it twice. Returns the new alerts' ids."""
        targets = {w.name: targets_of(w) for w in self.watchlists()}
        added: list[int] = []
        with self._mon_transaction():
            for alert in alerts:
                rows = self._mon_rows(
                    "INSERT INTO alerts (watchlist, dedup_key, kind, story_id, event_id, "
                    "created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
                    (alert.watchlist, alert.key, alert.kind, alert.story_id, alert.event_id,
                     alert.created_at, json.dumps(alert.payload, ensure_ascii=False)))
                if not rows:
                    continue
                alert_id = int(rows[0][0])
                added.append(alert_id)
                for channel, target in targets.get(alert.watchlist, []):
                    self._mon_run(
                        "INSERT INTO alert_deliveries (alert_id, channel, target, state, "
                        "attempts, next_attempt) VALUES (?, ?, ?, 'pending', 0, ?)",
                        (alert_id, channel, target, now))
            self._mon_run("UPDATE monitor_cursor SET event_id = ? WHERE id = 1", (cursor,))
        return added

    def alerts(self, watchlist: str | None = None, since: str | None = None,
               limit: int = 100) -> list[Alert]:
        """Alerts newest first, of one watchlist or all, created at or after ``since``."""
        where, params = ["1 = 1"], []
        if watchlist is not None:
            where.append("watchlist = ?")
            params.append(watchlist)
        if since is not None:
            where.append("created_at >= ?")
            params.append(since)
        return [alert_from_row(r) for r in self._mon_rows(
            f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE {' AND '.join(where)} "
            "ORDER BY id DESC LIMIT ?", (*params, limit))]

    def alert(self, alert_id: int) -> Alert | None:
        rows = self._mon_rows(f"SELECT {', '.join(ALERT_COLUMNS)} FROM alerts WHERE id = ?",
                              (alert_id,))
        return alert_from_row(rows[0]) if rows else None

    # -- the delivery outbox -------------------------------------------------------------------
    def due_deliveries(self, now: str, limit: int = 100) -> list[Delivery]:
        """Pending deliveries whose next attempt is due, oldest alert first."""
        return [delivery_from_row(r) for r in self._mon_rows(
            f"SELECT {', '.join(DELIVERY_COLUMNS)} FROM alert_deliveries WHERE state = "
            "'pending' AND next_attempt <= ? ORDER BY alert_id, channel, target LIMIT ?",
            (now, limit))]

    def deliveries(self, alert_id: int | None = None) -> list[Delivery]:
        where, params = ("WHERE alert_id = ?", (alert_id,)) if alert_id is not None else ("", ())
        return [delivery_from_row(r) for r in self._mon_rows(
            f"SELECT {', '.join(DELIVERY_COLUMNS)} FROM alert_deliveries {where} "
            "ORDER BY alert_id, channel, target", params)]

    def save_delivery(self, delivery: Delivery) -> None:
        """The outcome of an attempt: sent, pending again (a later retry) or failed."""
        with self._mon_transaction():
            self._mon_run(
                "UPDATE alert_deliveries SET state = ?, attempts = ?, next_attempt = ?, "
                "last_error = ?, sent_at = ? WHERE alert_id = ? AND channel = ? AND target = ?",
                (delivery.state, delivery.attempts, delivery.next_attempt, delivery.last_error,
                 delivery.sent_at, delivery.alert_id, delivery.channel, delivery.target))
