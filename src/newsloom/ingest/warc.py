"""Reader for WARC archives (``.warc``, ``.warc.gz``): every HTML response record is a page."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsloom.ingest.decode import BadInput, ReadOptions, decode
from newsloom.model import RawDocument, Skip


def _check_magic(path: Path) -> None:
    """warcio skips garbage with warnings only; refuse a file that is not a WARC at all."""
    head = path.open("rb").read(4096)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error as exc:
            raise BadInput(f"corrupt WARC: {exc}") from exc
    if not head.startswith(b"WARC/"):
        raise BadInput("corrupt WARC: file does not start with a WARC record")


def read_warc_file(path: Path, options: ReadOptions) -> Iterator[RawDocument | Skip]:
    _check_magic(path)
    pages = 0
    with path.open("rb") as stream:
        try:
            for index, record in enumerate(ArchiveIterator(stream)):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                source = f"{path}#{index}"
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue  # images, scripts, JSON: not pages, not worth a skip line
                status = record.http_headers.get_statuscode()
                if status and not status.startswith("2"):
                    yield Skip(source, f"HTTP status {status} for {url}")
                    continue
                payload = record.content_stream().read(options.max_bytes + 1)
                if len(payload) > options.max_bytes:
                    yield Skip(source, f"oversized response for {url}")
                    continue
                charset = None
                if "charset=" in content_type.lower():
                    charset = content_type.lower().split("charset=")[-1].split(";")[0].strip()
                try:
                    html, encoding = decode(payload, charset)
                except BadInput as exc:
                    yield Skip(source, f"{exc} ({url})")
                    continue
                pages += 1
                yield RawDocument.create(
                    content=html, source_id=url or f"{path.stem}-{index}", source=source,
                    content_type="html", url=url,
                    metadata={"encoding": encoding,
                              "fetched": record.rec_headers.get_header("WARC-Date")},
                )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            raise BadInput(f"corrupt WARC after {pages} pages: {exc}") from exc
    if pages == 0:
        yield Skip(str(path), "WARC holds no HTML response records")
