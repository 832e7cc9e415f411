"""CLI command ``newsloom search``: hybrid article (or story) search with filters."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.checks import require_store
from newsloom.cli.options import DEFAULT_DB, DbOption

if TYPE_CHECKING:
    from newsloom.model import SearchHit, SearchResults, StorySearchResults

err = Console(stderr=True)
out = Console(highlight=False)

QueryArgument = Annotated[str, typer.Argument(help="Words in any language.")]
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
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]


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
        facts.append(f"+{len(hit.duplicates)} duplicate(s)")
    out.print(f"{indent}{number}. [bold]{escape(hit.title or '(untitled)')}[/] "
              f"[dim]{hit.score:.4f}[/]")
    out.print(f"{indent}   [dim]{escape(' · '.join(facts))}[/]")
    if hit.snippet:
        out.print(f"{indent}   {_snippet(hit)}")


def _print_text(results: SearchResults | StorySearchResults) -> None:
    from newsloom.model import SearchResults

    query = results.query
    if isinstance(results, SearchResults):
        out.print(f"{results.total} article(s) for {escape(repr(query.text))} "
                  f"({query.mode}); showing {query.offset + 1 if results.hits else 0}-"
                  f"{query.offset + len(results.hits)}")
        for number, hit in enumerate(results.hits, start=query.offset + 1):
            _print_hit(number, hit)
        return
    out.print(f"{results.total} stor(y/ies) for {escape(repr(query.text))} ({query.mode})")
    for number, story in enumerate(results.stories, start=query.offset + 1):
        out.print(f"{number}. story [bold]{story.story_id}[/] {escape(story.title or '')} "
                  f"[dim]{story.score:.4f} · {','.join(story.languages)}[/]")
        for sub, hit in enumerate(story.hits, start=1):
            _print_hit(sub, hit, indent="    ")


def search(
    text: QueryArgument, lang: LangsOption = None, outlet: OutletsOption = None,
    date_from: FromOption = None, date_to: ToOption = None, entity: EntityOption = None,
    story: StoryOption = None, limit: LimitOption = 20, offset: OffsetOption = 0,
    mode: ModeOption = "hybrid", stories: StoriesOption = False, fmt: FormatOption = "text",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Hybrid search: keyword (FTS5 over lemmas) fused with multilingual semantic search."""
    from newsloom.model import SearchQuery
    from newsloom.search import SearchError, UnknownEntityError, search_stories, to_dict
    from newsloom.search import search as run_search
    from newsloom.store import open_store

    if fmt not in ("text", "json"):
        err.print(f"[red]unknown format {fmt!r}: use text or json[/]")
        raise typer.Exit(2)
    require_store(db)
    query = SearchQuery(text, tuple(lang or ()), tuple(outlet or ()), date_from, date_to,
                        entity, story, limit, offset, mode)  # type: ignore[arg-type]
    store = open_store(db)
    try:
        results = search_stories(store, query) if stories else run_search(store, query)
    except UnknownEntityError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    except SearchError as exc:
        err.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(to_dict(results), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_text(results)
