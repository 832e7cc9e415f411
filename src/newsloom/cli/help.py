"""How ``newsloom --help`` reads: commands in the order a newcomer uses them, and each
option's value in words (``PATH``, ``TEXT``, ``INTEGER``, ``md|json|html``, nothing for a
flag, "(repeatable)" for a list) instead of click's type names (``INTEGER RANGE``,
``STORELOCATION``, ``[md|json]``).

Typer (pinned in pyproject) has no setting for either. The order is click's own hook,
:meth:`list_commands`; an option's value is drawn by its ``make_metavar``.
:class:`NewcomerGroup` gives every option of the command tree a subclass that words it,
once, when the app is built (tests/test_cli_help.py fails if a Typer upgrade breaks it).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

#: The order a newcomer meets the commands: build a store, read it, share it, set it up.
COMMAND_ORDER = (
    "analyze", "ingest", "stories", "storylines", "entities", "show", "timeline", "summary",
    "search", "compare", "report", "export", "serve", "config", "version", "db", "spark",
    "eval",
)
#: Developer tools stay last: a command missing from COMMAND_ORDER goes just before them.
TOOLS_LAST = ("eval",)


def newcomer_order(names: list[str]) -> list[str]:
    """``names`` in :data:`COMMAND_ORDER`; unknown ones (in their own order) before the tools."""
    known = [name for name in COMMAND_ORDER if name in names and name not in TOOLS_LAST]
    tools = [name for name in COMMAND_ORDER if name in names and name in TOOLS_LAST]
    unknown = [name for name in names if name not in COMMAND_ORDER]
    return known + unknown + tools


def value_word(kind: click.ParamType) -> str:
    """One value of a parameter of type ``kind`` in words: PATH, FILE, DIR, TEXT, INTEGER,
    NUMBER, DATE, or the choices a|b|c."""
    if isinstance(kind, click.Choice):
        return "|".join(str(choice) for choice in kind.choices)
    if isinstance(kind, click.Path):
        return "FILE" if not kind.dir_okay else "DIR" if not kind.file_okay else "PATH"
    if isinstance(kind, click.types.FuncParamType):  # typer's ``parser=``
        parses_a_path = isinstance(kind.func, type) and issubclass(kind.func, Path)
        return "PATH" if parses_a_path else "TEXT"
    if isinstance(kind, click.types.IntParamType):
        return "INTEGER"
    if isinstance(kind, click.types.FloatParamType):
        return "NUMBER"
    if isinstance(kind, click.DateTime):
        return "DATE"
    return kind.name.upper()


class HumanOption(TyperOption):
    """An option whose help shows its value in words; a flag shows none."""

    def make_metavar(self, ctx: click.Context | None = None) -> str:
        if self.metavar is not None:
            return self.metavar
        if self.is_flag or self.count:
            return ""
        word = value_word(self.type)
        return f"{word} (repeatable)" if self.multiple else word


def reflow(help_text: str) -> str:
    """Paragraphs as one line each: Typer's rich help keeps a docstring's line breaks, which
    then break again at the terminal's width. A paragraph starting with \\b stays as is."""
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(
        paragraph if paragraph.startswith("\b")
        else " ".join(line.strip() for line in paragraph.splitlines())
        for paragraph in paragraphs)


def humanize(command: TyperCommand | TyperGroup) -> None:
    """Words for every parameter of ``command`` and its subcommands (and their --help), and
    their help texts reflowed."""
    if command.help:
        command.help = reflow(command.help)
    help_option = command.get_help_option(typer.Context(command))
    for param in [*command.params, *([help_option] if help_option else [])]:
        # Same fields, another method: the parameter objects Typer built stay in place,
        # so parsing and callbacks are untouched.
        if type(param) is TyperOption:
            param.__class__ = HumanOption
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)


class NewcomerGroup(TyperGroup):
    """The root ``newsloom`` group: newcomer order, parameter types in words."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        humanize(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return newcomer_order(super().list_commands(ctx))
