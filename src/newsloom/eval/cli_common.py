"""What every ``newsloom eval`` command shares: consoles, option choices, JSON output.

Progress bars go to stderr so that ``--format json`` leaves exactly one JSON object on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

err_console = Console(stderr=True)
# Piped output (a log file, docs) would otherwise be cut to 80 columns and wrap every cell.
out_console = Console(width=None if sys.stdout.isatty() else 160)


class PathChoice(StrEnum):
    html = "html"
    text = "text"
    both = "both"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


#: ``--format`` of the eval commands that print rich tables or one JSON object.
TableOrJsonOption = Annotated[OutputFormat, typer.Option(
    "--format", help="A rich table, or one JSON object on stdout.")]


class Focus(StrEnum):
    balanced = "balanced"
    precision = "precision"
    recall = "recall"


def default_seeds() -> Path:
    # src/newsloom/eval/cli_common.py → repository root; only meaningful for an editable install
    return Path(__file__).resolve().parents[3] / "examples" / "seeds"


def show(output_format: OutputFormat, data: dict[str, Any], table: Callable[[], None]) -> None:
    """One JSON object on stdout, or the rich tables ``table`` prints."""
    if output_format is OutputFormat.json:
        emit_json(data)
    else:
        table()


def emit_json(data: dict[str, Any]) -> None:
    # plain write: rich would wrap long lines and break the JSON
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
