"""What the CLI checks before it touches anything, and how it stops on Ctrl-C.

- Read commands open an existing store only: a mistyped ``--db`` must not create an empty
  store (and its folder) and print an empty listing with exit 0.
- A missing input path is the user's mistake, not a skipped document: exit 2 before the
  store, the report or the run log is touched.
- Ctrl-C stops the worker pools at once and exits 130; committed batches stay.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.markup import escape

from newsloom.cli.logs import stderr_console
from newsloom.cli.options import StoreLocation
from newsloom.text.counts import plural

if TYPE_CHECKING:
    from newsloom.store.ports import Backend

err = stderr_console()

#: Exit status of a usage mistake (as for a bad option) and of an interrupted run (128+SIGINT).
USAGE_ERROR = 2
INTERRUPTED = 130


def require_store(db: Path) -> None:
    """Exit 2, creating nothing, unless ``db`` is an existing store file or a server URL
    (whose server says whether it can be reached when the store is opened)."""
    if db.is_file() or (isinstance(db, StoreLocation) and db.is_server):
        return
    what = "a folder, not a store" if db.is_dir() else "no store"
    err.print(f"[red]{what} at {escape(str(db))}[/]: create one with "
              f"`newsloom analyze PATH --db {escape(str(db))}` "
              f"(or `newsloom ingest PATH --db {escape(str(db))}`), or pass the right --db "
              "(or NEWSLOOM_DB)", soft_wrap=True)  # unwrapped: paths stay copyable
    raise typer.Exit(USAGE_ERROR)


@contextmanager
def existing_store(db: Path) -> Iterator[Backend]:
    """The store at ``db`` for a read command; exits 2 if there is none (see above)."""
    from newsloom.store import open_store

    require_store(db)
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def require_paths(paths: Sequence[Path]) -> None:
    """Exit 2 before anything is written when an input path does not exist."""
    missing = [p for p in paths if not p.exists()]
    if not missing:
        return
    for path in missing:
        err.print(f"[red]no such file or folder[/]: {escape(str(path))}", soft_wrap=True)
    err.print(f"nothing was read or written; check the {plural('path', len(missing))} and "
              "run again")
    raise typer.Exit(USAGE_ERROR)


class _CtrlC:
    """SIGINT raises KeyboardInterrupt as usual, and remembers that it came: raised inside a
    SQLite user function (the lemma index's trigger) it reaches us as an OperationalError."""

    def __init__(self) -> None:
        self.pressed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        raise KeyboardInterrupt


@contextmanager
def stop_on_ctrl_c() -> Iterator[None]:
    """Turn Ctrl-C anywhere inside into a prompt exit 130, leaving no worker behind."""
    ctrl_c = _CtrlC()
    previous = signal.signal(signal.SIGINT, ctrl_c)
    try:
        yield
    except Exception:
        if not ctrl_c.pressed:
            raise
        _interrupted()
    except KeyboardInterrupt:
        _interrupted()
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupted() -> NoReturn:
    from newsloom.pipeline import pool as corpus_pool

    # The feature pool outlives build_stories (it is process-wide); a graceful shutdown at
    # exit would wait for every queued batch, so its workers are killed here.
    corpus_pool.shutdown(now=True)
    err.print("[yellow]interrupted[/]: committed batches are kept; run the same command "
              "again to resume.")
    raise typer.Exit(INTERRUPTED) from None
