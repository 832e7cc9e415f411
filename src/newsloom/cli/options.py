"""Options more than one command module declares: where the store is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="NEWSLOOM_DB",
                 help="SQLite store file: analyze and ingest create it, other commands need it.",
                 show_default=True),
]
DEFAULT_DB = Path("newsloom.db")
