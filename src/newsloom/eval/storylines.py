"""``newsloom eval storylines``: what stories and storylines look like on a real collection.

There are no storyline labels to score against, so this reports what a reader would check:
how many storylines chain more than one story, their labels (none may be a weekday, a month,
a date or punctuation), and how long stories last by their articles' stated dates (an event's
coverage lasts days to weeks; months of coverage of a subject belong in a storyline).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsloom.cluster.storylines import label_worthy
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.queries.stories import list_stories, list_storylines
from newsloom.store import open_store

#: A story whose stated dates span more than this many days is listed as long.
LONG_STORY_DAYS = 42


@dataclass(slots=True)
class StorylinesReport:
    articles: int
    stories: int
    storylines: int
    multi_story_storylines: int
    largest_story: int
    largest_storyline: int
    #: (days, articles, title) of stories whose stated dates span more than LONG_STORY_DAYS
    long_stories: list[tuple[int, int, str]] = field(default_factory=list)
    #: (stories, label) of the storylines with more than one story, largest first
    labels: list[tuple[int, str]] = field(default_factory=list)
    #: labels with a part that is a weekday, month, date or punctuation
    bad_labels: list[str] = field(default_factory=list)
    span_days_p50: int = 0
    span_days_p95: int = 0
    span_days_max: int = 0


def _span(first: str | None, last: str | None) -> int | None:
    if not first or not last:
        return None
    return (date.fromisoformat(last[:10]) - date.fromisoformat(first[:10])).days


def _quantile(values: Sequence[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0


def evaluate_storylines(paths: Sequence[Path], workers: int = 1) -> StorylinesReport:
    """Run every stage over ``paths`` in a fresh store and describe the result."""
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "lines.db") as store:
        ingest(list(paths), store, PipelineOptions(workers=workers))
        articles = build_stories(store, workers=1)
        update_storylines(store)
        stories = list_stories(store)
        lines = list_storylines(store, stories=stories)
    spans = [(s, _span(s.first_seen, s.last_seen)) for s in stories]
    known = [d for _, d in spans if d is not None and len(_.article_ids) > 1]
    multi = [line for line in lines if len(line.story_ids) > 1]
    report = StorylinesReport(
        articles=articles, stories=len(stories), storylines=len(lines),
        multi_story_storylines=len(multi),
        largest_story=max((len(s.article_ids) for s in stories), default=0),
        largest_storyline=max((len(line.story_ids) for line in lines), default=0),
        long_stories=sorted(((d, len(s.article_ids), s.title) for s, d in spans
                             if d is not None and d > LONG_STORY_DAYS), reverse=True),
        labels=[(len(line.story_ids), line.label) for line in multi],
        bad_labels=[line.label for line in lines if line.label != "(unlabelled)"
                    and not all(label_worthy(part) for part in line.label.split(" · "))],
        span_days_p50=_quantile(known, 0.5), span_days_p95=_quantile(known, 0.95),
        span_days_max=max(known, default=0))
    return report


def print_storylines_report(report: StorylinesReport, console: Console, limit: int = 25
                            ) -> None:
    console.print(
        f"{report.articles} articles → {report.stories} stories (largest "
        f"{report.largest_story}) → {report.storylines} storylines; "
        f"{report.multi_story_storylines} chain more than one story (largest "
        f"{report.largest_storyline} stories)", markup=False)
    console.print(f"story span by stated dates (stories of 2+ articles): median "
                  f"{report.span_days_p50} d, p95 {report.span_days_p95} d, max "
                  f"{report.span_days_max} d; {len(report.long_stories)} stories span more "
                  f"than {LONG_STORY_DAYS} d", markup=False)
    table = Table(title="Storylines with more than one story")
    table.add_column("stories", justify="right")
    table.add_column("label")
    for stories, label in report.labels[:limit]:
        table.add_row(str(stories), label)
    console.print(table)
    console.print(f"labels with a weekday, month, date or punctuation part: "
                  f"{len(report.bad_labels)} {report.bad_labels[:5]}", markup=False)
    for days, size, title in report.long_stories[:limit]:
        console.print(f"  long story: {days} d, {size} articles: {title}", markup=False)
