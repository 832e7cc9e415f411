"""``newsloom eval search``: search latency per mode over a fixed, seeded set of queries.

Queries come from the store itself, so any store can be measured: two to four words of a
randomly drawn article's title (what someone remembering a headline types) and, for a
quarter of them, the name of a randomly drawn frequent entity. The same seed on the same
store gives the same queries. Each mode runs every query once after a warm-up query (model,
lexicons and ANN index load once per process; that cold start is reported separately).
Latency is the wall time of the whole ``search()`` call, snippets included.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsloom.model import SearchMode, SearchQuery
from newsloom.search import search, warm_up
from newsloom.settings import usable_cpus
from newsloom.text.stem import WORD

if TYPE_CHECKING:
    from rich.console import Console

    from newsloom.represent.embed import Embedder
    from newsloom.store.ports import SearchBackend, SearchDiagnostics

MODES: tuple[SearchMode, ...] = ("keyword", "semantic", "hybrid")
_MIN_WORD = 4


@dataclass(frozen=True, slots=True)
class EvalQuery:
    text: str
    language: str | None  # of the article the query came from (for the filtered run)


@dataclass(slots=True)
class ModeLatency:
    mode: str
    queries: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    mean_hits: float
    #: CPU time of this process per query: what the query costs, whatever else runs.
    cpu_p50_ms: float = 0.0
    cpu_p95_ms: float = 0.0


@dataclass(slots=True)
class SearchLatencyReport:
    articles: int
    vectors: int
    queries: list[str]
    cold_ms: float
    modes: list[ModeLatency] = field(default_factory=list)
    load_average: float = 0.0


def sample_queries(store: SearchDiagnostics, count: int, seed: int = 13) -> list[EvalQuery]:
    """``count`` queries drawn reproducibly from the store's titles and entity names."""
    rng = random.Random(seed)
    rows = [(title, language) for _, title, language in store.article_titles()]
    entities = [e.name for e in store.list_entities(500)]
    queries: list[EvalQuery] = []
    attempts = 0
    while len(queries) < count and rows and attempts < count * 20:
        attempts += 1
        if entities and rng.random() < 0.25:
            queries.append(EvalQuery(rng.choice(entities), None))
            continue
        title, language = rows[rng.randrange(len(rows))]
        words = [w for w in WORD.findall(str(title)) if len(w) >= _MIN_WORD]
        if len(words) < 2:
            continue
        take = rng.randint(2, min(4, len(words)))
        start = rng.randrange(len(words) - take + 1)
        queries.append(EvalQuery(" ".join(words[start:start + take]),
                                 str(language) if language else None))
    return queries


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


def _timed(store: SearchBackend, query: SearchQuery, embedder: Embedder | None
           ) -> tuple[float, float, int]:
    """(wall ms, CPU ms, hits) of one search."""
    start, cpu = time.perf_counter(), time.process_time()
    results = search(store, query, embedder)
    return ((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000,
            len(results.hits))


def run_search_latency(store: SearchDiagnostics, count: int, seed: int = 13, limit: int = 20,
                       embedder: Embedder | None = None) -> SearchLatencyReport:
    """Latency of ``count`` sampled queries per mode (``embedder``: None = the store's)."""
    queries = sample_queries(store, count, seed)
    counts = store.counts()
    articles, vectors = counts.documents, counts.clustered  # every version is searchable
    start = time.perf_counter()
    warm_up(store, embedder)
    cold_ms = (time.perf_counter() - start) * 1000
    report = SearchLatencyReport(articles, vectors, [q.text for q in queries], cold_ms)
    runs: list[tuple[str, list[SearchQuery]]] = [
        (mode, [SearchQuery(q.text, limit=limit, mode=mode) for q in queries])
        for mode in MODES]
    runs.append(("hybrid + language filter", [
        SearchQuery(q.text, languages=(q.language,) if q.language else (), limit=limit)
        for q in queries]))
    for name, batch in runs:
        times, cpu, hits = [], [], []
        for query in batch:
            spent, used, found = _timed(store, query, embedder)
            times.append(spent)
            cpu.append(used)
            hits.append(found)
        report.modes.append(ModeLatency(
            name, len(batch), round(_percentile(times, 50), 1), round(_percentile(times, 95), 1),
            round(max(times, default=0.0), 1), round(float(np.mean(times)) if times else 0.0, 1),
            round(float(np.mean(hits)) if hits else 0.0, 1),
            round(_percentile(cpu, 50), 1), round(_percentile(cpu, 95), 1)))
    report.load_average = round(os.getloadavg()[0], 2)
    return report


def print_search_report(report: SearchLatencyReport, console: Console) -> None:
    from rich.table import Table

    table = Table(title=f"Search latency — {report.articles} articles, {report.vectors} "
                        f"vectors, {len(report.queries)} queries")
    for column in ("mode", "queries", "p50 ms", "p95 ms", "max ms", "mean ms", "hits/query",
                   "CPU p50 ms", "CPU p95 ms"):
        table.add_column(column, justify="left" if column == "mode" else "right")
    for m in report.modes:
        table.add_row(m.mode, str(m.queries), f"{m.p50_ms:.1f}", f"{m.p95_ms:.1f}",
                      f"{m.max_ms:.1f}", f"{m.mean_ms:.1f}", f"{m.mean_hits:.1f}",
                      f"{m.cpu_p50_ms:.1f}", f"{m.cpu_p95_ms:.1f}")
    console.print(table)
    console.print(f"Warm-up: {report.cold_ms:.0f} ms (encoder, lexicons, ANN index load once "
                  f"per process; search.warm_up). 1-minute load average after: "
                  f"{report.load_average:.1f} on {usable_cpus()} cores.")


@dataclass(slots=True)
class PairRetrieval:
    """Where the partner of a same-story pair lands when one article's title is the query."""

    mode: str
    group: str  # "same language", "cross-lingual" or "all"
    queries: int
    mrr: float
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float


def _partner_rank(store: SearchBackend, query: SearchQuery, own: str, partner: str
                  ) -> int | None:
    """1-based rank of ``partner`` (or the article it is folded under) among the hits,
    not counting the query's own article."""
    rank = 0
    for hit in search(store, query).hits:
        if hit.article_id == own and partner not in hit.duplicates:
            continue
        rank += 1
        if partner == hit.article_id or partner in hit.duplicates:
            return rank
    return None


def run_pair_retrieval(dataset: Path, limit: int = 50) -> list[PairRetrieval]:
    """SemEval-2022 Task 8 dev pairs rated same story (overall ≤ 2): ingest the articles into
    a fresh store, build stories, query with each side's title, find the other side."""
    import tempfile

    from newsloom.pipeline.corpus import build_stories
    from newsloom.pipeline.ingest import PipelineOptions, ingest
    from newsloom.store import open_store
    from newsloom.training.pair_data import SAME_STORY_MAX_RATING, read_pairs

    pairs = [p for p in read_pairs(dataset / "pairs.csv") if p.overall <= SAME_STORY_MAX_RATING]
    ranks: dict[tuple[str, str], list[int | None]] = {}
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "pairs.db") as store:
        ingest([dataset / "articles.jsonl"], store, PipelineOptions())
        build_stories(store)
        ids = store.feature_ids(sorted({r for p in pairs for r in (p.id1, p.id2)}))
        titles = {article_id: title
                  for article_id, title, _ in store.article_titles(current_only=False)}
        for pair in pairs:
            if pair.id1 not in ids or pair.id2 not in ids:
                continue
            lang1, _, lang2 = pair.lang_pair.partition("-")
            group = "same language" if lang1 == lang2 else "cross-lingual"
            for own, partner in ((ids[pair.id1], ids[pair.id2]), (ids[pair.id2], ids[pair.id1])):
                if not WORD.search(titles.get(own, "")):
                    continue
                for mode in MODES:
                    rank = _partner_rank(store, SearchQuery(titles[own], limit=limit,
                                                            mode=mode), own, partner)
                    for key in ((mode, group), (mode, "all")):
                        ranks.setdefault(key, []).append(rank)
    return [_summary(mode, group, found) for (mode, group), found in sorted(ranks.items())]


def _summary(mode: str, group: str, found: list[int | None]) -> PairRetrieval:
    n = len(found)

    def recall(k: int) -> float:
        return round(sum(1 for r in found if r is not None and r <= k) / n, 3)

    mrr = round(sum(1.0 / r for r in found if r is not None) / n, 3)
    return PairRetrieval(mode, group, n, mrr, recall(1), recall(5), recall(10))


def print_pair_retrieval(rows: list[PairRetrieval], console: Console) -> None:
    from rich.table import Table

    table = Table(title="Same-story partner retrieval (SemEval-2022 Task 8 dev, title → partner)")
    for column in ("mode", "pairs", "queries", "MRR", "R@1", "R@5", "R@10"):
        table.add_column(column, justify="left" if column in ("mode", "pairs") else "right")
    for r in rows:
        table.add_row(r.mode, r.group, str(r.queries), f"{r.mrr:.3f}", f"{r.recall_at_1:.3f}",
                      f"{r.recall_at_5:.3f}", f"{r.recall_at_10:.3f}")
    console.print(table)
