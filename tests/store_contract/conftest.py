"""The backends under contract. A new backend adds one factory to ``BACKENDS``; every test of
the suite then runs against it unchanged.

A factory takes a store *name* (unique within one test) and returns an open store; called
again with the same name it opens the same store again (resume, a second process's view).
A backend's entry is a context manager around its factory, so it can remove what the test's
stores left behind (the PostgreSQL schemas; SQLite's files go with ``tmp_path``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import pytest

import pg_server
from newsloom.store import open_store
from newsloom.store.ports import Backend

StoreFactory = Callable[[str], Backend]


def _sqlite(root: Path) -> AbstractContextManager[StoreFactory]:
    return nullcontext(lambda name: open_store(root / f"{name}.db"))


@contextmanager
def _postgres(root: Path) -> Iterator[StoreFactory]:
    """One schema per store name on the session's local server (tests/pg_server.py)."""
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(reason)
    prefix = pg_server.new_prefix()
    names: set[str] = set()

    def make(name: str) -> Backend:
        names.add(f"{prefix}_{name}")
        return open_store(pg_server.store_url(f"{prefix}_{name}"))

    yield make
    for name in names:
        pg_server.drop_store(name)


BACKENDS: dict[str, Callable[[Path], AbstractContextManager[StoreFactory]]] = {
    "sqlite": _sqlite, "postgres": _postgres}


@pytest.fixture(params=sorted(BACKENDS))
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    opened: list[Backend] = []
    with BACKENDS[request.param](tmp_path) as factory:

        def make(name: str = "main") -> Backend:
            store = factory(name)
            opened.append(store)
            return store

        yield make
        for store in opened:
            store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> Backend:
    """A fresh, empty store."""
    return make_store("main")
