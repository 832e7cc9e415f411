"""Files newsloom derives from what its packages ship, in a form that loads faster:
simplemma's lexicons as sorted files (text/lexicon_index.py), USE-m3's weights uncompressed
(represent/use_weights.py), query vectors (represent/vector_cache.py) and query lemmas
(text/lemma_memo.py). Each is deterministic: the same package files give the same file, so
any of them can be deleted at any time and is rebuilt on next use. A file's name (or its
folder's) holds the size and modification time of the file it came from
(:func:`source_stamp`) or a digest of all the package's files (:func:`package_fingerprint`):
an upgrade or a reinstall of the package makes a new one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
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


@lru_cache(maxsize=8)
def package_fingerprint(packages: tuple[str, ...]) -> str:
    """A digest of every installed file of ``packages`` (path, size, modification time),
    found without importing them; a package that is not installed counts as absent."""
    digest = hashlib.sha256()
    for package in packages:
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        digest.update(f"{package}:{len(folders)}\n".encode())
        for folder in map(Path, folders):
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    stat = path.stat()
                    digest.update(f"{path.relative_to(folder)}:{stat.st_size}:"
                                  f"{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]
