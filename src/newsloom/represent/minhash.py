"""Near-duplicate detection: MinHash signatures over word shingles, LSH over the corpus.

Exact copies, syndicated wire copies and lightly edited re-posts share most 5-word shingles;
different reports of the same event share few, so a Jaccard threshold separates "the same
text" from "the same story" (which is the clustering's job, not this module's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64  # 64 permutations: ±0.06 Jaccard error, half the memory of datasketch's default
SHINGLE_WORDS = 5
#: Estimated Jaccard similarity of 5-word shingles above which two texts are one text:
#: a re-post with a changed headline, intro line or footer still shares well over half.
DUPLICATE_JACCARD = 0.6
_SEED = 1  # fixed: signatures must be comparable across runs and machines
_SCHEME = "affine64"  # pinned too: a library default change would silently break stored ones

#: LSH banding: datasketch's optimum for (DUPLICATE_JACCARD, NUM_PERM), pinned because the
#: store keeps band chunks (store/schema.py, migration 3 hard-codes 10 bands × 6 rows × 8 bytes)
#: and a library change must not silently make stored bands unmatchable. Checked in the tests.
LSH_BANDS, LSH_ROWS = 10, 6

Signature = npt.NDArray[np.uint64]
#: One LSH band of a signature: (band number, its ``LSH_ROWS`` hash values as little-endian
#: bytes). Two signatures are LSH candidates exactly when they share one.
Band = tuple[int, bytes]
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Lower-cased word n-grams; a text shorter than ``size`` words is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> Signature:
    """MinHash signature of ``text`` (a pure function: same text, same signature)."""
    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    sketch.update_batch(sorted(shingles(text)))
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


def _sketch(sig: Signature) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashvalues=sig)


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def bands(sig: Signature) -> list[Band]:
    """The LSH bands of ``sig``, as the store's band table holds them."""
    values = np.asarray(sig, dtype="<u8")
    return [(b, values[b * LSH_ROWS:(b + 1) * LSH_ROWS].tobytes()) for b in range(LSH_BANDS)]


def _ranked(sig: Signature, candidates: Iterable[tuple[str, Signature]],
            threshold: float) -> list[tuple[str, float]]:
    scored = [(c, jaccard(sig, other)) for c, other in candidates]
    return sorted(((c, s) for c, s in scored if s >= threshold),
                  key=lambda item: (-item[1], item[0]))


@dataclass
class DuplicateIndex:
    """LSH index of signatures; finds earlier articles that a new one duplicates."""

    threshold: float = DUPLICATE_JACCARD
    _lsh: MinHashLSH = field(init=False)
    _signatures: dict[str, Signature] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, article_id: str, sig: Signature) -> None:
        if article_id in self._signatures:
            return
        self._signatures[article_id] = sig
        self._lsh.insert(article_id, _sketch(sig))

    def add_all(self, items: Iterable[tuple[str, Signature]]) -> None:
        for article_id, sig in items:
            self.add(article_id, sig)

    def matches(self, sig: Signature) -> list[tuple[str, float]]:
        """Indexed articles whose estimated Jaccard with ``sig`` reaches the threshold,
        most similar first (ties by id, for determinism)."""
        candidates = self._lsh.query(_sketch(sig))
        return _ranked(sig, ((c, self._signatures[c]) for c in candidates), self.threshold)


#: Looks up stored articles sharing any of the given bands: article id → signature.
BandLookup = Callable[[Sequence[Band]], dict[str, Signature]]


@dataclass
class BandedDuplicateIndex:
    """:class:`DuplicateIndex` over the store's band table: no corpus-sized rebuild per run.

    Stored articles are found by an indexed lookup of the new signature's bands; articles
    added since the last commit live in memory until :meth:`committed` is called. Finds
    exactly what :class:`DuplicateIndex` over the same articles would (same bands, same
    Jaccard filter, same order).
    """

    lookup: BandLookup
    threshold: float = DUPLICATE_JACCARD
    _pending: dict[Band, list[str]] = field(init=False, default_factory=dict)
    _signatures: dict[str, Signature] = field(init=False, default_factory=dict)

    def add(self, article_id: str, sig: Signature) -> None:
        if article_id in self._signatures:
            return
        self._signatures[article_id] = sig
        for band in bands(sig):
            self._pending.setdefault(band, []).append(article_id)

    def matches(self, sig: Signature) -> list[tuple[str, float]]:
        """Like :meth:`DuplicateIndex.matches`, over stored plus pending articles."""
        keys = bands(sig)
        found = self.lookup(keys)
        for band in keys:
            for article_id in self._pending.get(band, ()):
                found.setdefault(article_id, self._signatures[article_id])
        return _ranked(sig, found.items(), self.threshold)

    def committed(self) -> None:
        """The pending articles are in the store now; forget them here."""
        self._pending.clear()
        self._signatures.clear()
