"""``newsloom eval pairs``: the same-story scorer and the clustering on SemEval-2022 Task 8 pairs.

The articles are ingested into a fresh store and run through every stage, exactly as a user's
would be; ``compare`` scores are then correlated with the human "Overall" rating (1 = same
story … 4 = unrelated; sign flipped), and "same story" (Overall ≤ 2) is checked against the
clustering. Two baselines run in the same command on the same texts: TF-IDF cosine and raw
USE cosine over title + first 2,000 characters. 63 pairs are few, so every figure comes with
a bootstrap 95% interval.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from newsloom.cluster.relatedness import relatedness
from newsloom.cluster.scoring import PairFeatures, probability
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.queries.compare import pair_features
from newsloom.represent.embed import get_embedder
from newsloom.store import open_store
from newsloom.store.ports import Backend
from newsloom.training.pair_data import SAME_STORY_MAX_RATING, LabelledPair, read_pairs

BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True, slots=True)
class Interval:
    value: float
    low: float
    high: float


@dataclass(slots=True)
class MethodScores:
    method: str
    pearson: dict[str, Interval] = field(default_factory=dict)  # by language pair + "all"
    roc_auc: dict[str, Interval] = field(default_factory=dict)


@dataclass(slots=True)
class ClusterScores:
    precision: float
    recall: float
    f1: float
    by_lang_pair: dict[str, tuple[float, float, float]]


@dataclass(slots=True)
class PairsReport:
    pairs: int  # scored: both articles stored
    methods: list[MethodScores]
    clustering: ClusterScores
    ablation: list[MethodScores] = field(default_factory=list)
    storyline_clustering: ClusterScores | None = None
    #: Rated pairs not scored, because newsloom skipped an article of theirs (and why).
    unscored: list[str] = field(default_factory=list)


#: The scorer with parts of its evidence removed: what each signal adds to the encoder.
ABLATIONS: dict[str, Callable[[PairFeatures], PairFeatures]] = {
    "encoder only (words left out)": lambda f: dataclasses.replace(
        f, term_similarity=None, entity_overlap=0.0, date_gap_days=None),
    "encoder + words": lambda f: dataclasses.replace(f, entity_overlap=0.0, date_gap_days=None),
    "encoder + entities": lambda f: dataclasses.replace(f, term_similarity=None,
                                                        date_gap_days=None),
    "encoder + dates": lambda f: dataclasses.replace(f, term_similarity=None,
                                                     entity_overlap=0.0),
    "encoder + words + entities + dates (= compare)": lambda f: f,
}


def ablation_scores(feats: Sequence[PairFeatures], pairs: Sequence[LabelledPair]
                    ) -> list[MethodScores]:
    return [score_method(name, np.array([probability(drop(f)) for f in feats]), pairs)
            for name, drop in ABLATIONS.items()]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def _bootstrap(metric: Callable[[np.ndarray], float], n: int, seed: int = 0) -> Interval:
    rng = np.random.default_rng(seed)
    value = metric(np.arange(n))
    samples = [metric(rng.integers(0, n, n)) for _ in range(BOOTSTRAP_SAMPLES)]
    finite = np.array([s for s in samples if np.isfinite(s)])
    if len(finite) == 0:
        return Interval(value, float("nan"), float("nan"))
    return Interval(value, float(np.percentile(finite, 2.5)), float(np.percentile(finite, 97.5)))


def score_method(name: str, scores: np.ndarray, pairs: Sequence[LabelledPair]) -> MethodScores:
    rating = np.array([p.overall for p in pairs])
    result = MethodScores(name)
    groups = {"all": np.arange(len(pairs))}
    for lang_pair in sorted({p.lang_pair for p in pairs}):
        groups[lang_pair] = np.array([i for i, p in enumerate(pairs) if p.lang_pair == lang_pair])
    for group, members in groups.items():
        s, r = scores[members], rating[members]

        def pearson(i: np.ndarray, s: np.ndarray = s, r: np.ndarray = r) -> float:
            return _pearson(s[i], -r[i])

        def auc(i: np.ndarray, s: np.ndarray = s, r: np.ndarray = r) -> float:
            return _auc(s[i], r[i] <= SAME_STORY_MAX_RATING)

        result.pearson[group] = _bootstrap(pearson, len(s))
        result.roc_auc[group] = _bootstrap(auc, len(s))
    return result


def _tfidf_cosines(texts: dict[str, str], pairs: Sequence[LabelledPair]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = sorted(texts)
    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([texts[i] for i in ids])
    row = {i: k for k, i in enumerate(ids)}
    return np.array([float(matrix[row[p.id1]].multiply(matrix[row[p.id2]]).sum())
                     for p in pairs])


def _use_cosines(texts: dict[str, str], pairs: Sequence[LabelledPair]) -> np.ndarray:
    ids = sorted(texts)
    vectors = get_embedder("use-m3").embed([texts[i] for i in ids])
    row = {i: k for k, i in enumerate(ids)}
    return np.array([float(vectors[row[p.id1]] @ vectors[row[p.id2]]) for p in pairs])


def cluster_scores(same_story: dict[tuple[str, str], bool],
                   pairs: Sequence[LabelledPair]) -> ClusterScores:
    def prf(members: Sequence[LabelledPair]) -> tuple[float, float, float]:
        tp = sum(1 for p in members if p.overall <= SAME_STORY_MAX_RATING
                 and same_story[p.id1, p.id2])
        fp = sum(1 for p in members if p.overall > SAME_STORY_MAX_RATING
                 and same_story[p.id1, p.id2])
        fn = sum(1 for p in members if p.overall <= SAME_STORY_MAX_RATING
                 and not same_story[p.id1, p.id2])
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    overall = prf(pairs)
    by_pair = {lp: prf([p for p in pairs if p.lang_pair == lp])
               for lp in sorted({p.lang_pair for p in pairs})}
    return ClusterScores(*overall, by_lang_pair=by_pair)


def evaluate_pairs(dataset: Path, workers: int = 1,
                   event_chars: int | None = None) -> PairsReport:
    """Ingest the dataset's articles into a fresh store, build stories, score every method.
    ``event_chars``: how much of each article the encoder embeds (None: the setting; the
    baselines keep their title + 2,000 characters)."""
    rated = read_pairs(dataset / "pairs.csv")
    with (dataset / "articles.jsonl").open(encoding="utf-8") as stream:
        records = {n: json.loads(line) for n, line in enumerate(stream, 1) if line.strip()}
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "pairs.db") as store:
        ingest([dataset / "articles.jsonl"], store, PipelineOptions(workers=workers))
        build_stories(store, event_chars=event_chars)
        update_storylines(store)
        line_ids = {n: str(record.get("id")) for n, record in records.items()}
        pairs, unscored = _stored_pairs(store, rated, line_ids)
        feats = pair_features(store, [(p.id1, p.id2) for p in pairs])
        ours = [round(probability(f), 4) for f in feats]
        related = [round(relatedness(f), 4) for f in feats]
        same = store.same_story([(p.id1, p.id2) for p in pairs])
        same_line = store.same_story([(p.id1, p.id2) for p in pairs], level="storyline")
    raw = {str(r["id"]): f"{r.get('title') or ''}\n{(r.get('text') or '')[:2000]}"
           for r in records.values()}
    methods = [
        score_method("newsloom compare: related (graded)", np.array(related), pairs),
        score_method("newsloom compare: same-event probability", np.array(ours), pairs),
        score_method("raw USE cosine (title + 2,000 chars)", _use_cosines(raw, pairs), pairs),
        score_method("TF-IDF cosine", _tfidf_cosines(raw, pairs), pairs),
    ]
    return PairsReport(len(pairs), methods, cluster_scores(same, pairs),
                       ablation_scores(feats, pairs), cluster_scores(same_line, pairs), unscored)


def _stored_pairs(store: Backend, rated: Sequence[LabelledPair], line_ids: dict[int, str]
                  ) -> tuple[list[LabelledPair], list[str]]:
    """The rated pairs whose two articles the pipeline stored, and a line per other pair
    naming the article it skipped and why ("consent/privacy notice instead of an
    article": a scrape of a cookie wall is no article, and the pair cannot be scored).
    A skipped JSONL record's source ends in its line (``…#L62``); ``line_ids`` maps lines to
    the records' ids."""
    stored = store.feature_ids(sorted({i for p in rated for i in (p.id1, p.id2)}))
    reasons: dict[str, str] = {}
    for skip in store.skipped():
        _, _, line = skip.source.rpartition("#L")
        if line.isdigit() and int(line) in line_ids:
            reasons[line_ids[int(line)]] = skip.reason
    kept, unscored = [], []
    for pair in rated:
        missing = [i for i in (pair.id1, pair.id2) if i not in stored]
        if not missing:
            kept.append(pair)
            continue
        why = "; ".join(f"{i}: {reasons.get(i, 'not stored')}" for i in missing)
        unscored.append(f"{pair.id1}–{pair.id2} ({pair.lang_pair}): {why}")
    return kept, unscored


def pairs_report_json(report: PairsReport) -> dict[str, object]:
    return dataclasses.asdict(report)


def print_pairs_report(report: PairsReport, console: Console) -> None:
    groups = list(report.methods[0].pearson)
    table = Table(title=f"SemEval-2022 Task 8 pairs ({report.pairs}), bootstrap 95% intervals")
    for line in report.unscored:
        console.print(f"not scored: {line}")
    table.add_column("method")
    table.add_column("metric")
    for group in groups:
        table.add_column(group, justify="right")
    for method in report.methods:
        for metric, values in (("Pearson", method.pearson), ("ROC-AUC", method.roc_auc)):
            table.add_row(method.method, metric, *(
                f"{values[g].value:.3f} [{values[g].low:.2f}, {values[g].high:.2f}]"
                for g in groups))
    console.print(table)
    ablation = Table(title="Ablation: the scorer with parts of its evidence removed")
    ablation.add_column("scorer")
    for column in ("Pearson, all", "Pearson, de-en", "ROC-AUC, all", "ROC-AUC, de-en"):
        ablation.add_column(column, justify="right")
    for method in report.ablation:
        ablation.add_row(method.method, *(
            f"{values[g].value:.3f}" if g in values else "—"
            for values, g in ((method.pearson, "all"), (method.pearson, "de-en"),
                              (method.roc_auc, "all"), (method.roc_auc, "de-en"))))
    console.print(ablation)
    c = report.clustering
    console.print(f"clustering, same story (Overall ≤ 2) vs not: P {c.precision:.3f} "
                  f"R {c.recall:.3f} F1 {c.f1:.3f}")
    for lang_pair, (p, r, f) in c.by_lang_pair.items():
        console.print(f"  {lang_pair}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    if report.storyline_clustering is not None:
        c = report.storyline_clustering
        console.print(f"storylines, same storyline vs Overall ≤ 2: P {c.precision:.3f} "
                      f"R {c.recall:.3f} F1 {c.f1:.3f}")
