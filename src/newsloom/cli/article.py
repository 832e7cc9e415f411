"""CLI command ``newsloom show``: one article as a card, or as its export record (the record
``newsloom export articles`` writes: with its entities, story and storyline)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.hints import next_step
from newsloom.cli.output import OutputFormat, emit_one

if TYPE_CHECKING:
    from newsloom.cli.hints import StageCounts
    from newsloom.model import Article
    from newsloom.store.ports import StoryReader

    class ShownStore(StoryReader, StageCounts, Protocol):
        """An article and its corpus links, plus the counts that tell an empty store."""

err = Console(stderr=True)
# soft_wrap: an article's text and its URL are printed as they are, never re-broken at 80
# columns when piped.
out = Console(highlight=False, soft_wrap=True)

ArticleArgument = Annotated[str, typer.Argument(help="Article id, id prefix, or source_id.")]
RemovedOption = Annotated[
    bool, typer.Option("--removed", help="Also list the removed lines with reasons.")]

#: Metadata the card lists, in this order (empty values left out).
CARD_FIELDS = ("id", "source_id", "outlet", "wire_source", "authors", "published",
               "published_source", "published_confidence", "published_estimate", "language",
               "language_confidence", "url", "extraction_flags")


def readable(value: Any) -> str:
    """A metadata value as a person reads it: confidences to 2 decimals, lists comma-joined."""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {readable(v)}" for k, v in value.items())
    return str(value)


def _card(article: Article, record: dict[str, Any], removed: bool) -> None:
    out.print(f"[bold]{escape(article.title or '(untitled)')}[/]")
    for key in CARD_FIELDS:
        if record[key] not in (None, [], ""):
            out.print(f"[dim]{key}:[/] {escape(readable(record[key]))}")
    out.print()
    out.print(article.text, markup=False)
    if removed:
        out.print(f"\n[bold]removed lines ({len(article.removed_lines)})[/]")
        for line in article.removed_lines:
            out.print(f"[dim]{line.line_no:>4} {line.reason:<24}[/] ", end="")
            out.print(line.text, markup=False)


def show_command(store: ShownStore, db: Path, ref: str, removed: bool,
                 fmt: OutputFormat) -> None:
    from newsloom.model import ARTICLE_EXPORT_FIELDS
    from newsloom.queries.stories import article_export_record

    article = store.get_article(ref)
    if article is None:
        hint = next_step(store, "articles", db)
        if hint is not None and store.count_articles() == 0:
            err.print(hint, soft_wrap=True)
            return
        err.print(f"[red]no article[/] matches {escape(repr(ref))}")
        raise typer.Exit(1)
    record = article_export_record(store, article)  # as `newsloom export articles` has it
    emit_one(record, fmt, header=ARTICLE_EXPORT_FIELDS,
             human=lambda: _card(article, record, removed))
    if record["story_id"] is None:  # the counts are asked only then
        hint = next_step(store, "story, entities or storyline for this article", db)
        if hint is not None:
            err.print(hint, soft_wrap=True, highlight=False)
