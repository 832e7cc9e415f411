"""Publication dates read from plain text, against the dates the records declare.

Each JSONL record's declared date (``time`` in Timeline17, or any name of
:data:`newsloom.ingest.jsonl.DATE_FIELDS`) is the reference; it is removed before extraction,
so the date newsloom gives comes from the text alone (header stamps, datelines, byline lines).
Every record ends in exactly one outcome: correct (same day), wrong (another day), none (no
date stated), or skipped (not an article, or no reference date), so the counts add up.

Beside it, a naive reader: the first full date in the first lines, the way a reader without
header rules would take it; it shows what the rules add and what they refuse.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from newsloom.extract import ExtractionError, extract
from newsloom.extract.datelines import untokenise
from newsloom.extract.dates import declared_date, find_dates
from newsloom.ingest.decode import ReadOptions
from newsloom.ingest.jsonl import DATE_FIELDS, record_to_document
from newsloom.model import RawDocument

_NAIVE_LINES = 12  # the naive reader looks as far as newsloom's header window


@dataclass(slots=True)
class DateCounts:
    """Outcomes of one reader on one collection."""

    correct: int = 0
    wrong: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.correct + self.wrong + self.none

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.total if self.total else 0.0

    def add(self, found: str | None, reference: str) -> bool:
        """Count one outcome; True when it is wrong."""
        if found is None:
            self.none += 1
        elif found == reference:
            self.correct += 1
        else:
            self.wrong += 1
            return True
        return False


@dataclass(slots=True)
class CollectionDates:
    name: str
    newsloom: DateCounts = field(default_factory=DateCounts)
    naive: DateCounts = field(default_factory=DateCounts)
    skipped: int = 0
    by_source: Counter[str] = field(default_factory=Counter)  # correct dates by provenance
    wire_sources: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class TextDatesReport:
    collections: list[CollectionDates]
    wrong_examples: list[dict[str, Any]]

    def overall(self) -> CollectionDates:
        total = CollectionDates("overall")
        for c in self.collections:
            for mine, theirs in ((total.newsloom, c.newsloom), (total.naive, c.naive)):
                mine.correct += theirs.correct
                mine.wrong += theirs.wrong
                mine.none += theirs.none
            total.skipped += c.skipped
            total.by_source.update(c.by_source)
            total.wire_sources.update(c.wire_sources)
        return total


def _files(dataset: Path) -> list[tuple[str, Path]]:
    """(collection name, articles.jsonl): the dataset itself or each folder holding one."""
    if (dataset / "articles.jsonl").is_file():
        return [(dataset.name, dataset / "articles.jsonl")]
    return [(d.name, d / "articles.jsonl") for d in sorted(dataset.iterdir())
            if (d / "articles.jsonl").is_file()]


def _reference(record: dict[str, Any]) -> str | None:
    for name in DATE_FIELDS:
        stated = declared_date(record.get(name))
        if stated:
            return stated.value
    return None


def _naive(doc: RawDocument) -> str | None:
    lines = [untokenise(line) for line in doc.content.split("\n") if line.strip()]
    for line in lines[:_NAIVE_LINES]:
        dates = find_dates(line)
        if dates:
            return dates[0][0].isoformat()
    return None


def evaluate_collection(name: str, path: Path, wrong_examples: list[dict[str, Any]],
                        max_examples: int = 20) -> CollectionDates:
    counts = CollectionDates(name)
    with path.open(encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            reference = _reference(record) if isinstance(record, dict) else None
            if not isinstance(record, dict) or reference is None:
                counts.skipped += 1
                continue
            blind = {k: v for k, v in record.items() if k not in DATE_FIELDS}
            doc = record_to_document(blind, f"{name}#L{line_no}", f"{name}-{line_no}",
                                     ReadOptions())
            if not isinstance(doc, RawDocument):
                counts.skipped += 1
                continue
            try:
                article = extract(doc)
            except ExtractionError:
                counts.skipped += 1
                continue
            found = article.published
            if counts.newsloom.add(found.value if found else None, reference):
                if found and len(wrong_examples) < max_examples:
                    wrong_examples.append({
                        "collection": name, "id": doc.source_id, "reference": reference,
                        "found": found.value, "source": found.source,
                        "confidence": found.confidence})
            elif found:
                counts.by_source[found.source] += 1
            counts.naive.add(_naive(doc), reference)
            if article.wire_source:
                counts.wire_sources[article.wire_source] += 1
    return counts


def evaluate_text_dates(dataset: Path) -> TextDatesReport:
    examples: list[dict[str, Any]] = []
    collections = [evaluate_collection(name, path, examples) for name, path in _files(dataset)]
    return TextDatesReport(collections, examples)


def _row(c: CollectionDates) -> dict[str, Any]:
    def counts(d: DateCounts) -> dict[str, Any]:
        return {"correct": d.correct, "wrong": d.wrong, "none": d.none,
                "wrong_rate": round(d.wrong_rate, 4)}

    return {"collection": c.name, "newsloom": counts(c.newsloom), "naive_first_date":
            counts(c.naive), "skipped": c.skipped, "correct_by_source": dict(c.by_source),
            "wire_sources": dict(c.wire_sources.most_common())}


def report_to_json(report: TextDatesReport) -> dict[str, Any]:
    return {"collections": [_row(c) for c in report.collections],
            "overall": _row(report.overall()), "wrong_examples": report.wrong_examples}


def print_report(report: TextDatesReport, console: Console) -> None:
    table = Table(title="Publication dates read from the text (declared dates removed), "
                        "against the declared date")
    for column in ("collection", "correct", "wrong", "none", "wrong %", "naive correct",
                   "naive wrong", "naive none", "skipped"):
        table.add_column(column, justify="left" if column == "collection" else "right")
    for c in [*report.collections, report.overall()]:
        n, v = c.newsloom, c.naive
        table.add_row(c.name, str(n.correct), str(n.wrong), str(n.none), f"{n.wrong_rate:.1%}",
                      str(v.correct), str(v.wrong), str(v.none), str(c.skipped))
    console.print(table)
    overall = report.overall()
    console.print("correct dates by provenance: " + ", ".join(
        f"{k} {v}" for k, v in overall.by_source.most_common()), markup=False)
    console.print("wire sources recorded: " + (", ".join(
        f"{k} {v}" for k, v in overall.wire_sources.most_common()) or "none"), markup=False)
