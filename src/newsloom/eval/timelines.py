"""``newsloom eval timelines``: Timeline17 with the standard protocol, scored by ``tilse``.

Per collection: its articles go through the real pipeline (JSONL with ``published`` = the
article's time, then the corpus stages) into a store cached under ``--workdir``. Per reference
timeline: a timeline is built from the collection's articles that mention one of its
``keywords.json`` words (the news-tls protocol; where no article mentions any, as with
Timeline17's tags "bpoil" or "MJ", the whole collection: :mod:`newsloom.timeline.keywords`),
restricted to the reference's first..last date, with as many dates as the
reference and its mean sentences per date (rounded, news-tls' rule), day granularity only.

Scores are those of Ghalandari & Ifrim (2020): Date-F1 (``tilse.evaluation.dates``), and the
F of ROUGE-1/2 concat and alignment-based ("align+ m:1",
``evaluate_align_date_content_costs_many_to_one``) from ``tilse.evaluation.rouge`` with its
Python ROUGE (``rouge_computation="reimpl"``) by default; ``--rouge perl`` runs the original
Perl ROUGE-1.5.5 that tilse bundles, as the published numbers did (it needs the XML::DOM Perl
module: ``apt-get install libxml-dom-perl``). Averages are over reference timelines, as
news-tls reports them.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from newsloom.model import TimelineEntry, TimelineRequest
from newsloom.pipeline.corpus import build_stories
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import open_store
from newsloom.timeline.build import TimelineOptions, timeline_parts
from newsloom.timeline.select import Selection

TILSE_HINT = "pip install --no-deps tilse==0.2.1 && pip install nltk==3.10.4"
METRICS = ("date_f1", "ar1_f", "ar2_f", "concat_r1_f", "concat_r2_f")

Reference = dict[date, list[str]]


@dataclass(frozen=True, slots=True)
class TimelineScore:
    collection: str
    index: int
    dates: int
    sentences_per_date: int
    scores: dict[str, float]


@dataclass(slots=True)
class TimelinesReport:
    timelines: list[TimelineScore] = field(default_factory=list)
    articles: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def mean(self, metric: str, collection: str | None = None) -> float:
        values = [t.scores[metric] for t in self.timelines
                  if collection is None or t.collection == collection]
        return statistics.fmean(values) if values else 0.0

    def worst(self, metric: str = "ar1_f") -> str | None:
        """The collection with the lowest mean ``metric`` (ties: the first by name)."""
        collections = sorted({t.collection for t in self.timelines})
        return min(collections, key=lambda c: self.mean(metric, c)) if collections else None


def is_timeline17(dataset: Path) -> bool:
    return any((d / "timelines.jsonl").is_file() for d in dataset.iterdir() if d.is_dir())


def load_references(path: Path) -> list[Reference]:
    references = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            references.append({date.fromisoformat(day[:10]): [" ".join(s.split()) for s in sents]
                               for day, sents in json.loads(line)})
    return references


def load_keywords(source: Path) -> tuple[str, ...]:
    """The collection's ``keywords.json`` (a list of strings); none when it is absent."""
    path = source / "keywords.json"
    if not path.is_file():
        return ()
    words = json.loads(path.read_text(encoding="utf-8"))
    return tuple(w for w in words if isinstance(w, str)) if isinstance(words, list) else ()


def _collection_store(source: Path, workdir: Path) -> Path:
    """The collection's store under ``workdir``, built once (ingest + corpus stages)."""
    folder = workdir / source.name
    db = folder / "newsloom.db"
    done = folder / "complete"
    if done.exists() and db.exists():
        return db
    folder.mkdir(parents=True, exist_ok=True)
    jsonl = folder / "articles.jsonl"
    with (source / "articles.jsonl").open(encoding="utf-8") as src, \
            jsonl.open("w", encoding="utf-8") as out:
        for line in src:
            if line.strip():
                record = json.loads(line)
                out.write(json.dumps({"id": f"{source.name}-{record['id']}",
                                      "published": record["time"][:10], "lang": "en",
                                      "text": record["text"]}, ensure_ascii=False) + "\n")
    store = open_store(db)
    try:
        ingest([jsonl], store, PipelineOptions())
        build_stories(store)
    finally:
        store.close()
    done.write_text("ok\n", encoding="utf-8")
    return db


def predict(db: Path, reference: Reference, options: TimelineOptions) -> dict[date, list[str]]:
    """Our timeline for one reference: its span, its number of dates and sentences per date."""
    days = sorted(reference)
    per_date = max(1, round(statistics.fmean(len(s) for s in reference.values())))
    request = TimelineRequest(date_from=days[0].isoformat(), date_to=days[-1].isoformat(),
                              max_dates=len(days), sentences_per_date=per_date)
    store = open_store(db)
    try:
        members = [m for m in store.story_members()
                   if m.published and days[0].isoformat() <= m.published <= days[-1].isoformat()]
        entries, _ = timeline_parts(store, Selection("collection", members), request, options)
    finally:
        store.close()
    return collapse(entries, per_date)


def collapse(entries: list[TimelineEntry], per_date: int) -> dict[date, list[str]]:
    """Day → sentences (whitespace-normalised), the entries of one day taken in order."""
    predicted: dict[date, list[str]] = {}
    for entry in entries:
        if entry.date is None or entry.granularity != "day":
            continue
        day = predicted.setdefault(date.fromisoformat(entry.date), [])
        day.extend(" ".join(s.text.split()) for s in entry.sentences)
        del day[per_date:]
    return predicted


def score(predicted: dict[date, list[str]], reference: Reference, rouge_computation: str = "reimpl"
          ) -> dict[str, float]:
    """tilse's scores; ``rouge_computation="original"`` runs the Perl ROUGE-1.5.5 tilse ships
    (needs the XML::DOM Perl module and the script's executable bit)."""
    try:
        from tilse.data.timelines import GroundTruth
        from tilse.data.timelines import Timeline as TilseTimeline
        from tilse.evaluation import dates as tilse_dates
        from tilse.evaluation import rouge
    except ImportError as exc:
        raise RuntimeError(f"eval timelines needs tilse: {TILSE_HINT} ({exc})") from None
    truth = GroundTruth([TilseTimeline(reference)])
    ours = TilseTimeline(predicted)
    evaluator = rouge.TimelineRougeEvaluator(measures={"rouge_1", "rouge_2"},
                                             rouge_computation=rouge_computation)
    concat = evaluator.evaluate_concat(ours, truth)
    aligned = evaluator.evaluate_align_date_content_costs_many_to_one(ours, truth)
    return {
        "date_f1": float(tilse_dates.evaluate_dates(ours, truth)["f_score"]),
        "ar1_f": float(aligned["rouge_1"]["f_score"]),
        "ar2_f": float(aligned["rouge_2"]["f_score"]),
        "concat_r1_f": float(concat["rouge_1"]["f_score"]),
        "concat_r2_f": float(concat["rouge_2"]["f_score"]),
    }


def evaluate_timelines(dataset: Path, workdir: Path, options: TimelineOptions | None = None,
                       only: list[str] | None = None, rouge_computation: str = "reimpl",
                       on_collection: Callable[[str], None] | None = None) -> TimelinesReport:
    options = options or TimelineOptions(granularities=frozenset({"day"}), include_undated=False)
    report = TimelinesReport()
    started = time.perf_counter()
    for source in sorted(d for d in dataset.iterdir() if (d / "timelines.jsonl").is_file()):
        if only and source.name not in only:
            continue
        if on_collection:
            on_collection(source.name)
        db = _collection_store(source, workdir)
        collection_options = replace(options, keywords=load_keywords(source))
        store = open_store(db)
        try:
            report.articles[source.name] = store.summary().articles
        finally:
            store.close()
        for index, reference in enumerate(load_references(source / "timelines.jsonl")):
            predicted = predict(db, reference, collection_options)
            per_date = max(1, round(statistics.fmean(len(s) for s in reference.values())))
            report.timelines.append(TimelineScore(source.name, index, len(reference), per_date,
                                                  score(predicted, reference,
                                                        rouge_computation)))
    report.seconds = time.perf_counter() - started
    return report


def report_to_json(report: TimelinesReport) -> dict[str, Any]:
    collections = sorted({t.collection for t in report.timelines})
    return {
        "timelines": [{"collection": t.collection, "index": t.index, "dates": t.dates,
                       "sentences_per_date": t.sentences_per_date, **t.scores}
                      for t in report.timelines],
        "collections": {c: {"articles": report.articles.get(c, 0),
                            **{m: report.mean(m, c) for m in METRICS}} for c in collections},
        "mean": {m: report.mean(m) for m in METRICS},
        "worst": _worst_json(report),
        "seconds": round(report.seconds, 1),
    }


def _worst_json(report: TimelinesReport) -> dict[str, Any] | None:
    worst = report.worst()
    if worst is None:
        return None
    return {"collection": worst, **{m: report.mean(m, worst) for m in METRICS}}


def print_report(report: TimelinesReport, out: Any) -> None:
    """A rich table per collection and the averages beside the published numbers."""
    from rich.table import Table

    table = Table(title="Timeline17 dev — tilse scores (F), mean over reference timelines")
    for column in ("collection", "articles", "timelines", "Date-F1", "AR1-F", "AR2-F",
                   "concat R1-F", "concat R2-F"):
        table.add_column(column, justify="left" if column == "collection" else "right")
    for collection in sorted({t.collection for t in report.timelines}):
        count = sum(t.collection == collection for t in report.timelines)
        table.add_row(collection, str(report.articles.get(collection, 0)), str(count),
                      *(f"{report.mean(m, collection):.3f}" for m in METRICS))
    table.add_row("[bold]mean[/]", str(sum(report.articles.values())),
                  str(len(report.timelines)), *(f"[bold]{report.mean(m):.3f}[/]" for m in METRICS))
    worst = report.worst()
    if worst is not None:
        # The mean hides collections where the method fails; the worst one is its floor.
        table.add_row(f"[bold]worst (AR1-F)[/]: {worst}", str(report.articles.get(worst, 0)),
                      str(sum(t.collection == worst for t in report.timelines)),
                      *(f"{report.mean(m, worst):.3f}" for m in METRICS))
    out.print(table)
    out.print("Published (full Timeline17, AR1-F / AR2-F / Date-F1): DATEWISE 0.120 / 0.035 / "
              "0.544, CLUST 0.082 / 0.020 / 0.407, Martschat 2018 0.105 / 0.030 / 0.544. "
              f"{report.seconds:.0f}s.")
