"""Fuzzing every reader (issue 11): whatever the bytes, no exception escapes, and every input
is counted exactly once — by the reader (one item per line/record/file) and by the pipeline
(``documents == added + new_versions + unchanged + duplicates + skipped``).

Inputs are valid samples of each format, cut, bit-flipped or spliced with random bytes, plus
raw random bytes. Bounded examples, no deadline: a few seconds in all.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsloom.ingest import ReadOptions, read_path
from newsloom.model import RawDocument, Skip
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import SQLiteStore

_TEXT = ("Der Stadtrat hat am Dienstag den Haushalt beschlossen. Mehr Geld fließt in Schulen.\n"
         "De gemeenteraad keurde dinsdag de begroting goed. Meer geld gaat naar scholen.\n")
_HTML = (f"<html><head><meta charset='utf-8'><title>Haushalt</title></head><body><article>"
         f"<p>{_TEXT}</p><p>{_TEXT}</p></article></body></html>")
_RSS = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Blatt</title>"
        f"<item><title>Haushalt</title><link>https://x.example/1</link>"
        f"<description>{_TEXT}</description></item>"
        f"<item><title>Leer</title></item></channel></rss>")


def _warc(gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for n in range(2):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://x.example/{n}", "response", payload=io.BytesIO(_HTML.encode()),
            http_headers=headers))
    return buffer.getvalue()


def _jsonl() -> bytes:
    records = [{"id": "a", "title": "Haushalt", "text": _TEXT},
               {"id": "b", "html": _HTML, "published": "2024-03-01", "extra": {"k": [1, 2]}},
               {"id": "c", "title": "Nur eine Schlagzeile"}]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


#: One valid sample per reader (file name → bytes); every reader of ``newsloom.ingest``.
SAMPLES: dict[str, bytes] = {
    "page.txt": _TEXT.encode(),
    "page.txt.gz": gzip.compress(_TEXT.encode()),
    "page.html": _HTML.encode(),
    "page.htm.gz": gzip.compress(_HTML.encode("latin-1", errors="replace")),
    "feed.jsonl": _jsonl(),
    "feed.jsonl.gz": gzip.compress(_jsonl()),
    "crawl.warc": _warc(gz=False),
    "crawl.warc.gz": _warc(gz=True),
    "feed.rss": _RSS.encode(),
    "feed.atom": _RSS.encode(),
    "feed.xml": _RSS.encode(),
}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    """A sample cut, bit-flipped, spliced with random bytes, or replaced by random bytes."""
    name = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[name])
    how = draw(st.sampled_from(["cut", "flip", "splice", "random", "intact"]))
    if how == "cut":
        data = data[:draw(st.integers(0, len(data)))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= 1 << draw(st.integers(0, 7))
    elif how == "splice":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    elif how == "random":
        data = bytearray(draw(st.binary(max_size=512)))
    return name, bytes(data)


def _count_nonblank_lines(name: str, data: bytes) -> int | None:
    """Lines a JSONL reader must account for, or None when it is not plain JSONL."""
    if not name.endswith(".jsonl"):
        return None
    return sum(1 for line in data.split(b"\n") if line.strip())


@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_no_reader_raises_and_every_input_is_counted_once(sample: tuple[str, bytes]) -> None:
    name, data = sample
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(read_path(path, ReadOptions(max_bytes=64 * 1024)))  # must not raise
    assert items, "every file yields at least one document or one skip"
    assert all(isinstance(i, RawDocument | Skip) for i in items)
    sources = [i.source for i in items]
    assert len(sources) == len(set(sources)), "an input was counted twice"
    for source in sources:
        source.encode("utf-8")  # storable
    if name.endswith((".txt", ".html", ".txt.gz", ".htm.gz")):
        assert len(items) == 1  # one file, one document or one skip
    lines = _count_nonblank_lines(name, data)
    file_level_skip = any(isinstance(i, Skip) and i.source == str(path) for i in items)
    if lines is not None and not file_level_skip:
        assert len(items) == lines  # every non-blank line: one document or one skip


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(damaged(), min_size=1, max_size=4))
def test_pipeline_counts_add_up_for_any_input(samples: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for n, (name, data) in enumerate(samples):
            (folder / f"{n}-{name}").write_bytes(data)
        with SQLiteStore(Path(tmp) / "s.db") as store:
            first = ingest([folder], store, PipelineOptions(workers=1, batch_size=3))
            assert first.unaccounted == 0, first
            # a rerun must behave the same: no raise, counts add up, nothing new (two inputs
            # sharing a URL keep their order: the last one stays current)
            again = ingest([folder], store, PipelineOptions(workers=1, batch_size=3))
            assert again.unaccounted == 0, again
            assert again.added == 0 and again.new_versions == 0, again
            assert again.documents == first.documents
            assert again.skipped == first.skipped
