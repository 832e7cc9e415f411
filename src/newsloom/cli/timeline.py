"""CLI commands ``newsloom timeline`` and ``newsloom summary``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from newsloom.model import Summary, TimelineRequest
    from newsloom.store.ports import SearchingReader, StoryReader

err = Console(stderr=True)

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
TimelineFormatOption = Annotated[str, typer.Option("--format", "-f", help="md, json or html.")]
TimelineOutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")]


def _emit(text: str, output: Path | None) -> None:
    if output is None:
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


def timeline_command(store: SearchingReader, request: TimelineRequest, fmt: str,
                     output: Path | None) -> None:
    from newsloom.timeline import (
        SearchUnavailable,
        UnknownTarget,
        build_timeline,
        timeline_to_html,
        timeline_to_json,
        timeline_to_markdown,
    )

    if fmt not in ("md", "json", "html"):
        raise _fail(f"unknown format {fmt!r}: use md, json or html")
    try:
        timeline = build_timeline(store, request)
    except UnknownTarget as exc:
        raise _fail(str(exc.args[0]), 1) from None
    except (ValueError, SearchUnavailable) as exc:
        raise _fail(str(exc)) from None
    if fmt == "json":
        text = json.dumps(timeline_to_json(timeline), ensure_ascii=False, indent=2)
    elif fmt == "html":
        text = timeline_to_html(timeline)
    else:
        text = timeline_to_markdown(timeline)
    _emit(text, output)


def summary_command(store: StoryReader, story: str | None, storyline: str | None,
                    lang: str | None, as_json: bool) -> None:
    from newsloom.timeline import (
        UnknownTarget,
        summarize_story,
        summarize_storyline,
        summary_to_json,
        summary_to_markdown,
    )

    if (story is None) == (storyline is None):
        raise _fail("give exactly one of --story or --storyline")
    try:
        summary: Summary = (summarize_story(store, story, lang) if story is not None
                            else summarize_storyline(store, str(storyline), lang))
    except UnknownTarget as exc:
        raise _fail(str(exc.args[0]), 1) from None
    if as_json:
        _emit(json.dumps(summary_to_json(summary), ensure_ascii=False, indent=2), None)
    else:
        _emit(summary_to_markdown(summary), None)
