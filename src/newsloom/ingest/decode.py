"""Bytes → text: gzip, encoding detection, and the checks that turn bad input into a Skip."""

from __future__ import annotations

import gzip
import os
import zlib
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path

from charset_normalizer import from_bytes

from newsloom.model import Skip
from newsloom.settings import settings


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Limits applied to every input document (not to container files such as WARC/JSONL)."""

    #: Default: the ``max_document_mb`` setting (a news page above 5 MB is almost surely not
    #: an article).
    max_bytes: int = field(
        default_factory=lambda: int(settings().max_document_mb * 1024 * 1024))


#: An input file opened for reading: plain, or decompressed on the fly.
InputStream = BufferedReader | gzip.GzipFile


class BadInput(Exception):
    """Raised by readers for an input that must be skipped; the message is the reason."""


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when ``data`` looks like BOM-less UTF-16 text.

    Mostly-Latin UTF-16 has a NUL in (nearly) every other byte, always on the same side;
    binary data has NULs scattered on both sides.
    """
    head = data[:8192]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes never occur in text encodings we accept, except UTF-16 (with or without BOM)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head and utf16_without_bom(head) is None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Raises BadInput when it is not text."""
    if not data.strip():
        raise BadInput("empty input")
    if looks_binary(data):
        raise BadInput("binary content (NUL bytes)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if (utf16 := utf16_without_bom(data)) is not None:
        text = data.decode(utf16, errors="replace")
        printable = sum(c.isprintable() or c.isspace() for c in text[:4096])
        if printable < 0.95 * len(text[:4096]):  # int16 arrays also have NUL high bytes
            raise BadInput("binary content (NUL bytes)")
        return text, utf16
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


def read_limited(stream: InputStream, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of ``stream``; more raises BadInput before it is all held.

    Reads ``max_bytes + 1`` at most, so an oversized (or endless, or decompression-bomb) stream
    never costs more than one document's worth of memory.
    """
    try:
        data = stream.read(max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise BadInput(f"corrupt gzip: {exc}") from exc
    except EOFError as exc:
        raise BadInput("truncated gzip stream") from exc
    if len(data) > max_bytes:
        raise BadInput(f"oversized: more than {_mb(max_bytes)}")
    return data


def open_input(path: Path) -> InputStream:
    """The file's bytes as a stream, decompressed on the fly for ``.gz``."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def source_name(path: Path | str) -> str:
    """The path as valid UTF-8 text: undecodable bytes of a file name (kept by Python as
    surrogate escapes) become ``\\xNN``, so such names are stored and stay distinct."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def check_size(size: int, options: ReadOptions) -> None:
    if size > options.max_bytes:
        raise BadInput(f"oversized: {_mb(size)} > limit {_mb(options.max_bytes)}")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def as_skip(source: str, exc: Exception) -> Skip:
    return Skip(source=source, reason=str(exc) or type(exc).__name__)
