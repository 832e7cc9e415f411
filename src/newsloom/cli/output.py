"""One output convention for every CLI command that prints records.

``--format table|json|jsonl|csv``:

- ``table`` (the default) is for people. On a terminal it is a Rich table as wide as the
  terminal, whose id, number and date columns never wrap or get cut. When stdout is not a
  terminal (a pipe, a file) it becomes plain tab-separated lines, one header line then one
  line per record, never wrapped or cut: Rich would squeeze a table to 80 columns there.
- ``json`` is one JSON document. A list is ``{"<records>": [...], "total": M, "offset": O,
  "limit": L}`` (``limit`` null when everything is listed).
- ``jsonl`` is one JSON record per line, nothing else.
- ``csv`` is a header line and one row per record; nested values (lists, objects) are
  JSON-encoded in their cell.

Paging and hints never go to stdout: "showing N of M ..." and "nothing yet: run ..." are
printed on stderr, so every stdout stays parseable in its format.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, TextIO, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from newsloom.text.counts import counted

err = Console(stderr=True)
T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FORMAT_HELP = ("table (for people; tab-separated when piped), json (one document), "
               "jsonl (one record a line) or csv.")
FormatOption = Annotated[OutputFormat, typer.Option(
    "--format", "-f", help=FORMAT_HELP, case_sensitive=False)]
#: The pre-issue-13 flag, kept hidden for old scripts: it warns and picks what it printed then.
LegacyJsonOption = Annotated[bool, typer.Option("--json", hidden=True)]
LimitOption = Annotated[int, typer.Option(
    "--limit", "-n", min=0, help="Show at most N (0: all).")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip the first N.")]

Record = Mapping[str, Any]
#: "title": the column a reader scans (kept at least TITLE_WIDTH wide on a terminal); "id",
#: "number" and "date" cells never wrap; other "text" wraps in what is left.
CellKind = Literal["title", "text", "id", "number", "date"]
TITLE_WIDTH = 40
#: On a narrow terminal: the least a title and another text column get, and what each column
#: costs besides its cells (padding and the gap to the next).
MIN_TITLE = 20
MIN_TEXT = 12
COLUMN_GAP = 3


def legacy_json(fmt: OutputFormat, as_json: bool, meant: OutputFormat) -> OutputFormat:
    """``--json`` as the deprecated alias of ``--format <meant>`` (what it printed before)."""
    if not as_json:
        return fmt
    err.print(f"[yellow]--json is deprecated[/]: use --format {meant.value}")
    return meant


def record_of(item: Any) -> dict[str, Any]:
    """A dataclass (nested ones included) as a JSON-ready dict; a mapping as a dict."""
    if is_dataclass(item) and not isinstance(item, type):
        return {f.name: _plain(getattr(item, f.name)) for f in fields(item)}
    return dict(item)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return record_of(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def field_names(cls: type) -> list[str]:
    """A record class's fields in order: the csv header even when no record is printed."""
    return [f.name for f in fields(cls)]


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: which record field, its header, how it reads to a person."""

    key: str
    header: str
    kind: CellKind = "text"
    render: Callable[[Any], str] | None = None
    drop: int = 0  # on a narrow terminal, left out first when highest (0: always shown)

    def cell(self, record: Record) -> str:
        value = record.get(self.key)
        if self.render is not None:
            return self.render(value)
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return str(value)


@dataclass(frozen=True, slots=True)
class Page:
    """Which slice of a list was asked for, and how long the whole list is."""

    total: int
    offset: int = 0
    limit: int = 0  # 0: no limit

    def window(self, items: Sequence[T]) -> list[T]:
        end = None if self.limit == 0 else self.offset + self.limit
        return list(items[self.offset:end])

    def note(self, shown: int, noun: str) -> str:
        """'showing 50 of 1,266 stories (1-50; next: --offset 50)'."""
        text = f"showing {shown:,} of {counted(self.total, noun)}"
        if shown and shown < self.total:
            last = self.offset + shown
            text += f" ({self.offset + 1:,}-{last:,}"
            text += f"; next: --offset {last})" if last < self.total else ")"
        elif not shown and self.offset and self.total:
            text += f" (--offset {self.offset} is past the end)"
        return text


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


# -- writers ---------------------------------------------------------------------------------


def write_json(document: Any, stream: TextIO) -> None:
    stream.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(records: Iterable[Record], stream: TextIO) -> int:
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def write_csv(records: Iterable[Record], header: Sequence[str], stream: TextIO) -> int:
    writer = csv.writer(stream)
    writer.writerow(header)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record.get(key)) for key in header])
        count += 1
    return count


def write_json_list(records: Iterable[Record], key: str, stream: TextIO,
                    extra: Mapping[str, Any] | None = None) -> int:
    """``{"<key>": [records...], **extra}``, streamed: an export need not fit in memory."""
    stream.write(f"{{{json.dumps(key)}: [")
    count = 0
    for record in records:
        stream.write(",\n  " if count else "\n  ")
        stream.write(json.dumps(record, ensure_ascii=False))
        count += 1
    stream.write("\n]" if count else "]")
    for name, value in (extra or {}).items():
        stream.write(f", {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
    stream.write("}\n")
    return count


def _tsv_cell(text: str) -> str:
    # One record a line: tabs and line breaks inside a value would break the layout.
    return " ".join(text.split())


def write_tsv(records: Iterable[Record], columns: Sequence[Column], stream: TextIO) -> int:
    stream.write("\t".join(c.header for c in columns) + "\n")
    count = 0
    for record in records:
        stream.write("\t".join(_tsv_cell(c.cell(record)) for c in columns) + "\n")
        count += 1
    return count


def _text_widths(columns: Sequence[Column], widest: Sequence[int], texts: Sequence[int],
                 room: int) -> dict[int, int]:
    """Widths of the wrapping columns ``texts`` sharing ``room``: each as wide as its widest
    cell if all fit; else the title first (at least MIN_TITLE, at most its widest cell), the
    others the rest in proportion to their widest cells (at least MIN_TEXT each)."""
    if sum(widest[i] for i in texts) <= room:
        return {i: widest[i] for i in texts}
    others = [i for i in texts if columns[i].kind != "title"]
    widths: dict[int, int] = {}
    for i in texts:
        if columns[i].kind == "title":
            spare = room - sum(min(widest[o], 2 * MIN_TEXT) for o in others)
            widths[i] = max(1, min(widest[i], max(MIN_TITLE, spare), room))
    left = room - sum(widths.values())
    total = sum(widest[o] for o in others) or 1
    for o in others:
        widths[o] = max(MIN_TEXT, min(widest[o], left * widest[o] // total))
    return widths


def rich_table(records: Iterable[Record], columns: Sequence[Column], width: int) -> Table:
    """A table for a terminal ``width`` columns wide: id, number and date cells keep their
    full width (they are copied and compared), the title gets a readable share of the rest
    and other free text wraps in what is left. When that does not fit, columns with a
    ``drop`` rank are left out, highest first (json and csv still carry them)."""
    rows = [[c.cell(r) for c in columns] for r in records]
    widest = [max([len(c.header), *(len(row[i]) for row in rows)])
              for i, c in enumerate(columns)]
    kept = list(range(len(columns)))

    def wraps(i: int) -> bool:
        return columns[i].kind in ("title", "text")

    def needed() -> int:
        least = {"title": MIN_TITLE, "text": MIN_TEXT}
        return sum(least.get(columns[i].kind, widest[i]) for i in kept) \
            + COLUMN_GAP * len(kept)

    while needed() > width and any(columns[i].drop for i in kept):
        kept.remove(max(kept, key=lambda i: (columns[i].drop, i)))
    room = width - sum(widest[i] for i in kept if not wraps(i)) - COLUMN_GAP * len(kept)
    text_widths = _text_widths(columns, widest, [i for i in kept if wraps(i)], room)
    table = Table(*(columns[i].header for i in kept), box=box.SIMPLE_HEAD, show_edge=False)
    for rich_column, i in zip(table.columns, kept, strict=True):
        if wraps(i):
            rich_column.width = text_widths[i]
        else:
            rich_column.no_wrap = True
            rich_column.min_width = widest[i]
        if columns[i].kind == "number":
            rich_column.justify = "right"
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    return table


def write_table(records: Iterable[Record], columns: Sequence[Column],
                stream: TextIO | None = None, terminal: bool | None = None) -> int:
    """A Rich table on a terminal, tab-separated lines otherwise; returns the row count."""
    stream = stream or sys.stdout
    if not (stdout_is_terminal() if terminal is None else terminal):
        return write_tsv(records, columns, stream)
    listed = list(records)
    console = Console(file=stream, highlight=False)
    console.print(rich_table(listed, columns, console.width))
    return len(listed)


@contextmanager
def reader_may_stop() -> Iterator[None]:
    """``newsloom export articles | head`` closes the pipe early: stop as quietly as ``cat``
    does (exit 0, no traceback), and keep Python from failing again when it flushes stdout
    at exit."""
    try:
        yield
        sys.stdout.flush()  # a pipe closed early shows here, not in the flush at exit
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


# -- what a command calls ----------------------------------------------------------------------


def emit_records(records: Iterable[Record], fmt: OutputFormat, *, columns: Sequence[Column],
                 header: Sequence[str], key: str, page: Page | None = None,
                 stream: TextIO | None = None) -> int:
    """Print records in ``fmt``: ``columns`` make the table, ``header`` the csv header (every
    field), ``key`` names the list in the json document. Returns how many were printed."""
    stream = stream or sys.stdout
    with reader_may_stop():
        if fmt is OutputFormat.table:
            return write_table(records, columns, stream)
        ordered = (in_order(r, header) for r in records)
        if fmt is OutputFormat.jsonl:
            return write_jsonl(ordered, stream)
        if fmt is OutputFormat.csv:
            return write_csv(ordered, header, stream)
        extra = ({} if page is None else
                 {"total": page.total, "offset": page.offset, "limit": page.limit or None})
        return write_json_list(ordered, key, stream, extra)


def emit_page(items: Sequence[Any], fmt: OutputFormat, page: Page, *, noun: str,
              columns: Sequence[Column], header: Sequence[str], key: str,
              empty_hint: Callable[[], str | None] | None = None) -> None:
    """Print one page of a list (``items`` is that page) and say on stderr which part it is.
    An empty table prints nothing on stdout; the hint (what to run next) goes to stderr."""
    records = [record_of(item) for item in items]
    if records or fmt is not OutputFormat.table:
        emit_records(records, fmt, columns=columns, header=header, key=key, page=page)
    hint = empty_hint() if page.total == 0 and empty_hint is not None else None
    err.print(hint or page.note(len(records), noun), soft_wrap=True, highlight=False)


def in_order(record: Record, header: Sequence[str]) -> dict[str, Any]:
    """The record's fields in the header's order: json, jsonl and csv list them alike (an
    export's field order is part of its contract)."""
    return {key: record.get(key) for key in header}


def emit_one(record: Record, fmt: OutputFormat, *, header: Sequence[str],
             human: Callable[[], None]) -> None:
    """Print a single record: ``human`` draws the table format (a card, not a table); json
    is the record itself, jsonl its one line, csv a header and one row."""
    record = in_order(record, header)
    with reader_may_stop():
        if fmt is OutputFormat.table:
            human()
        elif fmt is OutputFormat.json:
            write_json(record, sys.stdout)
        elif fmt is OutputFormat.jsonl:
            write_jsonl([record], sys.stdout)
        else:
            write_csv([record], header, sys.stdout)
