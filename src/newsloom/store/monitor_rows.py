"""Rows of the monitoring tables as records, shared by both backends (their SQL differs, the
column lists and conversions do not)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from newsloom.model.monitoring import (
    Alert,
    ChangeKind,
    Channel,
    Delivery,
    Source,
    StoryEventRow,
    WatchKind,
    Watchlist,
)

SOURCE_COLUMNS = ("url", "added_at", "kind", "title", "etag", "last_modified", "last_poll",
                  "last_success", "last_error", "failures", "next_poll")
WATCH_COLUMNS = ("name", "kind", "target", "created_at", "languages", "min_sources", "webhook",
                 "email", "from_event")
ALERT_COLUMNS = ("id", "watchlist", "kind", "story_id", "event_id", "created_at", "payload")
DELIVERY_COLUMNS = ("alert_id", "channel", "target", "state", "attempts", "next_attempt",
                    "last_error", "sent_at")


def _row(row: Sequence[Any] | Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    if isinstance(row, Mapping):
        return {c: row[c] for c in columns}
    return dict(zip(columns, row, strict=True))


def source_from_row(row: Sequence[Any]) -> Source:
    return Source(**_row(row, SOURCE_COLUMNS))


def watchlist_values(w: Watchlist) -> tuple[Any, ...]:
    return (w.name, w.kind, w.target, w.created_at, json.dumps(list(w.languages)),
            w.min_sources, w.webhook, w.email, w.from_event)


def watchlist_from_row(row: Sequence[Any]) -> Watchlist:
    values = _row(row, WATCH_COLUMNS)
    values["languages"] = tuple(json.loads(values["languages"]))
    values["kind"] = cast(WatchKind, values["kind"])
    return Watchlist(**values)


def alert_from_row(row: Sequence[Any]) -> Alert:
    values = _row(row, ALERT_COLUMNS)
    values["payload"] = json.loads(values["payload"])
    values["kind"] = cast(ChangeKind, values["kind"])
    values["event_id"] = int(values["event_id"])
    values["id"] = int(values["id"])
    return Alert(**values)


def delivery_from_row(row: Sequence[Any]) -> Delivery:
    values = _row(row, DELIVERY_COLUMNS)
    values["channel"] = cast(Channel, values["channel"])
    values["alert_id"] = int(values["alert_id"])
    return Delivery(**values)


def event_from_row(row: Sequence[Any]) -> StoryEventRow:
    return StoryEventRow(int(row[0]), str(row[1]), str(row[2]), row[3], row[4], row[5], row[6],
                         row[7])


def targets_of(watch: Watchlist) -> list[tuple[Channel, str]]:
    """The delivery targets a watchlist's alerts go to (the Atom feed needs no outbox row)."""
    found: list[tuple[Channel, str]] = []
    if watch.webhook:
        found.append(("webhook", watch.webhook))
    if watch.email:
        found.append(("email", watch.email))
    return found
