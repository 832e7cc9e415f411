"""Query-side vectors kept on disk (represent/vector_cache.py, issue 13's CLI latency): the
same float32 values a fresh encoder gives, the encoder loaded only for new texts, and a new
folder whenever the packages that decide the vectors change."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from newsloom.cache import package_fingerprint
from newsloom.represent import embed
from newsloom.represent.embed import get_embedder
from newsloom.represent.vector_cache import CachedEmbedder

TEXTS = ["Huawei Russland 5G", "5G-techniek Huawei krijgt voet aan de grond in Rusland",
         "Москва и Пекин подписали соглашение", "🙂", "x"]


def test_vectors_are_the_encoders_and_come_back_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = CachedEmbedder("use-m3", 1, tmp_path)
    first = cached.embed(TEXTS)
    query = cached.embed(TEXTS[:1])
    assert first.dtype == np.float32 and first.shape == (len(TEXTS), 512)
    encoder = get_embedder("use-m3", 1)
    assert np.array_equal(first, encoder.embed(TEXTS))
    assert np.array_equal(query, encoder.embed(TEXTS[:1]))
    assert len(list(cached.folder().glob("*.f32"))) == 2

    def no_encoder(name: str, threads: int | None = None) -> None:
        raise AssertionError("the encoder was loaded for texts embedded before")

    monkeypatch.setattr(embed, "get_embedder", no_encoder)
    again = CachedEmbedder("use-m3", 1, tmp_path)
    assert np.array_equal(again.embed(TEXTS), first)
    assert np.array_equal(again.embed(TEXTS[:1]), query)
    assert again.embed([]).shape == (0, 512)
    with pytest.raises(AssertionError, match="embedded before"):
        again.embed(TEXTS[1:])  # a list never embedded as such: the encoder is needed


def test_a_batch_is_kept_whole_because_its_values_depend_on_it(tmp_path: Path) -> None:
    """USE-m3 gives a text slightly different floats alone and in a batch, so the cache keys
    whole calls: a list is answered from disk only when exactly that list was embedded."""
    encoder = get_embedder("use-m3", 1)
    batch = encoder.embed(TEXTS)
    alone = np.stack([encoder.embed([text])[0] for text in TEXTS])
    assert np.allclose(alone, batch, atol=1e-5)  # the same vectors up to rounding
    cached = CachedEmbedder("use-m3", 1, tmp_path)
    assert np.array_equal(np.stack([cached.embed([t])[0] for t in TEXTS]), alone)
    assert np.array_equal(cached.embed(TEXTS), batch)
    assert np.array_equal(cached.embed(list(reversed(TEXTS))), encoder.embed(TEXTS[::-1]))


def test_a_damaged_file_is_recomputed(tmp_path: Path) -> None:
    cached = CachedEmbedder("use-m3", 1, tmp_path)
    good = cached.embed(TEXTS[:2])
    (stored,) = cached.folder().glob("*.f32")
    stored.write_bytes(b"\x00" * 12)
    assert np.array_equal(cached.embed(TEXTS[:2]), good)
    assert stored.stat().st_size == 2 * 4 * 512


def test_the_folder_changes_with_the_packages_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site" / "fakemodel"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "weights.bin").write_bytes(b"1234")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    before = package_fingerprint.__wrapped__(("fakemodel",))
    assert package_fingerprint.__wrapped__(("fakemodel",)) == before
    (package / "weights.bin").write_bytes(b"12345")
    changed = package_fingerprint.__wrapped__(("fakemodel",))
    os.utime(package / "weights.bin", ns=(1, 1))
    touched = package_fingerprint.__wrapped__(("fakemodel",))
    assert len({before, changed, touched}) == 3
    assert package_fingerprint.__wrapped__(("no_such_package_here",)) != before
    folder = CachedEmbedder("use-m3", 1, tmp_path).folder()
    assert folder.parent == tmp_path / "vectors" / "use-m3" and folder.name.endswith("-t1")
    assert CachedEmbedder("use-m3", 2, tmp_path).folder() != folder
