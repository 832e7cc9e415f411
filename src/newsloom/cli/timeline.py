"""CLI commands ``newsloom timeline`` and ``newsloom summary``."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TextIO

import typer
from rich.console import Console

from newsloom.cli.hints import next_step
from newsloom.cli.output import (
    Column,
    OutputFormat,
    emit_records,
    field_names,
    legacy_json,
    reader_may_stop,
    write_json,
)

if TYPE_CHECKING:
    from newsloom.cli.hints import StageCounts
    from newsloom.model import Summary, Timeline, TimelineRequest
    from newsloom.store.ports import SearchingReader, StoryReader

    class TimelineSource(SearchingReader, StageCounts, Protocol):
        """What a timeline reads, plus the counts that tell an unanalyzed store."""

    class SummarySource(StoryReader, StageCounts, Protocol):
        """What a summary reads, plus the counts that tell an unanalyzed store."""

err = Console(stderr=True)


class TimelineFormat(StrEnum):
    """The output convention's four formats plus the two documents a timeline also is."""

    md = "md"
    html = "html"
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _joined(value: Any) -> str:
    return ", ".join(str(v) for v in value)


#: One row per timeline entry (dated ones in date order, then the undated).
ENTRY_COLUMNS = (
    Column("date", "date", "date", lambda v: v or "undated"),
    Column("headline", "headline", "title"),
    Column("citations", "articles", "number", lambda v: str(len(v))),
    Column("outlets", "outlets", render=_joined), Column("story_id", "story", "id"),
)
#: One row per cited sentence of a summary.
SENTENCE_COLUMNS = (
    Column("text", "sentence", "title"), Column("lang", "lang", "id"),
    Column("article_id", "article", "id"), Column("outlet", "outlet"),
    Column("published", "published", "date"),
)

StoryOption = Annotated[str | None, typer.Option("--story", help="Story id.")]
StorylineOption = Annotated[str | None, typer.Option("--storyline", help="Storyline id.")]
EntityOption = Annotated[str | None, typer.Option("--entity", help="Entity name, alias or id.")]
QueryOption = Annotated[str | None, typer.Option("--query", help="Free query (any language).")]
FromOption = Annotated[str | None, typer.Option("--from", help="First date (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last date (YYYY-MM-DD).")]
MaxDatesOption = Annotated[int, typer.Option("--max-dates", min=1, help="At most N dates.")]
SentencesOption = Annotated[
    int, typer.Option("--sentences-per-date", min=1,
                      help="At most K sentences per date (per event if a date has several).")]
TimelineLangOption = Annotated[
    str | None, typer.Option("--lang", help="Prefer sentences in this language (ISO 639-1).")]
TimelineFormatOption = Annotated[TimelineFormat, typer.Option(
    "--format", "-f", case_sensitive=False,
    help="md or html (documents); table (one row a date), json (one document), jsonl (one "
    "entry a line) or csv.")]
TimelineOutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")]


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        with reader_may_stop():
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        err.print(f"[red]cannot write {output}[/]: {exc}")
        raise typer.Exit(2) from None
    err.print(f"wrote {output}")


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Exit codes as the other commands: 1 for an unknown id or name, 2 for bad usage."""
    err.print(f"[red]{message}[/]")
    return typer.Exit(code)


def timeline_command(store: TimelineSource, db: Path, request: TimelineRequest,
                     fmt: TimelineFormat, output: Path | None) -> None:
    from newsloom.timeline import SearchUnavailable, UnknownTarget, build_timeline

    try:
        timeline = build_timeline(store, request)
    except UnknownTarget as exc:
        _hint_or_fail(store, db, "timelines", str(exc.args[0]), 1)
        return
    except (ValueError, SearchUnavailable) as exc:  # a usage mistake, whatever the store
        raise _fail(str(exc)) from None
    if not timeline.entries and not timeline.undated:
        hint = next_step(store, "timelines", db)
        if hint is not None:
            err.print(hint, soft_wrap=True)
    _emit(_render_timeline(timeline, fmt), output)


def _hint_or_fail(store: StageCounts, db: Path, what: str, message: str, code: int) -> None:
    """On a store that cannot answer yet, say what to run and exit 0; else fail as before."""
    hint = next_step(store, what, db)
    if hint is None:
        raise _fail(message, code)
    err.print(hint, soft_wrap=True)


def _render_timeline(timeline: Timeline, fmt: TimelineFormat) -> str:
    from newsloom.model import TimelineEntry
    from newsloom.timeline import (
        timeline_to_html,
        timeline_to_json,
        timeline_to_markdown,
    )

    if fmt is TimelineFormat.md:
        return timeline_to_markdown(timeline)
    if fmt is TimelineFormat.html:
        return timeline_to_html(timeline)
    document = timeline_to_json(timeline)
    if fmt is TimelineFormat.json:
        return _written(lambda stream: write_json(document, stream))
    entries = [*document["entries"], *document["undated"]]
    return _written(lambda stream: emit_records(
        entries, OutputFormat(fmt.value), columns=ENTRY_COLUMNS,
        header=field_names(TimelineEntry), key="entries", stream=stream))


def _written(write: Callable[[TextIO], object]) -> str:
    """What a writer prints, as text (``--output`` writes it to a file instead)."""
    buffer = io.StringIO()
    write(buffer)
    return buffer.getvalue()


def summary_command(store: SummarySource, db: Path, story: str | None, storyline: str | None,
                    lang: str | None, fmt: OutputFormat, as_json: bool) -> None:
    from newsloom.model import TimelineSentence
    from newsloom.timeline import (
        UnknownTarget,
        summarize_story,
        summarize_storyline,
        summary_to_json,
        summary_to_markdown,
    )

    fmt = legacy_json(fmt, as_json, OutputFormat.json)
    if (story is None) == (storyline is None):
        raise _fail("give exactly one of --story or --storyline")
    try:
        summary: Summary = (summarize_story(store, story, lang) if story is not None
                            else summarize_storyline(store, str(storyline), lang))
    except UnknownTarget as exc:
        _hint_or_fail(store, db, "summaries", str(exc.args[0]), 1)
        return
    if fmt is OutputFormat.table:
        _emit(summary_to_markdown(summary), None)
    elif fmt is OutputFormat.json:
        write_json(summary_to_json(summary), sys.stdout)
    else:
        emit_records(summary_to_json(summary)["sentences"], fmt, columns=SENTENCE_COLUMNS,
                     header=field_names(TimelineSentence), key="sentences")
