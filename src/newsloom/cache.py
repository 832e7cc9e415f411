"""Files newsloom derives from the data its packages ship (simplemma's lexicons, USE-m3's
weights) in a form that loads faster. Each is deterministic: the same package data gives the
same file, so any of them can be deleted at any time and is rebuilt on next use. A file's
name holds the version of the package it came from and the size and modification time of
the source file (:func:`source_stamp`): an upgrade or a reinstall makes a new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_dir() -> Path:
    """Where derived files are kept: ``NEWSLOOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsloom``,
    else ``~/.cache/newsloom``."""
    configured = os.environ.get("NEWSLOOM_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsloom"


def source_stamp(source: Path) -> str:
    """``SIZE-MTIME`` of the file a derived file is made from, for the derived file's name."""
    stat = source.stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Create ``path`` with what ``write`` writes to a temporary file beside it, then rename:
    processes building the same file at once, and readers, never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
