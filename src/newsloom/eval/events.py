"""``newsloom eval events``: do stories keep different events of the same kind apart?

On an event-labelled collection (events-dev: ECB+ articles, two different events of each kind)
it reports, for newsloom and two baselines run in the same command:

- BCubed precision / recall / F1 and pairwise F1 of the clustering against the events;
- the share of same-kind event pairs (two earthquakes, two rehab check-ins) that share a story;
- the purity of the largest story.

newsloom's pair model is trained on such a collection, so its numbers come from **topic-wise
cross-validation**: for each kind of event, a model trained without that kind clusters the
whole collection (the real clusterer, in processing order), and only the held-out kind's
articles are scored in that run. Each article is scored once, by a model that never saw its
kind. The baselines' one threshold is chosen the same way (on the other kinds' articles).
The shipped model's own run is shown too, marked in-sample.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from newsloom.cluster.index import VectorIndex
from newsloom.cluster.scoring import PairModel
from newsloom.cluster.stories import cluster_all
from newsloom.store import open_store
from newsloom.training.pair_model import (
    LabelledCollection,
    fit_collection,
    load_collection,
    pair_features,
)

#: Thresholds tried when a baseline's threshold is chosen on the other kinds.
THRESHOLDS = tuple(round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05))


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    method: str
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pairwise_f1: float
    same_kind_merged: float  # share of same-kind event pairs that share a story
    largest_story: int
    largest_story_purity: float
    note: str = ""


@dataclass(slots=True)
class EventsReport:
    articles: int
    events: int
    kinds: int
    methods: list[ClusteringScores] = field(default_factory=list)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


#: One clustering run: a cluster id per article, and which articles it scores.
Fold = tuple[Sequence[int], Sequence[bool]]


def score_folds(method: str, folds: Sequence[Fold], events: Sequence[str],
                kinds: Sequence[str], note: str = "") -> ClusteringScores:
    """Scores over runs that each score a part of the articles (every article exactly once).

    BCubed and pairwise counts for a scored article look at all its cluster mates in its run;
    same-kind merges and the largest story come from the run that scored that kind."""
    by_event = Counter(events)
    event_kind = dict(zip(events, kinds, strict=True))
    precision = recall = 0.0
    tp = fp = fn = 0
    n = merged = same_kind = 0
    largest: list[int] = []
    for cluster_of, scored in folds:
        members: dict[int, list[int]] = {}
        for i, cluster in enumerate(cluster_of):
            members.setdefault(cluster, []).append(i)
        stories_of: dict[str, set[int]] = {}
        for i in (i for i in range(len(events)) if scored[i]):
            mates = members[cluster_of[i]]
            right = sum(1 for j in mates if events[j] == events[i])
            precision += right / len(mates)
            recall += right / by_event[events[i]]
            n += 1
            tp += right - 1
            fp += len(mates) - right
            fn += by_event[events[i]] - right
            stories_of.setdefault(events[i], set()).add(cluster_of[i])
            if len(mates) > len(largest):
                largest = mates
        for a, b in itertools.combinations(sorted(stories_of), 2):
            if event_kind[a] == event_kind[b]:
                same_kind += 1
                merged += bool(stories_of[a] & stories_of[b])
    bp, br = precision / n, recall / n
    purity = Counter(events[i] for i in largest).most_common(1)[0][1] / len(largest)
    pp = tp / (tp + fp) if tp + fp else 0.0
    pr = tp / (tp + fn) if tp + fn else 0.0
    return ClusteringScores(method, round(bp, 4), round(br, 4), round(_f1(bp, br), 4),
                            round(_f1(pp, pr), 4), round(merged / same_kind, 4) if same_kind
                            else 0.0, len(largest), round(purity, 4), note)


def _numbered(labels: Sequence[str]) -> list[int]:
    ids: dict[str, int] = {}
    return [ids.setdefault(label, len(ids)) for label in labels]


def _newsloom_run(collection: LabelledCollection, model: PairModel | None) -> list[int]:
    dim = len(collection.evidence[0].vector)
    clusterer = cluster_all(((k, e, None) for k, e in enumerate(collection.evidence)),
                            VectorIndex(dim), model)
    return _numbered([clusterer.resolve(clusterer.story_of[e.article_id])
                      for e in collection.evidence])


def newsloom_folds(collection: LabelledCollection) -> list[Fold]:
    """One run per kind of event, with a model trained without that kind."""
    feats = pair_features(collection.evidence)
    folds: list[Fold] = []
    for kind in sorted(set(collection.kinds)):
        model = fit_collection(collection, feats, exclude_kinds=frozenset({kind}))
        folds.append((_newsloom_run(collection, model), [k == kind for k in collection.kinds]))
    return folds


def threshold_folds(collection: LabelledCollection,
                    runs: Mapping[float, Sequence[int]]) -> tuple[list[Fold], list[float]]:
    """Per kind, the run whose threshold scores best (BCubed F1) on the *other* kinds."""
    folds: list[Fold] = []
    chosen: list[float] = []
    for kind in sorted(set(collection.kinds)):
        others = [k != kind for k in collection.kinds]
        best = max(runs, key=lambda t: (score_folds("", [(runs[t], others)], collection.events,
                                                    collection.kinds).bcubed_f1, -t))
        chosen.append(best)
        folds.append((runs[best], [k == kind for k in collection.kinds]))
    return folds, chosen


def tfidf_average_link_runs(texts: Sequence[str]) -> dict[float, list[int]]:
    """TF-IDF cosine, average-link agglomerative clustering, cut at each threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    distance = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return {t: [int(c) for c in fcluster(tree, 1.0 - t, criterion="distance")]
            for t in THRESHOLDS}


def encoder_single_pass_runs(vectors: Sequence[np.ndarray]) -> dict[float, list[int]]:
    """The raw encoder, single pass: an article joins the cluster of its most similar
    earlier article when their cosine reaches the threshold, else starts one."""
    matrix = np.vstack(vectors)
    sims = matrix @ matrix.T
    runs: dict[float, list[int]] = {}
    for t in THRESHOLDS:
        cluster: list[int] = []
        for i in range(len(vectors)):
            j = int(np.argmax(sims[i, :i])) if i else -1
            cluster.append(cluster[j] if j >= 0 and sims[i, j] >= t else i)
        runs[t] = cluster
    return runs


def evaluate_events(dataset: Path, workers: int = 1) -> EventsReport:
    """Ingest the collection into a fresh store with the real pipeline, then score
    newsloom (kinds held out; and the shipped model, in-sample) and the baselines."""
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "events.db") as store:
        collection = load_collection(dataset, store, workers)
        texts = {a.id: f"{a.title or ''}\n{a.text}" for a in store.articles(current_only=False)}
    events, kinds = collection.events, collection.kinds
    report = EventsReport(len(events), len(set(events)), len(set(kinds)))
    everyone = [True] * len(events)
    report.methods.append(score_folds("newsloom (kinds held out)", newsloom_folds(collection),
                                      events, kinds, "a model per held-out kind"))
    report.methods.append(score_folds(
        "newsloom, shipped model", [(_newsloom_run(collection, None), everyone)], events, kinds,
        "in-sample when the shipped model was trained on this set: not a measurement"))
    folds, chosen = threshold_folds(collection, tfidf_average_link_runs(
        [texts[e.article_id] for e in collection.evidence]))
    report.methods.append(score_folds("TF-IDF cosine, average link", folds, events, kinds,
                                      f"thresholds chosen on the other kinds: {chosen}"))
    folds, chosen = threshold_folds(collection, encoder_single_pass_runs(
        [e.vector for e in collection.evidence]))
    report.methods.append(score_folds("raw encoder (USE-m3), single pass", folds, events,
                                      kinds, f"thresholds chosen on the other kinds: {chosen}"))
    kind_of_event = dict(zip(events, kinds, strict=True))
    report.methods.append(score_folds(
        "one cluster per kind (never separates events)",
        [(_numbered([kind_of_event[e] for e in events]), everyone)], events, kinds))
    return report


def print_events_report(report: EventsReport, console: Console) -> None:
    table = Table(title=f"Event clustering: {report.articles} articles, {report.events} "
                        f"events in {report.kinds} kinds")
    for column in ("method", "BCubed P", "BCubed R", "BCubed F1", "pairwise F1",
                   "same-kind merged", "largest story", "its purity"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for m in report.methods:
        table.add_row(m.method, f"{m.bcubed_precision:.3f}", f"{m.bcubed_recall:.3f}",
                      f"{m.bcubed_f1:.3f}", f"{m.pairwise_f1:.3f}", f"{m.same_kind_merged:.1%}",
                      str(m.largest_story), f"{m.largest_story_purity:.2f}")
    console.print(table)
    for m in report.methods:
        if m.note:
            console.print(f"  {m.method}: {m.note}", markup=False)
