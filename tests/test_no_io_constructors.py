"""Constructors store their parameters; reading a store or a file is an explicit ``open``
(issue 12 review: ``CorpusStage.__post_init__`` and ``VectorIndex.__init__`` did I/O)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from newsloom.cluster.index import VectorIndex
from newsloom.pipeline.corpus import CorpusStage
from newsloom.store import SQLiteStore


class _Untouchable:
    """A store that fails the test on any use."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the constructor used the store ({name})")


def test_vector_index_constructor_reads_no_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "v.usearch"
    saved = VectorIndex(4, path)
    saved.add(7, np.ones(4, dtype=np.float32))
    saved.save()
    assert len(VectorIndex(4, path)) == 0
    assert 7 in VectorIndex.open(4, path)
    path.write_bytes(b"not an index")
    caplog.set_level(logging.WARNING, logger="newsloom")
    fresh = VectorIndex(4, path)
    assert not fresh.damaged and not caplog.text
    opened = VectorIndex.open(4, path)
    assert opened.damaged and len(opened) == 0 and "cannot be read" in caplog.text


def test_corpus_stage_loads_only_when_opened(tmp_path: Path) -> None:
    stage = CorpusStage(_Untouchable())  # type: ignore[arg-type]
    assert not hasattr(stage, "clusterer")
    with SQLiteStore(tmp_path / "s.db") as store:
        opened = CorpusStage(store, timings={}).open()
        assert opened.clusterer.documents == 0
        assert opened.timings is not None and "load" in opened.timings
