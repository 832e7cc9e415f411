"""``newsloom sources``, ``fetch``, ``watch`` and ``alerts``: follow the news as it happens
(issue 16). The work is in monitor/ and alerts/; this module parses and prints."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsloom.cli.checks import USAGE_ERROR, existing_store, stop_on_ctrl_c
from newsloom.cli.logs import stderr_console
from newsloom.cli.options import DEFAULT_DB, DbOption

if TYPE_CHECKING:
    from newsloom.model.monitoring import Watchlist
    from newsloom.monitor.cycle import CycleReport
    from newsloom.store.ports import Backend

err = stderr_console()
out = Console()

sources_app = typer.Typer(help="Feeds and news sitemaps that `newsloom fetch` polls.",
                          no_args_is_help=True)
watch_app = typer.Typer(help="Watchlists: what to be alerted about.", no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
#: How long `fetch --every` trusts the robots.txt it read.
ROBOTS_LIFETIME = timedelta(hours=24)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{escape(message)}[/]")
    return typer.Exit(USAGE_ERROR)


@contextmanager
def _open(db: Path) -> Iterator[Backend]:
    """The store at ``db``, created if missing (sources and watchlists may come first)."""
    from newsloom.store import open_store

    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


@sources_app.command("add")
def sources_add(
    urls: Annotated[list[str] | None, typer.Argument(help="Feed or sitemap URLs.")] = None,
    opml: Annotated[Path | None, typer.Option("--opml", help="An OPML file of feeds.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add feeds or news sitemaps to poll (creates the store if needed)."""
    from newsloom.monitor.opml import opml_feeds

    wanted = list(urls or [])
    if opml is not None:
        try:
            wanted += opml_feeds(opml.read_bytes())
        except (OSError, ValueError) as exc:
            raise _fail(f"cannot read {opml}: {exc}") from exc
    bad = [u for u in wanted if not u.startswith(("http://", "https://"))]
    if bad or not wanted:
        raise _fail(f"not an http(s) URL: {bad[0]}" if bad else "give URLs or --opml FILE")
    with _open(db) as store:
        added = sum(store.add_source(url, _now()) for url in wanted)
    err.print(f"{added} source(s) added, {len(wanted) - added} already there")


@sources_app.command("list")
def sources_list(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Polled sources with their state: last success, last error, next poll."""
    from dataclasses import asdict

    with existing_store(db) as store:
        found = store.sources()
    if as_json:
        out.print_json(json.dumps([asdict(s) for s in found]))
        return
    table = Table("url", "kind", "title", "last success", "last error", "failures",
                  "next poll")
    for s in found:
        table.add_row(s.url, s.kind, s.title or "", s.last_success or "never",
                      s.last_error or "", str(s.failures), s.next_poll or "now")
    out.print(table)


@sources_app.command("remove")
def sources_remove(urls: Annotated[list[str], typer.Argument()], db: DbOption = DEFAULT_DB
                   ) -> None:
    """Stop polling these sources (what they brought stays)."""
    with existing_store(db) as store:
        missing = [u for u in urls if not store.remove_source(u)]
    if missing:
        raise _fail(f"no such source: {missing[0]}")


def fetch(
    once: Annotated[bool, typer.Option("--once", help="One cycle over every source, then "
                                       "exit (the default without --every).")] = False,
    every: Annotated[str | None, typer.Option(
        "--every", help="Poll each source this often and keep running (15m, 1h, 90s).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Alert only on articles published on or after this date "
        "(YYYY-MM-DD): what a first fetch brings in from before is not news.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Poll the sources, analyze what is new like `analyze`, raise and deliver alerts."""
    from newsloom.alerts.after_corpus import utc_now
    from newsloom.monitor.cycle import next_wake, parse_every, run_cycle
    from newsloom.monitor.http import FetchPolicy, PoliteClient

    try:
        interval = parse_every(every or "15m")
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    if once and every:
        raise _fail("give --once or --every, not both")
    with stop_on_ctrl_c(), _open(db) as store:
        if not store.sources():
            raise _fail("no sources: add some with `newsloom sources add URL`")
        client: PoliteClient | None = None
        since_client = utc_now()
        try:
            while True:
                if client is None or utc_now() - since_client > ROBOTS_LIFETIME:
                    # a new client a day: robots.txt is read again, as crawlers do
                    if client is not None:
                        client.close()
                    client, since_client = PoliteClient(FetchPolicy.from_settings()), utc_now()
                _print_cycle(run_cycle(store, interval, all_sources=every is None,
                                       since=since, client=client))
                if every is None:
                    return
                wake = next_wake(store, interval, utc_now())
                time.sleep(max(1.0, (wake - utc_now()).total_seconds()))
        finally:
            if client is not None:
                client.close()


def _print_cycle(report: CycleReport) -> None:
    p = report.poll
    err.print(f"polled {p.sources} source(s) ({p.not_modified} unchanged, {p.failed} failed); "
              f"{p.listed} pages listed, {p.known} known, {p.fetched} fetched, "
              f"{p.page_errors} not fetched; {p.ingest.added} new article(s), "
              f"{report.clustered} clustered; {report.alerts.alerts} alert(s) "
              f"({report.alerts.too_old} change(s) older than --since); "
              f"{report.deliveries.sent} delivered, {report.deliveries.failed} to retry; "
              f"{report.seconds:.1f} s", highlight=False)


@watch_app.command("add")
def watch_add(
    name: Annotated[str, typer.Argument(help="A name (letters, digits, - and _).")],
    entity: Annotated[str | None, typer.Option("--entity", help="An entity's name or id.")
                      ] = None,
    query: Annotated[str | None, typer.Option("--query", help="Search words.")] = None,
    storyline: Annotated[str | None, typer.Option("--storyline")] = None,
    story: Annotated[str | None, typer.Option("--story")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only these languages "
                                                   "(repeat it).")] = None,
    min_sources: Annotated[int, typer.Option("--min-sources", min=1)] = 1,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST alerts here.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail alerts here.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Change the watchlist of this "
                                          "name.")] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add (or with --replace change) a watchlist; it alerts on what happens from now on."""
    from newsloom.alerts.watchlists import WatchlistError, make_watchlist

    with _open(db) as store:
        try:
            watch = make_watchlist(store, name, entity=entity, query=query,
                                   storyline=storyline, story=story, languages=lang or (),
                                   min_sources=min_sources, webhook=webhook, email=email)
        except WatchlistError as exc:
            raise _fail(str(exc)) from exc
        if not store.save_watchlist(watch, replace=replace):
            raise _fail(f"no watchlist {name!r}" if replace else
                        f"watchlist {name!r} exists (use --replace to change it)")
    err.print(f"watchlist {name} on {watch.kind} {watch.target!r}")


@watch_app.command("list")
def watch_list(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Watchlists and what they watch."""
    with existing_store(db) as store:
        found = store.watchlists()
    if as_json:
        out.print_json(json.dumps([_watch_json(w) for w in found]))
        return
    table = Table("name", "kind", "target", "languages", "min sources", "deliveries")
    for w in found:
        table.add_row(w.name, w.kind, w.target, " ".join(w.languages) or "any",
                      str(w.min_sources), " ".join(filter(None, (w.webhook, w.email))))
    out.print(table)


def _watch_json(watch: Watchlist) -> dict[str, object]:
    from dataclasses import asdict

    return {**asdict(watch), "languages": list(watch.languages)}


@watch_app.command("remove")
def watch_remove(name: str, db: DbOption = DEFAULT_DB) -> None:
    """Delete a watchlist with its alerts."""
    with existing_store(db) as store:
        if not store.remove_watchlist(name):
            raise _fail(f"no watchlist {name!r}")


def alerts(
    since: Annotated[str | None, typer.Option("--since", help="Alerts raised on or after "
                                              "this time (ISO date or date-time, UTC).")] = None,
    watchlist: Annotated[str | None, typer.Option("--watchlist")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    as_json: JsonOption = False, db: DbOption = DEFAULT_DB,
) -> None:
    """Alerts, newest first, with the story's title and cited summary."""
    from newsloom.alerts.deliver import alert_json, email_text

    with existing_store(db) as store:
        found = store.alerts(watchlist, since, limit)
    if as_json:
        sys.stdout.write(json.dumps([alert_json(a) for a in found], ensure_ascii=False,
                                    indent=2) + "\n")
        return
    for alert in found:
        out.print(f"[bold]#{alert.id}[/] {escape(alert.created_at)} "
                  f"[cyan]{escape(alert.watchlist)}[/]")
        out.print(escape(email_text(alert)), highlight=False)
