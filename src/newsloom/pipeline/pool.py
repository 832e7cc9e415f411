"""Per-article features (NER, embeddings, MinHash) in worker processes, one BLAS thread each.

Why processes, and why one thread each: on the 2-core benchmark machine, shared with other
jobs, the encoder's 2-thread BLAS ran 2.4x *slower* than one thread (USE-m3 over 200 articles
at 2,000 characters: 10 vs 24.5 docs/s at load average 5; a bare float32 GEMM: 37 vs 84
GFLOPS) because each BLAS call waits for its slower thread. Two single-threaded workers keep
both cores busy without that wait, and while they compute the next batch the main process
clusters and stores the previous one (:func:`newsloom.pipeline.corpus.build_stories`).

:func:`newsloom.pipeline.stages.featurize` is a pure function of its articles, so the split changes
nothing but where it runs. The pool lives as long as the process, like the models in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import TYPE_CHECKING

from newsloom.model import Article
from newsloom.pipeline.workers import die_with_parent, stop_pool
from newsloom.settings import settings

if TYPE_CHECKING:
    from newsloom.pipeline.stages import ArticleFeatures, Timings

#: A batch is split into this many chunks per worker, so a worker that finishes early
#: (shorter texts) takes more instead of idling.
CHUNKS_PER_WORKER = 2

_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[int, str] | None = None


#: BLAS threads per worker: one, since there is one worker per core (see the module docstring).
WORKER_THREADS = 1


def _init_worker(embedder: str) -> None:
    """Load the encoder, single-threaded, before the first batch arrives."""
    from newsloom.represent.embed import get_embedder

    die_with_parent()

    get_embedder(embedder, WORKER_THREADS).embed(["warm-up"])


def _featurize(articles: Sequence[Article], embedder: str, event_chars: int
               ) -> tuple[list[ArticleFeatures], Timings]:
    from newsloom.pipeline.stages import featurize

    timings: Timings = {}
    return featurize(articles, embedder, timings, threads=WORKER_THREADS,
                     event_chars=event_chars), timings


def pool(workers: int, embedder: str) -> ProcessPoolExecutor:
    """The process-wide feature pool, started on first use (fork: models not yet loaded in
    the parent are loaded once per worker, lazily, per language)."""
    global _pool, _pool_key
    if _pool is None or _pool_key != (workers, embedder):
        shutdown()
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                                    initializer=_init_worker, initargs=(embedder,))
        _pool_key = (workers, embedder)
    return _pool


def shutdown(now: bool = False) -> None:
    """Stop the pool; ``now`` (Ctrl-C) kills the workers instead of finishing queued work."""
    global _pool, _pool_key
    if _pool is not None:
        if now:
            stop_pool(_pool)
        else:
            _pool.shutdown(cancel_futures=True)
        _pool, _pool_key = None, None


def submit(articles: Sequence[Article], workers: int, embedder: str,
           event_chars: int | None = None
           ) -> list[Future[tuple[list[ArticleFeatures], Timings]]]:
    """Features of ``articles`` in contiguous chunks; results come back in order."""
    event_chars = settings().event_chars if event_chars is None else event_chars
    size = max(1, -(-len(articles) // (workers * CHUNKS_PER_WORKER)))
    chunks = [list(articles[i:i + size]) for i in range(0, len(articles), size)]
    try:
        executor = pool(workers, embedder)
        return [executor.submit(_featurize, chunk, embedder, event_chars) for chunk in chunks]
    except BrokenProcessPool:  # a worker died (killed, Ctrl-C) in an earlier run: start anew
        shutdown()
        executor = pool(workers, embedder)
        return [executor.submit(_featurize, chunk, embedder, event_chars) for chunk in chunks]


def warm_up(workers: int, embedder: str, languages: Sequence[str]) -> None:
    """Start the pool and load every model in every worker (for benchmarks: so the first
    timed batch does not pay model loading). One task per worker and language, each long
    enough that no worker can take two of one language before the others start."""
    executor = pool(workers, embedder)
    text = "Angela Merkel met Emmanuel Macron in Berlin on Monday. " * 4
    chars = settings().event_chars
    futures = [executor.submit(_featurize, [_probe(text, lang)], embedder, chars)
               for lang in languages for _ in range(workers)]
    for future in futures:
        future.result()


def _probe(text: str, lang: str) -> Article:
    return Article(id=f"warm-up-{lang}", source_id="warm-up", source="warm-up", url=None,
                   title="Warm-up", outlet=None, authors=[], published=None,
                   published_estimate=None, language=lang, language_confidence=1.0,
                   text=text, removed_lines=[], extractor="warm-up")
