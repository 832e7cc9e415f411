"""Near-duplicate detection: MinHash signatures over word shingles, LSH over the corpus.

Exact copies, syndicated wire copies and lightly edited re-posts share most 5-word shingles;
different reports of the same event share few, so a Jaccard threshold separates "the same
text" from "the same story" (which is the clustering's job, not this module's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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

Signature = npt.NDArray[np.uint64]
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
        scored = [(c, jaccard(sig, self._signatures[c])) for c in candidates]
        return sorted(((c, s) for c, s in scored if s >= self.threshold),
                      key=lambda item: (-item[1], item[0]))
