"""Reader for JSON Lines: one article per line (``id``, ``url``, ``title``, ``text``|``html``,
``published``, ``lang``); unknown fields are kept as metadata. The publication date is also
read under the names other tools and data sets give it (:data:`DATE_FIELDS`: news-please's
``date_publish``, SemEval's ``publish_date``, Timeline17's ``time``, RSS's ``pubDate``,
schema.org's ``datePublished``, NewsAPI's ``publishedAt``...), as ISO text or as Unix epoch
seconds (or milliseconds). Any other field whose name looks like a date (``dateModified``,
``crawled``) is kept as metadata and named in one warning per file, so a date is never lost
unnoticed.

A record's ``text`` is declared clean (``RawDocument.clean_text``): extraction trusts it. A
record with a ``title`` but an empty body is a headline-only article whose text is its title.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsloom.ingest.decode import (
    BadInput,
    InputStream,
    ReadOptions,
    looks_binary,
    open_input,
    source_name,
)
from newsloom.model import RawDocument, Skip

log = logging.getLogger("newsloom")

#: Field names of the publication date, in order of preference.
DATE_FIELDS = ("published", "datePublished", "date_published", "publish_date", "date_publish",
               "published_at", "publishedAt", "publication_date", "pubDate", "date", "time")
_KNOWN = {"id", "url", "title", "text", "html", "lang", "language", "authors", "author",
          *DATE_FIELDS}
# A field name that suggests a date or time: "dateModified", "crawled_at", "timestamp".
_DATE_LIKE = re.compile(r"(?i:date|time|publi|updated|modified|created|crawl)|_at$|[a-z]At$")
_EPOCH_MS = 10**11  # epoch values above this are milliseconds (year 5138 in seconds)


def _published(record: dict[str, Any]) -> str | None:
    for name in DATE_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            seconds = value / 1000 if value > _EPOCH_MS else value
            try:
                return datetime.fromtimestamp(seconds, UTC).isoformat()
            except (OverflowError, OSError, ValueError):
                continue
    return None


class DateFieldNotice:
    """Warns once per file about each field that looks like a date but is not read as one."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.warned: set[str] = set()

    def check(self, item: RawDocument | Skip | None) -> None:
        if not isinstance(item, RawDocument):
            return
        fields = sorted(k for k in item.metadata
                        if k not in self.warned and _DATE_LIKE.search(k))
        if fields:
            self.warned.update(fields)
            log.warning("%s: %s %s like a date but %s not read as the publication date (read: "
                        "%s); kept as metadata", self.name, ", ".join(map(repr, fields)),
                        "looks" if len(fields) == 1 else "look",
                        "is" if len(fields) == 1 else "are", ", ".join(DATE_FIELDS))


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    value = record.get("authors", record.get("author"))
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(a) for a in value if str(a).strip())
    return ()


def _nonblank(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def record_to_document(record: Any, source: str, fallback_id: str,
                       options: ReadOptions) -> RawDocument | Skip:
    """Validate one JSONL record; a bad record becomes a Skip, never an exception."""
    if not isinstance(record, dict):
        return Skip(source, f"not a JSON object but {type(record).__name__}")
    html, text = _nonblank(record.get("html")), _nonblank(record.get("text"))
    title = _nonblank(record.get("title"))
    body = html or text or title
    if body is None:
        return Skip(source, "record has no 'text', 'html' or 'title'")
    if len(body.encode("utf-8", errors="replace")) > options.max_bytes:
        return Skip(source, f"oversized record: {len(body) / 1024 / 1024:.1f} MB of text")
    published = _published(record)
    lang = record.get("lang", record.get("language"))
    return RawDocument.create(
        content=body,
        source_id=str(record.get("id") or fallback_id),
        source=source,
        content_type="html" if body is html else "text",
        clean_text=body is not html,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        title=title,
        published=published,
        language=lang if isinstance(lang, str) and lang.strip() else None,
        authors=_authors(record),
        metadata={k: v for k, v in record.items() if k not in _KNOWN},
    )


#: A compressed JSONL may expand at most this many times its size (or 64 documents' worth,
#: whichever is more): news text compresses 3-10x, a decompression bomb 1000x.
MAX_EXPANSION = 100


def _lines(stream: InputStream, max_bytes: int,
           drain_limit: int) -> Iterator[tuple[bytes | None, int]]:
    """The stream's lines, one at a time, each with the bytes it took; ``None`` for a line
    over ``max_bytes``, which is read past in bounded chunks (at most ``drain_limit`` bytes),
    never held whole."""
    while True:
        line = stream.readline(max_bytes + 2)
        if not line:
            return
        if len(line) <= max_bytes + 1 or line.endswith(b"\n"):
            yield line, len(line)
            continue
        consumed = len(line)
        while line and not line.endswith(b"\n") and consumed <= drain_limit:
            line = stream.readline(1 << 20)
            consumed += len(line)
        yield None, consumed


def read_jsonl_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    """Streamed line by line: memory is bounded by the largest line, not by the file."""
    name = source_name(path)
    compressed = path.suffix.lower() == ".gz"
    expanded_limit = max(64 * options.max_bytes, MAX_EXPANSION * path.stat().st_size)
    with open_input(path) as stream:
        head = stream.peek(8192)[:8192]
        if looks_binary(head):
            raise BadInput("binary content (NUL bytes)")  # one skip, not one per "line"
        expanded = records = 0
        notice = DateFieldNotice(name)
        lines = _lines(stream, options.max_bytes, expanded_limit if compressed else 1 << 62)
        for line_no, (line, consumed) in enumerate(lines, start=1):
            expanded += consumed
            if compressed and expanded > expanded_limit:
                raise BadInput(f"oversized: decompresses to more than {expanded_limit} bytes "
                               f"(stopped at line {line_no})")
            item = _line_item(line, path, name, line_no, options)
            notice.check(item)
            if item is not None:
                records += 1
                yield item
    if records == 0:  # counted as one skip: a file is never met without a trace
        yield Skip(name, "no records (empty file)")


def read_jsonl_range(path: Path, options: ReadOptions, start: int, end: int | None,
                     first_line: int) -> Iterator[RawDocument | Skip]:
    """The records of an uncompressed JSONL file whose lines *start* in the byte range
    ``[start, end)`` (``end`` None: to the end), the Hadoop line-split rule: a range that
    does not begin at 0 first reads past the end of the line that holds byte ``start - 1``
    (a line cut by the range start belongs to the range before), then reads every line that
    starts before ``end``, even one that runs past it. The ranges of a file, end to end,
    therefore read each line exactly once. ``first_line`` is the number of the first line
    starting at or after ``start`` (the planner counts the newlines before it), so sources
    (``name#L<n>``), fallback ids and skip messages are those of :func:`read_jsonl_file`.
    Whole-file checks (binary content, no records at all) are the planner's: it never cuts
    such a file."""
    name = source_name(path)
    notice = DateFieldNotice(name)
    with path.open("rb") as stream:
        offset = start
        if start > 0:
            stream.seek(start - 1)
            offset = start - 1 + _read_past_line(stream)
        for line_no, (line, consumed) in enumerate(
                _lines(stream, options.max_bytes, 1 << 62), start=first_line):
            if end is not None and offset >= end:
                return
            offset += consumed
            item = _line_item(line, path, name, line_no, options)
            notice.check(item)
            if item is not None:
                yield item


def _read_past_line(stream: InputStream) -> int:
    """Read to just after the next newline (or the end), in bounded chunks; bytes read."""
    read = 0
    while True:
        chunk = stream.readline(1 << 20)
        read += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return read


def _line_item(line: bytes | None, path: Path, name: str, line_no: int,
               options: ReadOptions) -> RawDocument | Skip | None:
    """Line ``line_no`` as a document or a skip; None for a blank line (not a record)."""
    source = f"{name}#L{line_no}"
    if line is None:
        return Skip(source, f"oversized line: more than {options.max_bytes} bytes")
    if not line.strip():
        return None
    return _line_to_document(line, source, f"{_stem(path)}-{line_no}", options)


def _line_to_document(line: bytes, source: str, fallback_id: str,
                      options: ReadOptions) -> RawDocument | Skip:
    """One line in isolation: whatever goes wrong with it is this line's Skip."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Skip(source, f"malformed JSON line: {exc}")
    except RecursionError:
        return Skip(source, "malformed JSON line: nested too deeply")
    try:
        return record_to_document(record, source, fallback_id, options)
    except Exception as exc:  # any surprise in one record must not end the file
        return Skip(source, f"bad record: {type(exc).__name__}: {exc}")


def _stem(path: Path) -> str:
    return source_name(path.stem)  # "x.jsonl" → "x", "x.jsonl.gz" → "x.jsonl", as before
