"""The monitoring tables (schema: SQLite migration 13, PostgreSQL migration 4) behind the
:class:`newsloom.store.ports.MonitorStore` port, for both backends.

The steps are written once here; each backend supplies its statements (a
:class:`MonitorSql`, in ``store/<backend>/monitor_sql.py``), how a statement runs
(:meth:`_mon_rows`, :meth:`_mon_run`), a list parameter (:meth:`_mon_list`) and its
transaction (:meth:`_mon_transaction`).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
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
    alert_from_row,
    delivery_from_row,
    event_from_row,
    source_from_row,
    targets_of,
    watchlist_from_row,
    watchlist_values,
)

#: The columns each backend's statements read, in the order the row readers here expect.
SOURCE_COLUMNS = ("url, added_at, kind, title, etag, last_modified, last_poll, last_success, "
                  "last_error, failures, next_poll")
WATCH_COLUMNS = ("name, kind, target, created_at, languages, min_sources, webhook, email, "
                 "from_event")
ALERT_COLUMNS = "id, watchlist, kind, story_id, event_id, created_at, payload"
DELIVERY_COLUMNS = ("alert_id, channel, target, state, attempts, next_attempt, last_error, "
                    "sent_at")
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class MonitorSql:
    """A backend's statements, by what they do (the parameters are in the order used here)."""

    add_source: str
    remove_source: str
    sources: str
    poll_ok: str
    poll_failed: str
    fingerprints: str
    save_entry: str
    add_watchlist: str
    edit_watchlist: str
    remove_deliveries: str
    remove_alerts: str
    remove_watchlist: str
    watchlists: str
    last_event: str
    events_after: str
    cursor: str
    move_cursor: str
    add_alert: str
    add_delivery: str
    alerts: str
    alert: str
    due: str
    deliveries: str
    save_delivery: str


class MonitorTables(ABC):
    """Mixin of a store: sources, seen entries, watchlists, alerts and their outbox."""

    _mon_sql: MonitorSql

    # -- the backend's part --------------------------------------------------------------------
    @abstractmethod
    def _mon_list(self, values: Sequence[str]) -> object:
        """``values`` as the one parameter of a list-valued statement."""

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
            return self._mon_run(self._mon_sql.add_source, (url, added_at)) > 0

    def remove_source(self, url: str) -> bool:
        """Stop polling ``url``. The entries it brought stay known: re-adding it later
        fetches only what changed."""
        with self._mon_transaction():
            return self._mon_run(self._mon_sql.remove_source, (url,)) > 0

    def sources(self) -> list[Source]:
        return [source_from_row(r) for r in self._mon_rows(self._mon_sql.sources)]

    def save_poll(self, poll: PollOutcome) -> None:
        """A source's state after one poll: validators and success, or the error."""
        with self._mon_transaction():
            if poll.ok:
                self._mon_run(self._mon_sql.poll_ok, (
                    poll.kind, poll.title, poll.etag, poll.last_modified, poll.at, poll.at,
                    poll.next_poll, poll.url))
            else:
                self._mon_run(self._mon_sql.poll_failed,
                              (poll.at, poll.error, poll.next_poll, poll.url))

    def entry_fingerprints(self, urls: Iterable[str]) -> dict[str, str]:
        """url → the fingerprint of its entry when last fetched, for the known ``urls``."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            found.update((str(r[0]), str(r[1])) for r in self._mon_rows(
                self._mon_sql.fingerprints, (self._mon_list(chunk),)))
        return found

    def save_entries(self, entries: Sequence[SeenEntry]) -> None:
        with self._mon_transaction():
            for e in entries:
                self._mon_run(self._mon_sql.save_entry, (
                    e.url, e.source_url, e.fingerprint, e.fetched_at, e.status, e.document_id))

    # -- watchlists ----------------------------------------------------------------------------
    def save_watchlist(self, watch: Watchlist, replace: bool = False) -> bool:
        """Add ``watch`` (False if the name is taken), or with ``replace`` change the one of
        that name (False if there is none); an edit keeps its ``from_event``."""
        values = watchlist_values(watch)
        with self._mon_transaction():
            if replace:
                return self._mon_run(self._mon_sql.edit_watchlist,
                                     (*values[1:3], *values[4:8], watch.name)) > 0
            return self._mon_run(self._mon_sql.add_watchlist, values) > 0

    def remove_watchlist(self, name: str) -> bool:
        """Delete a watchlist with its alerts and their deliveries."""
        with self._mon_transaction():
            self._mon_run(self._mon_sql.remove_deliveries, (name,))
            self._mon_run(self._mon_sql.remove_alerts, (name,))
            return self._mon_run(self._mon_sql.remove_watchlist, (name,)) > 0

    def watchlists(self) -> list[Watchlist]:
        return [watchlist_from_row(r) for r in self._mon_rows(self._mon_sql.watchlists)]

    # -- the story event log and the alerts raised from it --------------------------------------
    def last_event_id(self) -> int:
        return int(self._mon_rows(self._mon_sql.last_event)[0][0])

    def events_after(self, event_id: int, limit: int) -> list[StoryEventRow]:
        """The story events after ``event_id``, oldest first, at most ``limit``, each with
        the language, outlet and date of the article it names."""
        return [event_from_row(r) for r in self._mon_rows(self._mon_sql.events_after,
                                                           (event_id, limit))]

    def alert_cursor(self) -> int:
        """The last story event the watchlists were matched against."""
        return int(self._mon_rows(self._mon_sql.cursor)[0][0])

    def save_alerts(self, alerts: Sequence[NewAlert], cursor: int, now: str) -> list[int]:
        """Store ``alerts`` not stored yet (by key), queue one delivery per target of their
        watchlist, and move the cursor to ``cursor``; all in one transaction, so a crash
        neither loses a change nor alerts it twice. Returns the new alerts' ids."""
        targets = {w.name: targets_of(w) for w in self.watchlists()}
        added: list[int] = []
        with self._mon_transaction():
            for alert in alerts:
                rows = self._mon_rows(self._mon_sql.add_alert, (
                    alert.watchlist, alert.key, alert.kind, alert.story_id, alert.event_id,
                    alert.created_at, json.dumps(alert.payload, ensure_ascii=False)))
                if not rows:
                    continue
                alert_id = int(rows[0][0])
                added.append(alert_id)
                for channel, target in targets.get(alert.watchlist, []):
                    self._mon_run(self._mon_sql.add_delivery, (alert_id, channel, target, now))
            self._mon_run(self._mon_sql.move_cursor, (cursor,))
        return added

    def alerts(self, watchlist: str | None = None, since: str | None = None,
               limit: int = 100) -> list[Alert]:
        """Alerts newest first, of one watchlist or all, created at or after ``since``."""
        return [alert_from_row(r) for r in self._mon_rows(
            self._mon_sql.alerts, (watchlist, watchlist, since, since, limit))]

    def alert(self, alert_id: int) -> Alert | None:
        rows = self._mon_rows(self._mon_sql.alert, (alert_id,))
        return alert_from_row(rows[0]) if rows else None

    # -- the delivery outbox -------------------------------------------------------------------
    def due_deliveries(self, now: str, limit: int = 100) -> list[Delivery]:
        """Pending deliveries whose next attempt is due, oldest alert first."""
        return [delivery_from_row(r) for r in self._mon_rows(self._mon_sql.due, (now, limit))]

    def deliveries(self, alert_id: int | None = None) -> list[Delivery]:
        return [delivery_from_row(r) for r in self._mon_rows(self._mon_sql.deliveries,
                                                              (alert_id, alert_id))]

    def save_delivery(self, delivery: Delivery) -> None:
        """The outcome of an attempt: sent, or pending again (a later retry)."""
        with self._mon_transaction():
            self._mon_run(self._mon_sql.save_delivery, (
                delivery.state, delivery.attempts, delivery.next_attempt, delivery.last_error,
                delivery.sent_at, delivery.alert_id, delivery.channel, delivery.target))
