"""CLI command ``newsloom search``: hybrid article (or story) search with filters."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.checks import require_store
from newsloom.cli.hints import next_step
from newsloom.cli.options import DEFAULT_DB, DbOption
from newsloom.cli.output import (
    Column,
    FormatOption,
    OutputFormat,
    Page,
    emit_records,
    reader_may_stop,
    stdout_is_terminal,
    write_json,
)
from newsloom.text.counts import counted

if TYPE_CHECKING:
    from pathlib import Path

    from newsloom.cli.hints import StageCounts
    from newsloom.model import SearchHit, SearchResults, StorySearchResults

err = Console(stderr=True)
out = Console(highlight=False)

QueryArgument = Annotated[str, typer.Argument(metavar="QUERY", help="Words in any language.")]
LangsOption = Annotated[list[str] | None, typer.Option(
    "--lang", help="Only articles in this language (ISO 639-1); repeat for several.")]
OutletsOption = Annotated[list[str] | None, typer.Option(
    "--outlet", help="Only articles from this outlet; repeat for several.")]
FromOption = Annotated[str | None, typer.Option(
    "--from", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option(
    "--to", help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")]
EntityOption = Annotated[str | None, typer.Option(
    "--entity", help="Only articles mentioning this entity (name, alias or id).")]
StoryOption = Annotated[str | None, typer.Option("--story", help="Only articles of this story.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, max=500, help="Show at most N.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Skip the first N results.")]
ModeOption = Annotated[str, typer.Option("--mode", help="hybrid, keyword or semantic.")]
StoriesOption = Annotated[bool, typer.Option(
    "--stories", help="Rank stories (by their matching articles) instead of articles.")]

#: The tab-separated table when piped: one line a hit (or a story with --stories).
HIT_COLUMNS = (
    Column("score", "score", "number", lambda v: f"{v:.4f}"), Column("title", "title", "title"),
    Column("language", "lang", "id"), Column("outlet", "outlet"),
    Column("published", "published", "date"), Column("story_id", "story", "id"),
    Column("article_id", "article", "id"),
)
STORY_HIT_COLUMNS = (
    Column("score", "score", "number", lambda v: f"{v:.4f}"), Column("title", "title", "title"),
    Column("languages", "languages", "id", ",".join), Column("story_id", "story", "id"),
    Column("hits", "matching articles", "number", lambda v: str(len(v))),
)


def _snippet(hit: SearchHit) -> str:
    return "".join(f"[bold yellow]{escape(s.text)}[/]" if s.highlighted else escape(s.text)
                   for s in hit.snippet)


def _print_hit(number: int, hit: SearchHit, indent: str = "") -> None:
    ranks = ", ".join(f"{name} #{rank}" for name, rank in (
        ("keyword", hit.keyword_rank), ("semantic", hit.semantic_rank)) if rank)
    facts = [hit.language or "?", hit.outlet or "?", hit.published or "no date",
             f"story {hit.story_id}" if hit.story_id else "no story", f"id {hit.article_id}",
             ranks]
    if hit.duplicates:
        facts.append(f"+{counted(len(hit.duplicates), 'duplicate')}")
    out.print(f"{indent}{number}. [bold]{escape(hit.title or '(untitled)')}[/] "
              f"[dim]{hit.score:.4f}[/]")
    out.print(f"{indent}   [dim]{escape(' · '.join(facts))}[/]")
    if hit.snippet:
        out.print(f"{indent}   {_snippet(hit)}")


def _print_text(results: SearchResults | StorySearchResults) -> None:
    from newsloom.model import SearchResults

    query = results.query
    if isinstance(results, SearchResults):
        for number, hit in enumerate(results.hits, start=query.offset + 1):
            _print_hit(number, hit)
        return
    for number, story in enumerate(results.stories, start=query.offset + 1):
        out.print(f"{number}. story [bold]{story.story_id}[/] {escape(story.title or '')} "
                  f"[dim]{story.score:.4f} · {','.join(story.languages)}[/]")
        for sub, hit in enumerate(story.hits, start=1):
            _print_hit(sub, hit, indent="    ")


def _emit(results: SearchResults | StorySearchResults, fmt: OutputFormat) -> int:
    """Print the results in ``fmt``; returns how many were printed."""
    from newsloom.model import SearchResults
    from newsloom.search import to_dict

    document = to_dict(results)
    key = "hits" if isinstance(results, SearchResults) else "stories"
    if fmt is OutputFormat.json:  # the whole page: query, total and the records
        write_json(document, sys.stdout)
        return len(document[key])
    if fmt is OutputFormat.table and stdout_is_terminal():
        _print_text(results)
        return len(document[key])
    records: list[dict[str, Any]] = document[key]
    if not records and fmt is OutputFormat.table:
        return 0  # as every listing: an empty table prints nothing, stderr says why
    is_hits = key == "hits"
    header = [*(records[0] if records else _empty_header(is_hits))]
    return emit_records(records, fmt, columns=HIT_COLUMNS if is_hits else STORY_HIT_COLUMNS,
                        header=header, key=key)


def _empty_header(is_hits: bool) -> dict[str, Any]:
    from dataclasses import fields

    from newsloom.model import SearchHit, StoryHit

    return {f.name: None for f in fields(SearchHit if is_hits else StoryHit)}


def _not_yet(store: StageCounts, results: SearchResults | StorySearchResults,
             db: Path) -> str | None:
    """What to run next when the store is not analyzed yet. The counts are asked only when
    the results look so: nothing found, or no hit in any story."""
    from newsloom.model import SearchResults

    if isinstance(results, SearchResults) and results.hits:
        if any(hit.story_id for hit in results.hits):
            return None
        return next_step(store, "stories or semantic matches", db)
    if results.total:
        return None
    return next_step(store, "search results" if isinstance(results, SearchResults)
                     else "stories", db)


def search(
    text: QueryArgument, lang: LangsOption = None, outlet: OutletsOption = None,
    date_from: FromOption = None, date_to: ToOption = None, entity: EntityOption = None,
    story: StoryOption = None, limit: LimitOption = 20, offset: OffsetOption = 0,
    mode: ModeOption = "hybrid", stories: StoriesOption = False,
    fmt: FormatOption = OutputFormat.table, db: DbOption = DEFAULT_DB,
) -> None:
    """Hybrid search: keyword (FTS5 over lemmas) fused with multilingual semantic search."""
    from newsloom.model import SearchQuery, SearchResults
    from newsloom.search import SearchError, UnknownEntityError, search_stories
    from newsloom.search import search as run_search
    from newsloom.store import open_store

    require_store(db)
    query = SearchQuery(text, tuple(lang or ()), tuple(outlet or ()), date_from, date_to,
                        entity, story, limit, offset, mode)  # type: ignore[arg-type]
    store = open_store(db)
    try:
        results = search_stories(store, query) if stories else run_search(store, query)
        hint = _not_yet(store, results, db)
    except UnknownEntityError as exc:
        hint = next_step(store, "entities to filter by", db)  # none before `analyze`
        if hint is not None:
            err.print(hint, soft_wrap=True)
            return
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    except SearchError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None
    finally:
        store.close()
    with reader_may_stop():
        shown = _emit(results, fmt)
    noun = "article" if isinstance(results, SearchResults) else "story"
    note = Page(results.total, offset, limit).note(shown, noun)
    if shown or hint is None:
        err.print(f"{note} for {escape(repr(text))} ({mode})", soft_wrap=True, highlight=False)
    if hint is not None:
        err.print(hint, soft_wrap=True, highlight=False)
