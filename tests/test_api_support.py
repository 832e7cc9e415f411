"""Shared helpers of the API and web tests: a store built from the example corpus."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import open_store

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "examples" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures"
#: The Dutch seed: Huawei builds MTS's 5G network in Russia.
MTS_SEED = "004_957069b94ee8dd14"


def build_store(db: Path, *paths: Path) -> Path:
    """Ingest ``paths`` and run the corpus stages, as ``newsloom analyze`` does."""
    with open_store(db) as store:
        ingest(list(paths), store, PipelineOptions(workers=1))
        build_stories(store, workers=1)
        update_storylines(store)
    return db


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy (SQLite backup, plus the vector index beside it) to write into."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    index = source.with_name(source.name + ".vectors.usearch")
    if index.exists():
        shutil.copy(index, target.with_name(target.name + ".vectors.usearch"))
    return target


def seeds_store(factory: pytest.TempPathFactory) -> Path:
    """The seeds and fixtures store, built once per test session and shared read-only."""
    db = factory.getbasetemp() / "api-seeds" / "seeds.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        build_store(db, SEEDS, FIXTURES)
    return db

