"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_api_support import copy_store, seeds_store


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds analysed into a store, once per module."""
    return seeds_store(tmp_path_factory)


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A private copy of ``base_db`` per test: uploads change the store."""
    return copy_store(base_db, tmp_path / "store.db")
