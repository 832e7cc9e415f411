"""CLI commands over the corpus stages: stories, storylines, entities, compare."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from newsloom.store.ports import PairEvidence, StoryReader

err = Console(stderr=True)
out = Console()

LangOption = Annotated[
    str | None, typer.Option("--lang", help="Prefer titles in this language (ISO 639-1).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON Lines instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N.")]


def _jsonl(items: list[Any]) -> None:
    for item in items:
        sys.stdout.write(json.dumps(dataclasses.asdict(item), ensure_ascii=False) + "\n")


def stories_command(store: StoryReader, lang: str | None, as_json: bool, limit: int) -> None:
    from newsloom.queries.stories import list_stories

    stories = list_stories(store, lang)[:limit]
    if as_json:
        _jsonl(stories)
        return
    table = Table("story", "title", "articles", "sources", "languages", "first", "last",
                  "key entities", "storyline")
    for s in stories:
        table.add_row(s.id, s.title, str(len(s.article_ids)), str(s.sources),
                      ",".join(s.languages), s.first_seen or "?", s.last_seen or "?",
                      ", ".join(e.name for e in s.key_entities), s.storyline_id or "")
    out.print(table)


def storylines_command(store: StoryReader, lang: str | None, as_json: bool, limit: int) -> None:
    from newsloom.queries.stories import list_storylines

    lines = list_storylines(store, lang)[:limit]
    if as_json:
        _jsonl(lines)
        return
    table = Table("storyline", "label", "stories", "first", "last", "key entities")
    for line in lines:
        table.add_row(line.id, line.label, str(len(line.story_ids)), line.first_seen or "?",
                      line.last_seen or "?", ", ".join(e.name for e in line.key_entities))
    out.print(table)


def entities_command(store: StoryReader, name: str | None, as_json: bool, limit: int) -> None:
    if name is not None:
        entity = store.find_entity(name)
        if entity is None:
            err.print(f"[red]no entity[/] matches {name!r}")
            raise typer.Exit(1)
        if as_json:
            _jsonl([entity])
            return
        out.print(f"[bold]{entity.name}[/] ({entity.type}, {entity.id}) "
                  f"in {entity.articles} articles")
        for lang, surfaces in sorted(entity.aliases.items()):
            out.print(f"  {lang}: {', '.join(surfaces)}")
        return
    entities = store.list_entities(limit)
    if as_json:
        _jsonl(entities)
        return
    table = Table("entity", "name", "type", "articles", "aliases")
    for e in entities:
        aliases = "; ".join(f"{k}: {', '.join(v[:4])}" for k, v in sorted(e.aliases.items()))
        table.add_row(e.id, e.name, e.type, str(e.articles), aliases)
    out.print(table)


def compare_command(store: PairEvidence, pairs_file: Path) -> None:
    from newsloom.queries.compare import UnknownArticle, pair_scores

    try:
        with pairs_file.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            if not reader.fieldnames or not {"id1", "id2"} <= set(reader.fieldnames):
                err.print("[red]the pairs CSV needs columns id1,id2[/]")
                raise typer.Exit(2)
            pairs = [(row["id1"], row["id2"]) for row in reader]
    except OSError as exc:
        err.print(f"[red]cannot read {pairs_file}[/]: {exc}")
        raise typer.Exit(2) from None
    try:
        scores = pair_scores(store, pairs)
    except UnknownArticle as exc:
        err.print(f"[red]{exc.args[0]}[/] — ingest and analyze them first")
        raise typer.Exit(1) from None
    writer = csv.writer(sys.stdout)
    writer.writerow(["id1", "id2", "score", "related"])
    writer.writerows((a, b, score, related)
                     for (a, b), (score, related) in zip(pairs, scores, strict=True))
