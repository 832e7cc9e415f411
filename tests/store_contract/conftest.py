"""The backends under contract. A new backend adds one factory to ``BACKENDS``; every test of
the suite then runs against it unchanged.

A factory takes a store *name* (unique within one test) and returns an open store; called
again with the same name it opens the same store again (resume, a second process's view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsloom.store import open_store
from newsloom.store.ports import Backend

StoreFactory = Callable[[str], Backend]


def _sqlite(root: Path) -> StoreFactory:
    return lambda name: open_store(root / f"{name}.db")


BACKENDS: dict[str, Callable[[Path], StoreFactory]] = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(BACKENDS))
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    opened: list[Backend] = []
    factory = BACKENDS[request.param](tmp_path)

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
