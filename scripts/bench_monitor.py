"""Monitoring benchmarks against loopback servers (issue 16): polling throughput and alert
latency. Nothing leaves 127.0.0.1.

* Polling throughput: HOSTS local sites, each with a feed of PAGES article pages; one polling
  round (robots.txt, feeds, pages; extraction and committed ingest batches included; the
  corpus stage excluded) is timed, at the default politeness of 1 request/s per host and with
  the per-host rate lifted (what the machine can do).
* Alert latency: the end-to-end test's new event (two articles, English and French) fetched and
  clustered; the time from the corpus stage's commit to the webhook receiving the alert.

    PYTHONPATH=src:tests python scripts/bench_monitor.py [--hosts 4] [--pages 50]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from monitor_news import NEW, OLD, page_html, rfc822
from monitor_server import rss, serve_site
from newsloom.alerts.deliver import deliver_due
from newsloom.alerts.match import raise_alerts
from newsloom.alerts.watchlists import make_watchlist
from newsloom.monitor.http import FetchPolicy, PoliteClient
from newsloom.monitor.poll import poll_round
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.store import open_store

EVERY = timedelta(minutes=15)
TEXTS = [paragraphs for _, _, _, paragraphs in (*OLD.values(), *NEW.values())]


def _policy(rate: float) -> FetchPolicy:
    return FetchPolicy("newsloom-bench/1.0", rate, 2, 20.0, 1, 5 * 1024 * 1024)


def throughput(hosts: int, pages: int, rate: float, work: Path) -> tuple[float, int, int]:
    with ExitStack() as stack:
        sites = [stack.enter_context(serve_site()) for _ in range(hosts)]
        for h, site in enumerate(sites):
            items = []
            for n in range(pages):
                paragraphs = [f"{p} (Report {h}-{n}.)" for p in TEXTS[n % len(TEXTS)]]
                path = f"/news/{n}.html"
                site.put(path, page_html("en", "2026-03-02T09:00:00Z", f"Report {h}-{n}",
                                         paragraphs))
                items.append((site.url + path, f"Report {h}-{n}", rfc822("2026-03-02T09:00:00Z")))
            site.put("/feed.xml", rss(f"Site {h}", items), content_type="application/rss+xml")
        with open_store(work / f"bench-{rate}.db") as store:
            for site in sites:
                store.add_source(f"{site.url}/feed.xml", "T0")
            started = time.perf_counter()
            with PoliteClient(_policy(rate)) as client:
                report = poll_round(store, client, datetime.now(UTC), EVERY)
            seconds = time.perf_counter() - started
    return seconds, report.ingest.added, report.requests


def alert_latency(work: Path) -> float:
    os.environ.setdefault("NEWSLOOM_WEBHOOK_SECRET", "bench")
    with serve_site() as site, open_store(work / "latency.db") as store:
        site.put("/hook", b"")
        for path, (lang, date, title, paragraphs) in {**OLD, **NEW}.items():
            site.put(path, page_html(lang, date, title, paragraphs))
        site.put("/feed.xml", rss("Example", [(site.url + p, t, rfc822(d))
                                              for p, (_, d, t, _) in {**OLD, **NEW}.items()]))
        store.add_source(f"{site.url}/feed.xml", "T0")
        store.save_watchlist(make_watchlist(store, "airbus", entity="Airbus",
                                            webhook=f"{site.url}/hook"))
        with PoliteClient(_policy(50.0)) as client:
            poll_round(store, client, datetime.now(UTC), EVERY)
        build_stories(store)
        update_storylines(store)
        committed = time.monotonic()
        raise_alerts(store, datetime.now(UTC).isoformat(timespec="seconds"))
        deliver_due(store, lambda: datetime.now(UTC))
        hooks = [h.at for h in site.hits if h.path == "/hook"]
        assert hooks, "no alert was delivered"
        return min(hooks) - committed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for rate in (1.0, 1000.0):
            seconds, added, requests = throughput(args.hosts, args.pages, rate, work)
            print(f"polling, {args.hosts} hosts x {args.pages} pages, {rate:g} req/s/host: "
                  f"{added} articles in {seconds:.1f} s = {added / seconds:.1f} pages/s "
                  f"({requests} requests)")
        print(f"alert latency, corpus commit to webhook: {alert_latency(work) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
