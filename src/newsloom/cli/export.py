"""``newsloom export``: every stored record of a kind, as JSON Lines (the default), one JSON
document or CSV (nested values JSON-encoded in their cells); see :mod:`newsloom.cli.output`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console

from newsloom.cli import corpus as cli_corpus
from newsloom.cli.checks import existing_store
from newsloom.cli.hints import empty_hint
from newsloom.cli.options import DEFAULT_DB, DbOption
from newsloom.cli.output import Column, OutputFormat, emit_records, record_of
from newsloom.text.counts import counted

if TYPE_CHECKING:
    from newsloom.store.ports import Backend

export_app = typer.Typer(help="Export every stored record of a kind: JSON Lines, JSON or CSV.",
                         no_args_is_help=True)
err = Console(stderr=True)


class ExportFormat(StrEnum):
    """An export is for programs and files: the table format is left out."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"


FormatOption = Annotated[ExportFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="jsonl (one record a line), json (one document) or csv.")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
]


@contextmanager
def _destination(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    try:
        stream = output.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        err.print(f"[red]cannot write {output}[/]: {exc}")
        raise typer.Exit(2) from None
    with stream:
        yield stream


def _export(db: Path, noun: str, key: str, fmt: ExportFormat, output: Path | None,
            header: Sequence[str], columns: Sequence[Column],
            records: Callable[[Backend], Iterable[dict[str, Any]]]) -> None:
    """Write every record, then say on stderr how many (and what to run when there are none).
    """
    with existing_store(db) as store, _destination(output) as stream:
        count = emit_records(records(store), OutputFormat(fmt.value), columns=columns,
                             header=header, key=key, stream=stream)
        hint = empty_hint(store, key, db) if count == 0 else None
    err.print(hint or f"exported {counted(count, noun)}", soft_wrap=True, highlight=False)


@export_app.command("articles")
def export_articles(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = ExportFormat.jsonl,
    output: OutputOption = None,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Include superseded page versions.")
    ] = False,
) -> None:
    """One record per article with stable field names (id, source_id, title, text, ...)."""
    from newsloom.model import ARTICLE_EXPORT_FIELDS
    from newsloom.queries.stories import article_export_record

    def records(store: Backend) -> Iterable[dict[str, Any]]:
        return (article_export_record(store, a)
                for a in store.articles(current_only=not all_versions))

    _export(db, "article", "articles", fmt, output, ARTICLE_EXPORT_FIELDS, (), records)


@export_app.command("stories")
def export_stories(db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
                   fmt: FormatOption = ExportFormat.jsonl, output: OutputOption = None) -> None:
    """Every story, largest first."""
    from newsloom.queries.stories import list_stories

    _export(db, "story", "stories", fmt, output, cli_corpus.story_header(),
            cli_corpus.STORY_COLUMNS,
            lambda store: (record_of(s) for s in list_stories(store, lang)))


@export_app.command("storylines")
def export_storylines(db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
                      fmt: FormatOption = ExportFormat.jsonl,
                      output: OutputOption = None) -> None:
    """Every storyline with its stories."""
    from newsloom.queries.stories import list_storylines

    _export(db, "storyline", "storylines", fmt, output, cli_corpus.storyline_header(),
            cli_corpus.STORYLINE_COLUMNS,
            lambda store: (record_of(s) for s in list_storylines(store, lang)))


@export_app.command("entities")
def export_entities(db: DbOption = DEFAULT_DB, fmt: FormatOption = ExportFormat.jsonl,
                    output: OutputOption = None) -> None:
    """Every canonical entity with its aliases by language."""
    _export(db, "entity", "entities", fmt, output, cli_corpus.entity_header(),
            cli_corpus.ENTITY_COLUMNS,
            lambda store: (cli_corpus.entity_record(e) for e in store.list_entities()))
