"""One cycle of ``newsloom fetch``: poll → ingest (batch by batch) → corpus stage (stories
and storylines, as ``analyze``) → alerts from the story events → due deliveries.

``--every`` repeats cycles: it sleeps until the next source is due or the next delivery retry,
whichever comes first.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from newsloom.alerts.after_corpus import alert_after_corpus, utc_now
from newsloom.alerts.deliver import DeliveryRun
from newsloom.alerts.match import AlertRun, AlertSource
from newsloom.monitor.http import FetchPolicy, PoliteClient
from newsloom.monitor.poll import PollReport, PollSink, poll_round
from newsloom.store.ports import CorpusRun

log = logging.getLogger("newsloom")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 60.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_every(text: str) -> timedelta:
    """"15m", "90s", "1h", "1d" (a bare number is minutes); ValueError if not one."""
    match = _DURATION.match(text)
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (try 15m, 90s, 1h)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


class MonitorBackend(PollSink, CorpusRun, AlertSource, Protocol):
    """What a whole fetch cycle reads and writes."""


@dataclass(slots=True)
class CycleReport:
    poll: PollReport
    clustered: int
    alerts: AlertRun
    deliveries: DeliveryRun
    seconds: float


def run_cycle(store: MonitorBackend, every: timedelta, *, all_sources: bool = False,
              since: str | None = None, client: PoliteClient | None = None,
              now: Callable[[], datetime] = utc_now) -> CycleReport:
    """One cycle; ``client`` kept across cycles keeps its robots.txt copies (else a new one
    with the settings' policy)."""
    from newsloom.pipeline.corpus import build_stories, update_storylines

    started = time.monotonic()
    if client is None:
        with PoliteClient(FetchPolicy.from_settings()) as own:
            polled = poll_round(store, own, now(), every, due_only=not all_sources)
    else:
        polled = poll_round(store, client, now(), every, due_only=not all_sources)
    clustered = 0
    if store.count_pending_articles():
        clustered = build_stories(store)
        update_storylines(store)
    alerts, delivered = alert_after_corpus(store, now, since)
    return CycleReport(polled, clustered, alerts, delivered, time.monotonic() - started)


def next_wake(store: MonitorBackend, every: timedelta, now: datetime) -> datetime:
    """When the next source is due or the next delivery is to be retried."""
    moments = [datetime.fromisoformat(s.next_poll) for s in store.sources() if s.next_poll]
    moments += [datetime.fromisoformat(d.next_attempt) for d in store.deliveries()
                if d.state == "pending"]
    return max(now + timedelta(seconds=1), min(moments, default=now + every))
