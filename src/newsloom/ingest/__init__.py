"""Ingest: find input files and turn them into :class:`RawDocument` records, one reader per format.

Bad input never raises out of :func:`read_path`: it becomes a :class:`Skip` with a reason.
Every source is valid UTF-8 (see :func:`source_name`), so the store can always record it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newsloom.ingest.decode import BadInput, ReadOptions, as_skip, source_name
from newsloom.ingest.feed import read_feed_file
from newsloom.ingest.files import read_html_file, read_text_file
from newsloom.ingest.jsonl import read_jsonl_file
from newsloom.ingest.warc import read_warc_file
from newsloom.model import RawDocument, Skip

Reader = Callable[[Path, ReadOptions], Iterator[RawDocument | Skip]]

__all__ = ["ReadOptions", "Reader", "discover", "read_path", "reader_for"]

_BY_SUFFIX: dict[str, Reader] = {
    ".txt": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
    ".warc": read_warc_file,
    ".rss": read_feed_file,
    ".atom": read_feed_file,
}


def reader_for(path: Path) -> Reader | None:
    """Pick the reader from the file name; ``.xml`` is a feed only if it looks like one."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        inner = suffixes[0] if len(suffixes) == 2 else ""
        return _BY_SUFFIX.get(inner)
    suffix = suffixes[-1] if suffixes else ""
    if suffix == ".xml":
        try:
            with path.open("rb") as stream:
                head = stream.read(2048).lower()
        except OSError:
            return None
        return read_feed_file if (b"<rss" in head or b"<feed" in head or b"<rdf" in head) else None
    return _BY_SUFFIX.get(suffix)


def discover(paths: Iterable[Path]) -> Iterator[Path | Skip]:
    """Files under the given paths (recursively, sorted for a stable order)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                if reader_for(child) is None:
                    suffix = source_name(child.suffix) or "(none)"
                    yield Skip(source_name(child), f"unsupported file type {suffix}")
                else:
                    yield child
        elif path.is_file():
            yield path if reader_for(path) else Skip(source_name(path), "unsupported file type")
        else:
            yield Skip(source_name(path), "no such file or directory")


def read_path(path: Path, options: ReadOptions | None = None) -> Iterator[RawDocument | Skip]:
    """All documents in one file; any failure of the file as a whole becomes one Skip."""
    options = options or ReadOptions()
    name = source_name(path)
    reader = reader_for(path)
    if reader is None:
        yield Skip(name, "unsupported file type")
        return
    try:
        yield from reader(path, options)
    except BadInput as exc:
        yield as_skip(name, exc)
    except EOFError:  # gzip.open's way of saying the stream was cut short
        yield Skip(name, "truncated gzip stream")
    except RecursionError:
        yield Skip(name, "nested too deeply to parse")
    except Exception as exc:  # permission denied, parser refusal, a reader bug: the run goes on
        yield Skip(name, f"{type(exc).__name__}: {exc}")
