"""Bytes → text: gzip, encoding detection, and the checks that turn bad input into a Skip."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass

from charset_normalizer import from_bytes

from newsloom.model import Skip


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Limits applied to every input document (not to container files such as WARC/JSONL)."""

    max_bytes: int = 5 * 1024 * 1024  # a news page above this is almost surely not an article


class BadInput(Exception):
    """Raised by readers for an input that must be skipped; the message is the reason."""


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing truncated streams and decompression bombs."""
    try:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decompressor.decompress(data, max_bytes + 1)
        if len(out) > max_bytes:
            raise BadInput(f"oversized: decompresses to more than {_mb(max_bytes)}")
        if not decompressor.eof:
            raise BadInput("truncated gzip stream")
        return out
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise BadInput(f"corrupt gzip: {exc}") from exc


def looks_binary(data: bytes) -> bool:
    """NUL bytes never occur in text encodings we accept (UTF-16 is decoded via its BOM)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Raises BadInput when it is not text."""
    if not data.strip():
        raise BadInput("empty input")
    if looks_binary(data):
        raise BadInput("binary content (NUL bytes)")
    for encoding in ("utf-8-sig", declared):
        if not encoding:
            continue
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    # Mostly-UTF-8 with a few broken bytes (a truncated multi-byte character, a stray Latin-1
    # byte) is far more common than a legacy encoding that happens to fail UTF-8; guessing a
    # legacy charset there would garble every umlaut, so replace only the broken bytes.
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    if broken <= max(3, len(lenient) // 1000) and any(ord(c) > 127 for c in lenient
                                                      if c != "\ufffd"):
        return lenient, "utf-8 (with replacements)"
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise BadInput("undecodable content: no text encoding fits")
    return data.decode(best.encoding, errors="replace"), best.encoding


def check_size(size: int, options: ReadOptions) -> None:
    if size > options.max_bytes:
        raise BadInput(f"oversized: {_mb(size)} > limit {_mb(options.max_bytes)}")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def as_skip(source: str, exc: Exception) -> Skip:
    return Skip(source=source, reason=str(exc) or type(exc).__name__)
