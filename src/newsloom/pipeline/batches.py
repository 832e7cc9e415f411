"""One ingest batch stored: the part of an ingest run that needs only the store.

:func:`store_batch` checks which documents the store holds, extracts the others, and adds
them in one transaction; it returns a :class:`BatchOutcome` of counts and ids, which the
run's bookkeeping (:class:`newsloom.pipeline.ingest.IngestRun`) then counts. The local
pipeline runs both in one process; the Spark runner runs this on its executors and the
bookkeeping on the driver.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from newsloom.model import KEPT_WHOLE, Article, RawDocument, Skip
from newsloom.store.errors import StoreUnavailable
from newsloom.store.ports import AddResult, IngestSink

log = logging.getLogger("newsloom")


#: Extraction of a batch of fresh documents, one result per document, in order.
Extract = Callable[[list[RawDocument]], list[Article | Skip]]


@dataclass(slots=True)
class BatchOutcome:
    """What :func:`store_batch` did: small enough to send from a Spark executor."""

    known: int = 0  # current versions already stored: not extracted, not stored again
    results: list[AddResult] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)  # extraction and store failures
    kept_whole: list[str] = field(default_factory=list)  # sources of KEPT_WHOLE articles
    articles: list[str] = field(default_factory=list)  # ids of the articles handed over


def store_batch(store: IngestSink, docs: list[RawDocument], extract: Extract,
                on_skip: Callable[[Skip], object]) -> BatchOutcome:
    """Store the admitted ``docs`` not stored yet, extracted by ``extract``, as one
    transaction (``add(..., revert=False)``: reverts are decided by the run); failures are
    passed to ``on_skip`` and listed. Needs nothing of the run: a Spark executor runs it."""
    outcome = BatchOutcome()
    if not docs:
        return outcome

    def skipped(skip: Skip) -> None:
        outcome.skips.append(skip)
        on_skip(skip)

    known = store.known_ids(doc.id for doc in docs)
    outcome.known = len(known)
    fresh = [doc for doc in docs if doc.id not in known]
    # An earlier version of its page (an input holding two versions, read again): its
    # article is stored, so it is not extracted again; the store decides on a revert.
    earlier = store.stored_ids(doc.id for doc in fresh) if fresh else set()
    new = [doc for doc in fresh if doc.id not in earlier]
    extracted = dict(zip((doc.id for doc in new), extract(new) if new else [], strict=True))
    pairs: list[tuple[RawDocument, Article | None]] = []
    for doc in fresh:
        result = extracted.get(doc.id)
        if result is None:
            pairs.append((doc, None))
            continue
        if isinstance(result, Skip):
            skipped(result)
            continue
        if KEPT_WHOLE in result.extraction_flags:
            outcome.kept_whole.append(doc.source)
        pairs.append((doc, result))
    outcome.results = add_pairs(pairs, store, False, skipped)
    outcome.articles = [article.id for _, article in pairs if article is not None]
    return outcome


def add_pairs(pairs: list[tuple[RawDocument, Article | None]], store: IngestSink,
               revert: bool, on_skip: Callable[[Skip], object]) -> list[AddResult]:
    """One transaction for the batch; if it fails, each document alone, so one document the
    store refuses is skipped and the rest of the batch is kept."""
    if not pairs:
        return []
    try:
        return [store.add(pairs, revert=revert)]
    except StoreUnavailable:
        raise  # locked, disk full, I/O error: the store's trouble, not this batch's
    except Exception:
        log.exception("storing a batch failed; storing its %d documents one by one",
                      len(pairs))
    results = []
    for doc, article in pairs:
        try:
            results.append(store.add([(doc, article)], revert=revert))
        except StoreUnavailable:
            raise
        except Exception as exc:
            on_skip(Skip(doc.source, f"store error: {type(exc).__name__}: {exc}"))
    return results


def storable_skip(skip: Skip) -> Skip:
    return Skip(storable(skip.source), storable(skip.reason), skip.page)


def storable(text: str) -> str:
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")
