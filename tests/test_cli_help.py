"""``newsloom --help`` as a newcomer reads it: types in words, commands in the order they are
used, every eval benchmark listed, ``--version``. Each test runs the real CLI app."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from newsloom import __version__
from newsloom.cli.app import app
from newsloom.cli.help import COMMAND_ORDER, newcomer_order, reflow

runner = CliRunner()


def _group(command: object) -> TyperGroup:
    assert isinstance(command, TyperGroup)
    return command


ROOT = _group(typer.main.get_command(app))


def _command_paths(group: TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under ``group``, as argument lists."""
    paths = []
    for name, command in group.commands.items():
        paths.append((*prefix, name))
        if isinstance(command, TyperGroup):
            paths += _command_paths(command, (*prefix, name))
    return paths


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


def _listed_commands(help_text: str) -> list[str]:
    """Command names in the order the help's command panels list them."""
    return re.findall(r"^│ ([a-z][a-z-]*)\s{2,}", help_text, flags=re.MULTILINE)


# Typer's raw renderings: <bool>, <str>, <path>, <int range>, <list[Path]>, {paths}...
RAW_TYPE = re.compile(r"<(?:bool|str|int|float|path|file|dir|list\[)[^>]*>|\{[a-z_]+\}")


@pytest.mark.parametrize("args", [(), *_command_paths(ROOT)], ids=" ".join)
def test_help_shows_types_in_words(args: tuple[str, ...]) -> None:
    text = _help(*args)
    assert not RAW_TYPE.findall(text), RAW_TYPE.findall(text)


def test_flags_show_no_type_and_values_show_words() -> None:
    text = _help("analyze")
    assert re.search(r"Usage: \S+ analyze \[OPTIONS\] PATHS\.\.\. *\n", text)
    rows = {row.split()[1]: row for row in text.splitlines() if row.startswith("│ --")}
    assert re.search(r"--print\s+--no-print\s+Print the report", rows["--print"])
    assert re.search(r"--help\s+Show this message", rows["--help"])
    assert re.search(r"--db\s+PATH\s", rows["--db"])
    assert re.search(r"--workers\s+-w\s+INTEGER \[x>=0\]", rows["--workers"])
    assert re.search(r"--set\s+TEXT \(repeatable\)", _help())
    assert re.search(r"--format\s+table\|json\s", _help("eval", "pairs"))
    assert re.search(r"Usage: \S+ entities \[OPTIONS\] \[NAME\] *\n", _help("entities"))
    assert re.search(r"Usage: \S+ search \[OPTIONS\] QUERY *\n", _help("search"))


def test_commands_are_listed_in_the_order_a_newcomer_uses_them() -> None:
    listed = _listed_commands(_help())
    assert set(listed) == set(ROOT.commands)
    assert listed[:3] == ["analyze", "ingest", "stories"]
    assert listed[-1] == "eval"
    known = [name for name in listed if name in COMMAND_ORDER]
    assert known == [name for name in COMMAND_ORDER if name in ROOT.commands]
    for before, after in [("stories", "search"), ("show", "timeline"), ("report", "serve"),
                          ("serve", "config"), ("config", "version")]:
        assert listed.index(before) < listed.index(after)


def test_a_command_missing_from_the_order_goes_before_the_developer_tools() -> None:
    assert newcomer_order(["eval", "zebra", "version", "analyze"]) == [
        "analyze", "version", "zebra", "eval"]


def test_eval_help_lists_every_eval_command_grouped_by_stage() -> None:
    eval_group = _group(ROOT.commands["eval"])
    text = _help("eval")
    listed = _listed_commands(text)
    assert sorted(listed) == sorted(eval_group.commands) and len(listed) >= 8
    panels = re.findall(r"^╭─ ([^─]+?) ─", text, flags=re.MULTILINE)
    assert panels[:2] == ["Options", "Extraction"] and panels[-1] == "Speed and scale"
    assert listed.index("ner") < listed.index("pairs") < listed.index("timelines")


def test_help_paragraphs_are_reflowed_not_broken_at_source_line_ends() -> None:
    assert reflow("One line.\n\n    Two\n    lines.\n\n\b\nkept\nas is") == (
        "One line.\n\nTwo lines.\n\n\b\nkept\nas is")
    # a docstring paragraph written over two source lines is one line on a wide terminal
    result = runner.invoke(app, ["eval", "events", "--help"], env={"COLUMNS": "200"})
    assert any("largest story's purity" in line and "single-pass baseline." in line
               for line in result.output.splitlines()), result.output


@pytest.mark.parametrize("args", [("--version",), ("version",)])
def test_version(args: tuple[str, ...]) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__
