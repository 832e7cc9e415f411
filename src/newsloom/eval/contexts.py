"""``newsloom eval entity-contexts``: how well an article's embedding tells its own entities'
contexts from other entities' — the evidence behind ``NameMatchOptions.min_context_cosine``.

For a seeded sample of entities with enough articles, each of (up to) five articles is
compared with the context of the *rest* of its entity's articles (leave one out: the
positive case, an article mentioning a known entity), and one article with the context of a
randomly drawn other entity (the negative case). Cosines are centred on the corpus mean, as
the resolver's are. Reports the share of each reaching a range of thresholds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsloom.enrich.name_context import EntityContexts
from newsloom.store import open_store

THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass(frozen=True, slots=True)
class ContextSeparation:
    entities: int
    positives: list[float]
    negatives: list[float]

    def share_at(self, values: list[float], threshold: float) -> float:
        return float(np.mean(np.asarray(values) >= threshold)) if values else 0.0


def measure(db_path: Path, sample: int = 300, seed: int = 7, min_articles: int = 5,
            max_articles: int = 500, corpus_sample: int = 5000) -> ContextSeparation:
    """Reads (never writes) a corpus store (``newsloom analyze`` or ``eval scale`` output)."""
    if not db_path.is_file():  # opening would create an empty store
        raise FileNotFoundError(f"no store at {db_path}")
    with open_store(db_path) as store:
        rng = random.Random(seed)
        ids = store.entities_by_article_count(min_articles, max_articles)
        chosen = rng.sample(ids, min(sample, len(ids)))
        vectors = {e: store.entity_vectors(e) for e in chosen}
        corpus = EntityContexts()
        seqs = store.feature_seqs()
        picked = rng.sample(seqs, min(corpus_sample, len(seqs)))
        stored = store.vectors_at(picked)
        for seq in picked:  # in the sampled order, as the sums were always taken
            corpus.add_article(stored[seq])
    positives: list[float] = []
    negatives: list[float] = []
    for entity_id in chosen:
        own = vectors[entity_id]
        if len(own) < min_articles:
            continue  # its other articles are duplicates
        for held_out in range(min(len(own), 5)):
            contexts = EntityContexts(corpus_sum=corpus.corpus_sum,
                                      corpus_count=corpus.corpus_count)
            for k, vector in enumerate(own):
                if k != held_out:
                    contexts.add(entity_id, vector)
            positives.append(contexts.cosine(entity_id, own[held_out]) or 0.0)
        other = rng.choice(chosen)
        if other != entity_id and vectors[other]:
            contexts = EntityContexts(corpus_sum=corpus.corpus_sum,
                                      corpus_count=corpus.corpus_count)
            for vector in vectors[other]:
                contexts.add(other, vector)
            negatives.append(contexts.cosine(other, own[0]) or 0.0)
    return ContextSeparation(len(chosen), positives, negatives)


def report(result: ContextSeparation) -> str:
    lines = [f"entities sampled: {result.entities}; article/context pairs: "
             f"{len(result.positives)} own entity, {len(result.negatives)} other entity",
             "| centred cosine ≥ | own entity (recall) | other entity (false match) |",
             "|---|---|---|"]
    for threshold in THRESHOLDS:
        lines.append(f"| {threshold:.1f} | {result.share_at(result.positives, threshold):.3f} "
                     f"| {result.share_at(result.negatives, threshold):.3f} |")
    return "\n".join(lines)
