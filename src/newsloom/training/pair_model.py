"""Fit the same-event pair model (``cluster/pair_model.json``) from labelled articles.

Training data: every pair of articles in an event-labelled collection (events-dev: ECB+
articles, two different events of each kind), positive when both report the same event. The
features are the runtime's own (:func:`newsloom.cluster.scoring.features`), computed from a
store the real pipeline built, with rarity counted over the whole collection. The fit is an
L2-regularised logistic regression (scikit-learn, C=1), so its probabilities are calibrated
to the collection's own mix of same-event pairs; the encoder-to-term-similarity relation used
across languages is a least-squares line over same-language pairs.

Run::

    python -m newsloom.training.pair_model --events ../shared/data/events-dev \
        --out src/newsloom/cluster/pair_model.json

``newsloom eval events`` measures the method with the kinds of event held out (a model per
fold, trained without that kind), so the shipped model's in-sample fit is never reported as a
measurement.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsloom.cluster.scoring import (
    FEATURE_NAMES,
    PairFeatures,
    PairModel,
    corpus_centre,
    features,
    idf_weights,
    term_weights,
)
from newsloom.model import Evidence
from newsloom.pipeline.corpus import build_stories
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import open_store
from newsloom.store.ports import Backend

#: Inverse regularisation strength of the logistic fit (scikit-learn's default).
C = 1.0


@dataclass(frozen=True, slots=True)
class LabelledCollection:
    """Articles of an event-labelled collection, as the pipeline stored them."""

    evidence: list[Evidence]  # in processing order
    source_ids: list[str]
    events: list[str]  # event label per article
    kinds: list[str]  # kind of event per article


def read_labels(dataset: Path) -> tuple[dict[str, str], dict[str, str]]:
    labels = json.loads((dataset / "labels.json").read_text(encoding="utf-8"))
    return dict(labels["events"]), dict(labels["kinds"])


def load_collection(dataset: Path, store: Backend, workers: int = 1) -> LabelledCollection:
    """Ingest ``dataset/articles.jsonl`` into ``store``, run the corpus stages, and return
    the evidence of every labelled article in processing order."""
    ingest([dataset / "articles.jsonl"], store, PipelineOptions(workers=workers))
    build_stories(store, workers=1)
    events, kinds = read_labels(dataset)
    order = store.clustered_sources()
    found = store.evidence([article_id for article_id, _ in order])
    rows = [(found[article_id], source_id) for article_id, source_id in order
            if article_id in found and source_id in events]
    return LabelledCollection([e for e, _ in rows], [s for _, s in rows],
                              [events[s] for _, s in rows], [kinds[s] for _, s in rows])


def pair_features(evidence: Sequence[Evidence]) -> dict[tuple[int, int], PairFeatures]:
    """Features of every pair (i < j) as the clusterer sees them when the later article
    arrives: rarity over the whole collection, cosines centred on the articles before it."""
    entity_df: dict[str, int] = {}
    term_df: dict[str, int] = {}
    for e in evidence:
        for key in e.entities:
            entity_df[key] = entity_df.get(key, 0) + 1
        for term in e.terms:
            term_df[term] = term_df.get(term, 0) + 1
    entity_idf = idf_weights(entity_df, len(evidence))
    term_idf = idf_weights(term_df, len(evidence))
    weighted = [term_weights(e.terms, term_idf) for e in evidence]
    sums = np.cumsum([np.asarray(e.vector, dtype=np.float64) for e in evidence], axis=0)
    found: dict[tuple[int, int], PairFeatures] = {}
    for j in range(1, len(evidence)):
        centre = corpus_centre(sums[j - 1], j)
        for i in range(j):
            found[i, j] = features(evidence[i], evidence[j], entity_idf, term_idf,
                                   (weighted[i], weighted[j]), centre)
    return found


def fit(feats: Sequence[PairFeatures], labels: Sequence[bool],
        meta: Mapping[str, object] | None = None) -> PairModel:
    """Logistic model over :data:`FEATURE_NAMES` plus the term-imputation line."""
    from sklearn.linear_model import LogisticRegression

    same_language = [f for f in feats if f.term_similarity is not None]
    if len(same_language) >= 2:
        cos = np.array([f.cosine for f in same_language])
        terms = np.array([f.term_similarity for f in same_language], dtype=float)
        slope, intercept = np.polyfit(cos, terms, 1)
    else:
        slope, intercept = 0.0, 0.0
    draft = PairModel((0.0,) * len(FEATURE_NAMES), 0.0, float(intercept), float(slope))
    x = np.array([f.vector(draft) for f in feats])
    y = np.array(labels, dtype=bool)
    model = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    # The word-free twin: the same pairs with the words' column zeroed, so its coefficient
    # is 0 and the other evidence carries what the words carried.
    x[:, FEATURE_NAMES.index("term_similarity")] = 0.0
    twin = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    return PairModel(tuple(float(c) for c in model.coef_[0]), float(model.intercept_[0]),
                     float(intercept), float(slope), dict(meta or {}),
                     (tuple(float(c) for c in twin.coef_[0]), float(twin.intercept_[0])))


def fit_collection(collection: LabelledCollection,
                   feats: Mapping[tuple[int, int], PairFeatures],
                   exclude_kinds: frozenset[str] = frozenset(),
                   meta: Mapping[str, object] | None = None,
                   extra: tuple[Sequence[PairFeatures], Sequence[bool]] = ((), ())
                   ) -> PairModel:
    """Fit on the pairs whose two articles are both outside ``exclude_kinds`` (plus
    ``extra`` labelled pairs from another collection)."""
    keep = [(pair, f) for pair, f in feats.items()
            if collection.kinds[pair[0]] not in exclude_kinds
            and collection.kinds[pair[1]] not in exclude_kinds]
    return fit([f for _, f in keep] + list(extra[0]),
               [collection.events[i] == collection.events[j] for (i, j), _ in keep]
               + list(extra[1]), meta)


def rated_pairs(dataset: Path, store: Backend) -> tuple[list[PairFeatures], list[bool]]:
    """Features and same-story labels (Overall ≤ 2) of a SemEval-2022 Task 8 pair set, the
    articles ingested into ``store`` by the real pipeline."""
    from newsloom.queries.compare import pair_features as stored_pair_features
    from newsloom.training.pair_data import SAME_STORY_MAX_RATING, read_pairs

    ingest([dataset / "articles.jsonl"], store, PipelineOptions(workers=1))
    build_stories(store, workers=1)
    pairs = read_pairs(dataset / "pairs.csv")
    feats = stored_pair_features(store, [(p.id1, p.id2) for p in pairs])
    return feats, [p.overall <= SAME_STORY_MAX_RATING for p in pairs]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=Path, required=True,
                        help="event-labelled collection (articles.jsonl + labels.json)")
    parser.add_argument("--pairs", type=Path, default=None,
                        help="also rated multilingual pairs (semeval-pairs-dev)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "train.db") as store:
        collection = load_collection(args.events, store)
    extra: tuple[list[PairFeatures], list[bool]] = ([], [])
    if args.pairs is not None:
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "p.db") as store:
            extra = rated_pairs(args.pairs, store)
    feats = pair_features(collection.evidence)
    positives = sum(collection.events[i] == collection.events[j] for i, j in feats)
    meta: dict[str, object] = {
        "trained_on": f"{args.events.name}: {len(collection.evidence)} articles, "
                      f"{len(set(collection.events))} events in {len(set(collection.kinds))} "
                      f"kinds; {len(feats)} pairs ({positives} same-event)",
        "data_licence": "ECB+ annotation CC-BY 3.0 (Cybulska & Vossen, LREC 2014)",
        "method": "logistic regression (scikit-learn, C=1) over "
                  + ", ".join(FEATURE_NAMES),
    }
    if extra[0]:
        meta["trained_on"] = str(meta["trained_on"]) + (
            f"; {args.pairs.name}: {len(extra[0])} rated pairs (Overall ≤ 2 = same)")
        meta["data_licence"] = str(meta["data_licence"]) + (
            "; SemEval-2022 Task 8 ratings (research use)")
    model = fit_collection(collection, feats, meta=meta, extra=extra)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model.to_json(), indent=1))


if __name__ == "__main__":
    main()
