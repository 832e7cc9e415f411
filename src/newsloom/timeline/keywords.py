"""The keyword protocol of timeline benchmarks (Ghalandari & Ifrim 2020, news-tls): a collection
comes with keywords, and only articles that mention one of them are timeline material.

A keyword matches case-insensitively at the start of a word, so "haiti" also finds "Haitian"
and "H1N1" finds "H1N1"; "oil" does not find "spoil". Some collections' keywords are topic tags
that the texts hardly use (Timeline17's "bpoil" occurs once, in a hashtag "#bpoilrelief"; "MJ"
once): filtering by them would throw away the collection the tag names. The collection was
gathered for its topic, so keywords that fail to describe even half of its articles are
read as such tags: the whole selection stays, and a warning says why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TypeVar

log = logging.getLogger("newsloom")

T = TypeVar("T")


def keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for all non-blank ``keywords``, anchored at word starts."""
    words = sorted({k.strip() for k in keywords if k.strip()}, key=lambda k: (-len(k), k))
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})", re.IGNORECASE)


#: Keywords mentioned by fewer than this share of the articles are taken as topic tags.
MIN_SHARE = 0.5


def filter_by_keywords(items: Sequence[tuple[T, str]], keywords: Sequence[str]) -> list[T]:
    """The items (each with its text) whose text mentions a keyword; all of them when there
    are no keywords or fewer than :data:`MIN_SHARE` of the items mention one (logged)."""
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return [item for item, _ in items]
    kept = [item for item, text in items if pattern.search(text)]
    if len(kept) < MIN_SHARE * len(items):
        log.warning("timeline: only %d of %d articles mention the keywords %s; they are taken "
                    "as topic tags and all articles are used", len(kept), len(items),
                    ", ".join(keywords))
        return [item for item, _ in items]
    if len(kept) < len(items):
        log.info("timeline: %d of %d articles mention the keywords %s", len(kept), len(items),
                 ", ".join(keywords))
    return kept
