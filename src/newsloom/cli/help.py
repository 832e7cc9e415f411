"""How ``newsloom --help`` reads: commands in the order a newcomer uses them, and each
parameter's type in words (``PATH``, ``TEXT``, ``INTEGER``, ``md|json|html``, nothing for a
flag) instead of Typer's annotations (``<bool>``, ``<list[Path]>``, ``{paths}``).

Typer (pinned in pyproject) has no setting for either. The order is click's own hook,
:meth:`list_commands`. The types are drawn by each parameter's ``display_type_rich`` and an
argument's usage name by ``_usage_display_name``; :class:`NewcomerGroup` gives every
parameter of the command tree a subclass that words them, once, when the app is built
(tests/test_cli_help.py fails if a Typer upgrade breaks it).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

if TYPE_CHECKING:
    # Typer 0.29 vendors click; the methods overridden here take its Context.
    from typer._click import Context

#: The order a newcomer meets the commands: build a store, read it, share it, set it up.
COMMAND_ORDER = (
    "analyze", "ingest", "stories", "storylines", "entities", "show", "timeline", "summary",
    "search", "compare", "report", "export", "serve", "config", "version", "db", "spark",
    "eval",
)
#: Developer tools stay last: a command missing from COMMAND_ORDER goes just before them.
TOOLS_LAST = ("eval",)

_WORDS: dict[Any, str] = {str: "TEXT", int: "INTEGER", float: "NUMBER", bool: "BOOLEAN",
                          Path: "PATH"}


def newcomer_order(names: list[str]) -> list[str]:
    """``names`` in :data:`COMMAND_ORDER`; unknown ones (in their own order) before the tools."""
    known = [name for name in COMMAND_ORDER if name in names and name not in TOOLS_LAST]
    tools = [name for name in COMMAND_ORDER if name in names and name in TOOLS_LAST]
    unknown = [name for name in names if name not in COMMAND_ORDER]
    return known + unknown + tools


def _value_word(param: TyperOption | TyperArgument, ctx: Context) -> str:
    """One value of ``param`` in words: PATH, FILE, DIR, TEXT, INTEGER, NUMBER, or a|b|c."""
    desc = param.type_descriptor
    if desc.is_choice:
        # Typer's own label holds the choices as the user types them: "<md|html>",
        # "<list[a|b]>".
        label = param.display_type(ctx).strip("<>")
        return label.removeprefix("list[").removesuffix("]")
    if desc.is_path:
        return desc.path_type.upper()
    if desc.is_datetime:
        return "DATE"
    annotation: Any = desc.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    return _WORDS.get(annotation, getattr(annotation, "__name__", str(annotation)).upper())


class HumanOption(TyperOption):
    """An option whose help shows its value in words; a flag shows none."""

    def display_type_rich(self, ctx: Context) -> str | None:
        if self.metavar is not None:
            return self.metavar
        if self.is_flag or self.count:
            return None
        word = _value_word(self, ctx)
        return f"{word} (repeatable)" if self.multiple else word


class HumanArgument(TyperArgument):
    """An argument named in capitals (``PATHS...``, ``[NAME]``) with its value in words."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def display_type_rich(self, ctx: Context) -> str | None:
        return _value_word(self, ctx)

    def _usage_display_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 else "")


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
        # Same fields, other methods: the parameter objects Typer built stay in place,
        # so parsing and callbacks are untouched.
        if type(param) is TyperOption:
            param.__class__ = HumanOption
        elif type(param) is TyperArgument:
            param.__class__ = HumanArgument
    for sub in getattr(command, "commands", {}).values():
        humanize(sub)


class NewcomerGroup(TyperGroup):
    """The root ``newsloom`` group: newcomer order, parameter types in words."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        humanize(self)

    def list_commands(self, ctx: Context) -> list[str]:
        return newcomer_order(super().list_commands(ctx))
