"""Reader for JSON Lines: one article per line (``id``, ``url``, ``title``, ``text``|``html``,
``published``, ``lang``); unknown fields are kept as metadata. The publication date is also
read under the names other tools and data sets give it (:data:`DATE_FIELDS`: news-please's
``date_publish``, SemEval's ``publish_date``, Timeline17's ``time``, RSS's ``pubDate``...).

A record's ``text`` is declared clean (``RawDocument.clean_text``): extraction trusts it. A
record with a ``title`` but an empty body is a headline-only article whose text is its title.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsloom.ingest.decode import ReadOptions, gunzip
from newsloom.model import RawDocument, Skip

#: Field names of the publication date, in order of preference.
DATE_FIELDS = ("published", "publish_date", "date_publish", "published_at", "pubDate", "date",
               "time")
_KNOWN = {"id", "url", "title", "text", "html", "lang", "language", "authors", "author",
          *DATE_FIELDS}


def _published(record: dict[str, Any]) -> str | None:
    for name in DATE_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


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


def read_jsonl_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gunzip(raw, 64 * options.max_bytes)
    for line_no, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}#L{line_no}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Skip(source, f"malformed JSON line: {exc}")
            continue
        yield record_to_document(record, source, f"{path.stem}-{line_no}", options)
