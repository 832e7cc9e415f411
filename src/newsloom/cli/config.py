"""``newsloom config``: every setting, its value and where the value came from.

Start-up imports only Typer and Rich (tests/test_cli_startup.py); the settings module loads
when a command runs.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from newsloom.settings import LoadedSettings, Settings

err = Console(stderr=True)
out = Console()

#: Settings whose 0 means "one per usable CPU": the table shows what that is here.
AUTO = frozenset({"workers", "encoder_threads"})

ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Settings file (TOML; default: ./newsloom.toml if there is one, or "
    "$NEWSLOOM_CONFIG). See `newsloom config`.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a setting: KEY=VALUE (repeatable; beats the file and the "
    "environment).")]


def load_or_exit(config: Path | None, assignments: list[str] | None) -> Settings:
    """Load this process's settings from the command line's ``--config`` and ``--set``;
    a bad one ends the command with its message (key and source), not a traceback."""
    from newsloom.settings import SettingsError, configure, parse_assignments

    try:
        return configure(config, parse_assignments(assignments or [])).settings
    except SettingsError as exc:
        err.print(f"[red]bad setting[/]: {exc}", highlight=False)
        raise typer.Exit(2) from None


def config_records(current: LoadedSettings) -> list[dict[str, object]]:
    """One record per setting: key, value, source, environment variable, meaning."""
    from newsloom.settings import KEYS, env_name, meaning

    values = asdict(current.settings)
    return [{"key": key, "value": values[key], "source": current.sources[key],
             "env": env_name(key), "meaning": meaning(key)} for key in KEYS]


def config(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
    = False,
) -> None:
    """Show every setting, its value and where it came from (default, file, env, option)."""
    from newsloom.settings import auto_parallelism, loaded, usable_cpus

    current = loaded()
    records = config_records(current)
    if as_json:
        print(json.dumps({"config_file": str(current.config_file) if current.config_file
                          else None, "usable_cpus": usable_cpus(),
                          "auto_parallelism": auto_parallelism(), "settings": records},
                         ensure_ascii=False, indent=2))
        return
    table = Table(caption=f"config file: {current.config_file or 'none'}; "
                  "NEWSLOOM_<SETTING> variables and --set SETTING=VALUE override it")
    table.add_column("setting", no_wrap=True)
    table.add_column("value", no_wrap=True)
    table.add_column("source", overflow="fold")
    table.add_column("meaning", ratio=1)
    for record in records:
        value = str(record["value"])
        if record["key"] in AUTO and record["value"] == 0:
            value += f" (= {auto_parallelism()})"
        table.add_row(str(record["key"]), value, str(record["source"]), str(record["meaning"]))
    out.print(table)
