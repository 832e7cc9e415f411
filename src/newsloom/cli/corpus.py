"""CLI commands over the corpus stages: stories, storylines, entities, compare.

Every listing prints through :mod:`newsloom.cli.output` (``--format``, paging, hints);
``newsloom export`` reuses the columns and records defined here.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.hints import empty_hint, next_step
from newsloom.cli.output import (
    Column,
    OutputFormat,
    Page,
    emit_one,
    emit_page,
    emit_records,
    field_names,
    record_of,
)
from newsloom.text.counts import counted

if TYPE_CHECKING:
    from newsloom.cli.hints import StageCounts
    from newsloom.model import Entity
    from newsloom.store.ports import PairEvidence, StoryReader

    class ListingReader(StoryReader, StageCounts, Protocol):
        """Story reads plus the counts that tell an empty or ingest-only store."""


    class EntityReader(StageCounts, Protocol):
        """A page of entities, how many there are, and one by name."""

        def entity_page(self, query: str | None, entity_type: str | None, limit: int,
                        offset: int, unconfirmed: bool = False) -> list[Entity]: ...
        def count_entities(self, query: str | None, entity_type: str | None,
                           unconfirmed: bool = False) -> int: ...
        def find_entity(self, ref: str) -> Entity | None: ...


    class ComparedStore(PairEvidence, StageCounts, Protocol):
        """Pair evidence plus the stage counts (a pair of unanalyzed articles has none)."""

err = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

LangOption = Annotated[
    str | None, typer.Option("--lang", help="Prefer titles in this language (ISO 639-1).")]


def _count(value: Any) -> str:
    return str(len(value))


def _date(value: Any) -> str:
    return "?" if value is None else str(value)


def _names(value: Any) -> str:
    return ", ".join(e["name"] for e in value)


def _aliases(value: Any) -> str:
    return "; ".join(f"{lang}: {', '.join(forms[:4])}" for lang, forms in sorted(value.items()))


# ``drop``: on a narrow terminal the highest goes first (json and csv keep every field).
STORY_COLUMNS = (
    Column("id", "story", "id"), Column("title", "title", "title"),
    Column("article_ids", "articles", "number", _count),
    Column("sources", "sources", "number", drop=3),
    Column("languages", "languages", "id", ",".join, drop=2),
    Column("first_seen", "first", "date", _date), Column("last_seen", "last", "date", _date),
    Column("key_entities", "key entities", render=_names, drop=4),
    Column("storyline_id", "storyline", "id", drop=5),
)
STORYLINE_COLUMNS = (
    Column("id", "storyline", "id"), Column("label", "label", "title"),
    Column("story_ids", "stories", "number", _count),
    Column("first_seen", "first", "date", _date), Column("last_seen", "last", "date", _date),
    Column("key_entities", "key entities", render=_names, drop=1),
)
ENTITY_COLUMNS = (
    Column("id", "entity", "id"), Column("name", "name", "title"), Column("type", "type", "id"),
    Column("articles", "articles", "number"),
    Column("aliases", "aliases", render=_aliases, drop=1),
)
PAIR_COLUMNS = (Column("id1", "id1", "id"), Column("id2", "id2", "id"),
                Column("score", "score", "number"), Column("related", "related", "number"))


def story_header() -> list[str]:
    from newsloom.model import Story

    return field_names(Story)


def storyline_header() -> list[str]:
    from newsloom.model import StorylineRecord

    return field_names(StorylineRecord)


def entity_header() -> list[str]:
    from newsloom.model import Entity

    return [*field_names(Entity), "confirmed"]


def entity_record(entity: Entity) -> dict[str, object]:
    """The entity's fields plus ``confirmed`` (whether ``newsloom entities`` lists it)."""
    return {**record_of(entity), "confirmed": entity.confirmed}


def stories_command(store: ListingReader, db: Path, lang: str | None, fmt: OutputFormat,
                    limit: int, offset: int) -> None:
    from newsloom.queries.stories import list_stories

    stories = list_stories(store, lang)
    page = Page(len(stories), offset, limit)
    emit_page(page.window(stories), fmt, page, noun="story", columns=STORY_COLUMNS,
              header=story_header(), key="stories",
              empty_hint=lambda: empty_hint(store, "stories", db))


def storylines_command(store: ListingReader, db: Path, lang: str | None, fmt: OutputFormat,
                       limit: int, offset: int) -> None:
    from newsloom.queries.stories import list_storylines

    lines = list_storylines(store, lang)
    page = Page(len(lines), offset, limit)
    emit_page(page.window(lines), fmt, page, noun="storyline", columns=STORYLINE_COLUMNS,
              header=storyline_header(), key="storylines",
              empty_hint=lambda: next_step(store, "storylines", db) or (
                  "no storylines: none of the stories share their actors over time yet"))


def entities_command(store: EntityReader, db: Path, name: str | None, fmt: OutputFormat,
                     limit: int, offset: int, unconfirmed: bool = False) -> None:
    if name is not None:
        _one_entity(store, db, name, fmt)
        return
    total = store.count_entities(None, None, unconfirmed)
    page = Page(total, offset, limit)
    entities = [entity_record(e) for e in (
        store.entity_page(None, None, limit or max(total, 1), offset, unconfirmed)
        if offset < total else [])]
    emit_page(entities, fmt, page, noun="entity", columns=ENTITY_COLUMNS,
              header=entity_header(), key="entities",
              empty_hint=lambda: empty_hint(store, "entities", db))


def _one_entity(store: EntityReader, db: Path, name: str, fmt: OutputFormat) -> None:
    entity = store.find_entity(name)
    if entity is None:
        hint = next_step(store, "entities", db)
        if hint is not None:
            err.print(hint, soft_wrap=True)
            return
        err.print(f"[red]no entity[/] matches {escape(repr(name))} (see `newsloom entities`)")
        raise typer.Exit(1)

    def card() -> None:
        out.print(f"[bold]{escape(entity.name)}[/] ({entity.type}, {entity.id}) "
                  f"in {counted(entity.articles, 'article')}")
        for lang, surfaces in sorted(entity.aliases.items()):
            out.print(f"  {lang}: {escape(', '.join(surfaces))}")

    emit_one(entity_record(entity), fmt, header=entity_header(), human=card)


def _read_pairs(pairs_file: Path) -> list[tuple[str, str]]:
    try:
        with pairs_file.open(encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            if not reader.fieldnames or not {"id1", "id2"} <= set(reader.fieldnames):
                err.print("[red]the pairs CSV needs columns id1,id2[/]")
                raise typer.Exit(2)
            return [(row["id1"], row["id2"]) for row in reader]
    except OSError as exc:
        err.print(f"[red]cannot read {pairs_file}[/]: {exc}")
        raise typer.Exit(2) from None


def compare_command(store: ComparedStore, db: Path, pairs_file: Path,
                    fmt: OutputFormat) -> None:
    from newsloom.queries.compare import UnknownArticle, pair_scores

    pairs = _read_pairs(pairs_file)
    try:
        scores = pair_scores(store, pairs)
    except UnknownArticle as exc:
        hint = next_step(store, "article evidence to compare", db)
        if hint is not None:
            err.print(hint, soft_wrap=True)
            return
        err.print(f"[red]{exc.args[0]}[/] — ingest and analyze them first")
        raise typer.Exit(1) from None
    records: Sequence[dict[str, Any]] = [
        {"id1": a, "id2": b, "score": score, "related": related}
        for (a, b), (score, related) in zip(pairs, scores, strict=True)]
    emit_records(records, fmt, columns=PAIR_COLUMNS, header=[c.key for c in PAIR_COLUMNS],
                 key="pairs")
