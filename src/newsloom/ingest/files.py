"""Readers for single-document files: plain text (``.txt``) and HTML (``.html``, ``.htm``),
either optionally gzipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

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
    yield html_document(_read_bytes(path, options), source_id=_stem(path),
                        source=source_name(path))


def html_document(raw: bytes, *, source_id: str, source: str, url: str | None = None,
                  charset: str | None = None, **fields: Any) -> RawDocument:
    """A raw HTML page as a document: the charset from the page's <meta> tag (else
    ``charset``, e.g. an HTTP header's), the URL from its canonical link (else ``url``);
    ``fields`` are more RawDocument fields (a fetched page's feed title, date, …)."""
    declared = _META_CHARSET.search(raw[:4096])
    html, encoding = decode(raw, declared.group(1).decode("ascii") if declared else charset)
    match = _CANONICAL.search(html[:50_000])
    canonical = (match.group(1) or match.group(2)) if match else None
    if canonical and url:  # a fetched page's relative canonical link
        canonical = urljoin(url, canonical)
    return RawDocument.create(
        content=html, source_id=source_id, source=source, content_type="html",
        url=canonical or url, metadata={"encoding": encoding}, **fields,
    )
