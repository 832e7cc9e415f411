"""Atomic replacement of derived files (vector index, reports): a reader or a crash sees
the old file or the new one, never a half-written one.

The new content goes to a temporary file in the same directory (so the rename stays on one
file system), is flushed to disk, then renamed over the old name; the directory is synced
so the rename itself survives a power loss.
"""

from __future__ import annotations

import glob
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: Age after which a temporary file is a dead writer's leftover.
STALE_SECONDS = 3600


def replace_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temp)`` to produce the new file, then move it over ``path``."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    _remove_leftovers(path)
    try:
        write(temp)
        _fsync(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync(path.parent, directory=True)


def write_text_atomic(path: Path, text: str) -> None:
    replace_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))


def _remove_leftovers(path: Path) -> None:
    """Temporary files of writers that died mid-write (an index may be 100 MB): any over an
    hour old, which no live writer still holds."""
    now = time.time()
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > STALE_SECONDS:
                stale.unlink()
        except OSError:
            pass


def _fsync(path: Path, directory: bool = False) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    except OSError:  # a directory cannot be opened on some platforms: nothing to sync
        if directory:
            return
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
