"""Reader for WARC archives (``.warc``, ``.warc.gz``): every HTML response record is a page.

Streamed record by record (memory is bounded by one record's payload). A record cut short —
its payload shorter than its Content-Length, its header unreadable, or its gzip member
unfinished — is skipped as a "truncated record", never stored as a partial page.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from newsloom.ingest.decode import BadInput, ReadOptions, decode, source_name
from newsloom.model import RawDocument, Skip


def _check_magic(path: Path) -> None:
    """warcio skips garbage with warnings only; refuse a file that is not a WARC at all."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error as exc:
            raise BadInput(f"corrupt WARC: {exc}") from exc
    if not head.startswith(b"WARC/"):
        raise BadInput("corrupt WARC: file does not start with a WARC record")


class _TrackedIterator(ArchiveIterator):  # type: ignore[misc]  # warcio is untyped
    """Remembers whether the last gzip member ended properly: warcio drops a record whose
    member is cut inside its header without a word, and forgets the state when it closes."""

    gzip_incomplete = False

    def close(self) -> None:
        decompressor = self.reader.decompressor if self.reader else None
        if decompressor is not None and not getattr(decompressor, "eof", True):
            self.gzip_incomplete = True
        super().close()


def _charset(content_type: str) -> str | None:
    if "charset=" not in content_type.lower():
        return None
    return content_type.lower().split("charset=")[-1].split(";")[0].strip() or None


def _record_to_document(record: Any, source: str, fallback_id: str,
                        options: ReadOptions) -> RawDocument | Skip | None:
    """One response record; ``None`` for records that are not pages (images, scripts...)."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    content_type = record.http_headers.get_header("Content-Type") or ""
    if "html" not in content_type.lower():
        return None  # images, scripts, JSON: not pages, not worth a skip line
    status = record.http_headers.get_statuscode()
    if status and not status.startswith("2"):
        return Skip(source, f"HTTP status {status} for {url}")
    payload = record.content_stream().read(options.max_bytes + 1)
    if len(payload) > options.max_bytes:
        return Skip(source, f"oversized response for {url}")
    record.raw_stream.read(1 << 16)  # a chunked or encoded body may leave its trailer unread
    if record.raw_stream.limit > 0:  # the file ended before the record's Content-Length
        return Skip(source, f"truncated record ({url})")
    try:
        html, encoding = decode(payload, _charset(content_type))
    except BadInput as exc:
        return Skip(source, f"{exc} ({url})")
    return RawDocument.create(
        content=html, source_id=url or fallback_id, source=source, content_type="html",
        url=url, metadata={"encoding": encoding,
                           "fetched": record.rec_headers.get_header("WARC-Date")},
    )


@dataclass(slots=True)
class WarcTally:
    """What a run of records found: HTML pages, and whether it stopped at a bad record (a
    cut or garbled header, an unfinished gzip member), after which nothing is read."""

    pages: int = 0
    cut: bool = False


def read_warc_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    _check_magic(path)
    tally = WarcTally()
    yield from read_warc_range(path, options, 0, 0, None, tally)
    if tally.pages == 0 and not tally.cut:
        yield Skip(source_name(path), "WARC holds no HTML response records")


def read_warc_range(path: Path, options: ReadOptions, start: int, first: int,
                    last: int | None, tally: WarcTally) -> Iterator[RawDocument | Skip]:
    """Records ``first`` to ``last`` (exclusive; None: to the end of the file), the first
    of them at byte ``start`` (a record's start: the planner's scan found it; in a
    ``.warc.gz`` each record is its own gzip member, so reading can begin there). Sources
    are ``name#<record index>`` as in a read of the whole file; ``tally`` counts the pages
    (the whole-file "no HTML response records" skip is the caller's)."""
    name, size = source_name(path), path.stat().st_size
    with path.open("rb") as stream:
        stream.seek(start)
        records = _TrackedIterator(stream)
        index = first
        while last is None or index < last:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio fails in many ways on a cut or garbled header
                at_end = stream.tell() >= size
                reason = "truncated record" if at_end else "corrupt record"
                tally.cut = True
                yield Skip(f"{name}#{index}", f"{reason}: {type(exc).__name__}: {exc}")
                return  # the stream position is unknown: nothing after it can be trusted
            source = f"{name}#{index}"
            index += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            try:
                result = _record_to_document(record, source, f"{path.stem}-{index - 1}",
                                             options)
            except Exception as exc:  # one bad record is that record's skip
                result = Skip(source, f"unreadable record: {type(exc).__name__}: {exc}")
            if result is not None:
                tally.pages += isinstance(result, RawDocument)
                yield result
        if records.gzip_incomplete:
            tally.cut = True
            yield Skip(f"{name}#{index}", "truncated record (gzip member cut short)")
