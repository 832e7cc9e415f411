"""``newsloom export``: stored records as JSON Lines or CSV (nested values JSON-encoded in CSV
cells)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TextIO

import typer
from rich.console import Console

from newsloom.cli import corpus as cli_corpus
from newsloom.cli.checks import existing_store
from newsloom.cli.options import DEFAULT_DB, DbOption

ExportFormat = Literal["jsonl", "csv"]

export_app = typer.Typer(help="Export stored records to JSON Lines or CSV.", no_args_is_help=True)
err = Console(stderr=True)


def write_records(records: Iterable[dict[str, Any]], fields: Sequence[str],
                  fmt: ExportFormat, stream: TextIO) -> int:
    """Write records with the given field order; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for record in records:
            stream.write(json.dumps({f: record.get(f) for f in fields}, ensure_ascii=False))
            stream.write("\n")
            count += 1
        return count
    writer = csv.DictWriter(stream, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow({f: _cell(record.get(f)) for f in fields})
        count += 1
    return count


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


FormatOption = Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")]
#: Nested records (stories, entities) have no flat CSV form; the option keeps scripts explicit.
JsonlFormatOption = Annotated[str, typer.Option("--format", "-f", help="jsonl.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
]


@export_app.command("articles")
def export_articles(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "jsonl",
    output: OutputOption = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Include superseded page versions.")
    ] = False,
) -> None:
    """One record per article with stable field names (id, source_id, title, text, ...)."""
    from newsloom.model import ARTICLE_EXPORT_FIELDS
    from newsloom.queries.stories import article_export_record

    if fmt not in ("jsonl", "csv"):
        err.print(f"[red]unknown format[/] {fmt!r}: use jsonl or csv")
        raise typer.Exit(2)
    export_format: ExportFormat = "jsonl" if fmt == "jsonl" else "csv"
    with existing_store(db) as store:
        records = (article_export_record(store, a)
                   for a in store.articles(current_only=not all_versions))
        if output is None:
            count = write_records(records, ARTICLE_EXPORT_FIELDS, export_format, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = write_records(records, ARTICLE_EXPORT_FIELDS, export_format, stream)
    err.print(f"exported {count} articles")


def _require_jsonl(fmt: str) -> None:
    if fmt != "jsonl":
        err.print(f"[red]unknown format[/] {fmt!r}: stories, storylines and entities export "
                  "as jsonl")
        raise typer.Exit(2)


@export_app.command("stories")
def export_stories(db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
                   fmt: JsonlFormatOption = "jsonl") -> None:
    """Every story as JSON Lines."""
    _require_jsonl(fmt)
    with existing_store(db) as store:
        cli_corpus.stories_command(store, lang, True, 1 << 30)


@export_app.command("storylines")
def export_storylines(db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
                      fmt: JsonlFormatOption = "jsonl") -> None:
    """Every storyline as JSON Lines."""
    _require_jsonl(fmt)
    with existing_store(db) as store:
        cli_corpus.storylines_command(store, lang, True, 1 << 30)


@export_app.command("entities")
def export_entities(db: DbOption = DEFAULT_DB, fmt: JsonlFormatOption = "jsonl") -> None:
    """Every canonical entity (with aliases by language) as JSON Lines."""
    _require_jsonl(fmt)
    with existing_store(db) as store:
        cli_corpus.entities_command(store, None, True, 1 << 30)
