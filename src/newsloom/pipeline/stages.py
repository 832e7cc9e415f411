"""Pure per-document functions of the corpus stage: NER, entity linking, MinHash, embedding.

Nothing here touches the store, the vector index or the clusterer, so a worker process (or a
Spark executor) can import and run :func:`featurize` with the models loaded once per process.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from newsloom.enrich.entities import link_article
from newsloom.enrich.ner import recognize_many
from newsloom.model import Article, ArticleEntity, EventDate, Mention
from newsloom.represent.embed import Vectors, event_text, get_embedder
from newsloom.represent.event import event_date, event_terms
from newsloom.represent.minhash import Signature, signature
from newsloom.settings import settings

#: Wall seconds per sub-stage (and CPU seconds of the process that ran it, as "cpu:<stage>"),
#: accumulated when a caller passes one in (the scale benchmark).
Timings = dict[str, float]


@contextmanager
def timed(timings: Timings | None, stage: str) -> Iterator[None]:
    if timings is None:
        yield
        return
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
        # CPU seconds of this process, beside wall: on a shared machine wall time measures
        # the neighbours as much as the code.
        key = f"cpu:{stage}"
        timings[key] = timings.get(key, 0.0) + time.process_time() - cpu


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    article_id: str
    entities: list[ArticleEntity]
    signature: Signature
    vector: np.ndarray
    terms: dict[str, int] = field(default_factory=dict)
    event_date: EventDate | None = None


def featurize(articles: Sequence[Article], embedder: str = "use-m3",
              timings: Timings | None = None, threads: int | None = None,
              event_chars: int | None = None) -> list[ArticleFeatures]:
    """Per-article features of a batch; NER runs per language with batched inference.
    ``threads``: BLAS threads of the encoder (None: the ``encoder_threads`` setting);
    ``event_chars``: length of the text embedded (:func:`newsloom.represent.embed.event_text`;
    None: the setting). NER reads the first ``ner_chars`` characters (a setting): entities
    that matter are named early, and the cap bounds the time a 100-page document takes."""
    ner_chars = settings().ner_chars
    event_chars = settings().event_chars if event_chars is None else event_chars
    by_lang: dict[str | None, list[int]] = defaultdict(list)
    texts = [f"{a.title}\n{a.text}"[:ner_chars] if a.title else a.text[:ner_chars]
             for a in articles]
    for i, article in enumerate(articles):
        by_lang[article.language].append(i)
    mentions: list[list[Mention]] = [[] for _ in articles]
    with timed(timings, "ner"):
        for lang, members in by_lang.items():
            found = recognize_many([texts[i] for i in members], lang)
            for i, article_mentions in zip(members, found, strict=True):
                mentions[i] = article_mentions
    with timed(timings, "embed"):
        vectors: Vectors = get_embedder(embedder, threads).embed(
            [event_text(a, event_chars) for a in articles])
    with timed(timings, "link+minhash"):
        return [
            ArticleFeatures(a.id, link_article(a.title, a.text[:ner_chars], mentions[i],
                                                  a.language),
                            signature(a.text), vectors[i], event_terms(a), event_date(a))
            for i, a in enumerate(articles)
        ]


