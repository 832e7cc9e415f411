"""Watchlists hear every corpus run, whatever started it: a fetch cycle, an upload job on the
server or ``newsloom analyze``. Raising reads the story event log after the alert cursor, so
no run is missed and none alerts twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from newsloom.alerts.deliver import DeliveryRun, deliver_due
from newsloom.alerts.match import AlertRun, AlertSource, raise_alerts


def utc_now() -> datetime:
    return datetime.now(UTC)


def alert_after_corpus(store: AlertSource, now: Callable[[], datetime] = utc_now,
                       since: str | None = None) -> tuple[AlertRun, DeliveryRun]:
    """Raise the alerts of the story changes since the cursor, then send what is due."""
    alerts = raise_alerts(store, now().isoformat(timespec="seconds"), since)
    return alerts, deliver_due(store, now)
