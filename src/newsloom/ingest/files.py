"""Readers for single-document files: plain text (``.txt``) and HTML (``.html``, ``.htm``),
either optionally gzipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from newsloom.ingest.decode import (
    BadInput,
    ReadOptions,
    check_size,
    decode,
    open_input,
    read_limited,
    source_name,
)
from newsloom.model import RawDocument, Skip

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_CANONICAL = re.compile(
    r"""<link[^>]+rel=["']canonical["'][^>]*href=["']([^"']+)["']|"""
    r"""<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)["']""",
    re.IGNORECASE,
)


def _read_bytes(path: Path, options: ReadOptions) -> bytes:
    """The whole document, refused before reading when the file (or its expansion) is too
    large: at most ``max_bytes + 1`` bytes are ever held."""
    size = path.stat().st_size
    if size == 0:
        raise BadInput("empty file")
    if path.suffix.lower() != ".gz":
        check_size(size, options)
    with open_input(path) as stream:
        return read_limited(stream, options.max_bytes)


def _stem(path: Path) -> str:
    name = source_name(path.name)
    for suffix in (".gz", ".html", ".htm", ".txt"):
        name = name.removesuffix(suffix)
    return name


def read_text_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    """A page already reduced to text by a scraper; boilerplate is removed later."""
    text, encoding = decode(_read_bytes(path, options))
    if not text.strip():
        raise BadInput("empty after decoding")
    yield RawDocument.create(
        content=text, source_id=_stem(path), source=source_name(path), content_type="text",
        metadata={"encoding": encoding},
    )


def read_html_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    """A raw HTML page; the charset comes from its <meta> tag when present."""
    raw = _read_bytes(path, options)
    declared = _META_CHARSET.search(raw[:4096])
    html, encoding = decode(raw, declared.group(1).decode("ascii") if declared else None)
    match = _CANONICAL.search(html[:50_000])
    url = (match.group(1) or match.group(2)) if match else None
    yield RawDocument.create(
        content=html, source_id=_stem(path), source=source_name(path), content_type="html", url=url,
        metadata={"encoding": encoding},
    )
