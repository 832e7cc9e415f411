"""``newsloom compare``: for article pairs, the clustering's same-event probability and the
graded relatedness that storylines use (:mod:`newsloom.cluster.relatedness`)."""

from __future__ import annotations

from collections.abc import Sequence

from newsloom.cluster.relatedness import relatedness
from newsloom.cluster.scoring import (
    PairFeatures,
    corpus_centre,
    features,
    idf_weights,
    probability,
)
from newsloom.store.ports import PairEvidence


class UnknownArticle(KeyError):
    """A pair names an article the store does not hold (or has not processed yet)."""


def pair_scores(store: PairEvidence, pairs: Sequence[tuple[str, str]]
                ) -> list[tuple[float, float]]:
    """For each pair (article ids or source_ids): the probability that both report the same
    event, and how related they are (graded, for rated similarity and storylines)."""
    return [(round(probability(f), 4), round(relatedness(f), 4))
            for f in pair_features(store, pairs)]


def pair_features(store: PairEvidence, pairs: Sequence[tuple[str, str]]) -> list[PairFeatures]:
    """The scorer's evidence for each pair (article ids or source_ids)."""
    refs = sorted({ref for pair in pairs for ref in pair})
    ids = store.feature_ids(refs)
    missing = [ref for ref in refs if ref not in ids]
    if missing:
        raise UnknownArticle(f"no processed article for: {', '.join(missing[:5])}"
                             + (" …" if len(missing) > 5 else ""))
    evidence = store.evidence(sorted(set(ids.values())))
    df, documents = store.entity_document_frequency()
    idf = idf_weights(df, documents)
    term_idf = idf_weights(store.term_document_frequency(), documents)
    centre = corpus_centre(*store.corpus_vector_sum())
    return [features(evidence[ids[a]], evidence[ids[b]], idf, term_idf, centre=centre)
            for a, b in pairs]
