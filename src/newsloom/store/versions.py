"""Which stored document is "the same page" as an incoming one: the canonical version key.

A page is identified by its URL when it has one, else by where it was read: the resolved
absolute path, keeping a ``#L12``/``#3`` fragment that names a JSONL line or a WARC/feed
record. So ``newsloom ingest /data/news`` and ``cd /data && newsloom ingest news`` see the
same pages. Keys the readers give that are not paths on this machine (a server may pass an
upload's name) are kept as given.
"""

from __future__ import annotations

import os
from pathlib import Path


def canonical_key(key: str, url: str | None = None) -> str:
    """The version key a store records for a document read from ``key`` (its source)."""
    if url:
        return url
    if "://" in key:
        return key
    found = _resolved(key)
    if found is not None:
        return found
    head, sep, fragment = key.rpartition("#")  # "#" may also occur inside a file name
    if sep and head:
        found = _resolved(head)
        if found is not None:
            return f"{found}#{fragment}"
    return key


def lookup_keys(key: str, url: str | None = None) -> tuple[str, ...]:
    """Keys under which earlier versions may be stored: the canonical one and, for stores
    written before keys were canonical, the key as the reader gave it."""
    canonical = canonical_key(key, url)
    raw = url or key
    return (canonical,) if raw == canonical else (canonical, raw)


def _resolved(path: str) -> str | None:
    try:
        return str(Path(path).resolve(strict=True)) if os.path.lexists(path) else None
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an unencodable name
        return None
