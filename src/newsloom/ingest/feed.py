"""Reader for RSS/Atom feed files: each entry with a body becomes a document."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from newsloom.ingest.decode import BadInput, ReadOptions, check_size, source_name
from newsloom.model import RawDocument, Skip


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def entry_published(entry: Any) -> str | None:
    """An entry's publication (else update) time as ISO UTC (monitor/feeds.py reads it too)."""
    return _iso(entry.get("published_parsed") or entry.get("updated_parsed"))


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


def read_feed_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    check_size(path.stat().st_size, options)
    feed = feedparser.parse(path.read_bytes())
    if feed.bozo and not feed.entries:
        raise BadInput(f"unparseable feed: {feed.get('bozo_exception')}")
    if not feed.entries:  # counted as one skip: a file is never met without a trace
        raise BadInput("feed holds no entries")
    outlet = feed.feed.get("title")
    name = source_name(path)
    for index, entry in enumerate(feed.entries):
        source = f"{name}#{index}"
        body = _body(entry)
        if not body.strip():
            yield Skip(source, "feed entry without content or summary")
            continue
        authors = tuple(a.get("name", "") for a in entry.get("authors", []) if a.get("name"))
        yield RawDocument.create(
            content=body,
            source_id=entry.get("id") or entry.get("link") or f"{source_name(path.stem)}-{index}",
            source=source,
            content_type="html" if "<" in body and ">" in body else "text",
            url=entry.get("link"),
            title=entry.get("title"),
            published=entry_published(entry),
            authors=authors,
            metadata={"feed_title": outlet} if outlet else {},
        )
