"""Input splits: a large uncompressed JSONL file or WARC (``.warc``, ``.warc.gz``) cut into
ranges that separate tasks read, each range exactly once, with the sources, ids and skips of
a read of the whole file.

* **JSONL**: byte ranges, read by the Hadoop line-split rule
  (:func:`newsloom.ingest.jsonl.read_jsonl_range`). Planning is one pass counting newlines
  (the first line number of each range: sources are ``name#L<n>``), at the speed the disk
  reads.
* **WARC**: record ranges. Planning is one pass of warcio over the file (records' offsets;
  it inflates a ``.warc.gz`` whole, so it costs what a bare read of the archive does); it
  stops at the first record warcio cannot parse, and the last range then runs to the end,
  so it meets that record as a read of the whole file does.

Everything else (HTML, text, feeds, gzipped JSONL, files no larger than a split, a JSONL
file that is binary or blank) is one split, read by :func:`newsloom.ingest.read_path`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsloom.ingest import read_path, reader_for
from newsloom.ingest.decode import ReadOptions, looks_binary, source_name
from newsloom.ingest.jsonl import read_jsonl_file, read_jsonl_range
from newsloom.ingest.warc import WarcTally, read_warc_file, read_warc_range
from newsloom.model import RawDocument, Skip

#: Bytes the planner reads at a time.
CHUNK = 1 << 22


@dataclass(frozen=True, slots=True)
class Split:
    """A range of one input file. ``kind`` "file": the whole file. "jsonl": the lines that
    start in bytes ``[start, end)`` (``end`` None: to the end), the first of them line
    number ``first``. "warc": records ``first`` to ``last`` (exclusive; None: to the end),
    the first at byte ``start``. The splits of a file, in order, read its inputs in order."""

    path: str
    kind: str = "file"
    start: int = 0
    end: int | None = None
    first: int = 0
    last: int | None = None


def plan_splits(files: Sequence[Path], split_bytes: int) -> list[Split]:
    """Splits of ``files`` in order: a file no larger than ``split_bytes`` (or any file,
    with ``split_bytes`` 0) is one split; a larger JSONL or WARC file about
    ``size / split_bytes`` of them."""
    splits: list[Split] = []
    for path in files:
        size = path.stat().st_size if path.is_file() else 0
        cut: list[Split] = []
        if 0 < split_bytes < size:
            reader = reader_for(path)
            if reader is read_jsonl_file and path.suffix.lower() == ".jsonl":
                cut = jsonl_splits(path, split_bytes)
            elif reader is read_warc_file:
                cut = warc_splits(path, split_bytes)
        splits.extend(cut if len(cut) > 1 else [Split(str(path))])
    return splits


def jsonl_splits(path: Path, split_bytes: int) -> list[Split]:
    """Byte ranges of about ``split_bytes`` (see :func:`jsonl_ranges`)."""
    return jsonl_ranges(path, range(0, path.stat().st_size, split_bytes))


def jsonl_ranges(path: Path, starts: Sequence[int]) -> list[Split]:
    """The ranges from each of ``starts`` (ascending, the first 0) to the next, the last to
    the end; ``first`` of each is the number of the first line that starts in it (2 + the
    newlines before byte ``start - 1``). One pass over the file. A binary or blank file is
    not cut (its one whole-file skip is the reader's)."""
    numbers: list[int] = [1]
    newlines, offset, nonblank = 0, 0, False
    with path.open("rb") as stream:
        if looks_binary(stream.read(8192)):
            return []
        stream.seek(0)
        for start in starts[1:]:
            while offset < start - 1:  # count the newlines in [0, start - 1)
                chunk = stream.read(min(CHUNK, start - 1 - offset))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                nonblank = nonblank or bool(chunk.strip())
                offset += len(chunk)
            numbers.append(2 + newlines)
        while not nonblank and (chunk := stream.read(CHUNK)):
            nonblank = bool(chunk.strip())
    if not nonblank:
        return []
    ends: list[int | None] = [*starts[1:], None]
    return [Split(str(path), "jsonl", start, end, number)
            for start, end, number in zip(starts, ends, numbers, strict=True)]


def record_offsets(path: Path) -> list[int]:
    """Byte offset of each record warcio parses, in order, up to the first it cannot."""
    offsets: list[int] = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for _ in records:
                offsets.append(records.get_record_offset())  # reads the record to its end
        except Exception:  # a cut or garbled record: the last range will meet it
            pass
        finally:
            records.close()
    return offsets


def warc_splits(path: Path, split_bytes: int) -> list[Split]:
    """Record ranges starting at the first record at or after each multiple of
    ``split_bytes``; the last range runs to the end of the file."""
    try:
        offsets = record_offsets(path)
    except Exception:  # not a WARC at all: the reader says why, for the whole file
        return []
    firsts, target = [0], split_bytes
    for index, offset in enumerate(offsets):
        if index > 0 and offset >= target:
            firsts.append(index)
            target = (offset // split_bytes + 1) * split_bytes
    lasts: list[int | None] = [*firsts[1:], None]
    return [Split(str(path), "warc", offsets[first] if offsets else 0, None, first, last)
            for first, last in zip(firsts, lasts, strict=True)]


def read_split(split: Split, options: ReadOptions, tally: WarcTally | None = None
               ) -> Iterator[RawDocument | Skip]:
    """The inputs of one split (any failure of the file as a whole is one Skip, as in
    :func:`newsloom.ingest.read_path`); a WARC range counts its pages in ``tally``."""
    path = Path(split.path)
    if split.kind == "file":
        yield from read_path(path, options)
        return
    try:
        if split.kind == "jsonl":
            yield from read_jsonl_range(path, options, split.start, split.end, split.first)
        else:
            yield from read_warc_range(path, options, split.start, split.first, split.last,
                                       tally if tally is not None else WarcTally())
    except Exception as exc:  # the file vanished or became unreadable since planning
        yield Skip(source_name(path), f"{type(exc).__name__}: {exc}")
