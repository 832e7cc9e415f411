"""Options more than one command module declares: where the store is."""

from __future__ import annotations

from pathlib import Path, PosixPath, WindowsPath
from typing import Annotated, Any

import typer

_SERVER_SCHEMES = ("postgres://", "postgresql://")
_NativePath: Any = WindowsPath if Path().__class__ is WindowsPath else PosixPath


class StoreLocation(_NativePath):  # type: ignore[misc]
    """A ``--db`` value: a SQLite file path, or a server URL kept verbatim. A plain Path
    would fold ``postgresql://host/db`` to ``postgresql:/host/db``; this one is still a Path
    for the commands (a file store's report folder, uploads beside it), and its text is the
    URL as given, which is what :func:`newsloom.store.open_store` reads."""

    _url: str | None = None

    def __new__(cls, value: str | Path) -> StoreLocation:
        location: StoreLocation = super().__new__(cls, value)
        if isinstance(value, str) and value.startswith(_SERVER_SCHEMES):
            location._url = value
        return location

    @property
    def is_server(self) -> bool:
        return self._url is not None

    def is_file(self) -> bool:
        return False if self._url is not None else bool(super().is_file())

    def __str__(self) -> str:
        return self._url if self._url is not None else str(super().__str__())

    def __fspath__(self) -> str:
        return str(self)


DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="NEWSLOOM_DB", parser=StoreLocation,
                 help="The store: a SQLite file (analyze and ingest create it, other commands "
                 "need it) or a postgresql:// URL (server mode, see `newsloom db start`).",
                 show_default=True),
]
DEFAULT_DB: Path = StoreLocation("newsloom.db")
