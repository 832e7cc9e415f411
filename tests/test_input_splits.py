"""Input splits (newsloom.ingest.splits): a large JSONL or WARC file cut into ranges that
separate tasks read must yield exactly what one read of the whole file yields — every record
once, in order, with the same sources (line numbers, record indexes), ids and skips —
wherever the cuts fall: mid-line, inside a multibyte UTF-8 character, on a newline, on a
record boundary, inside a gzip member."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsloom.ingest import read_path
from newsloom.ingest.decode import ReadOptions
from newsloom.ingest.splits import (
    Split,
    jsonl_ranges,
    plan_splits,
    read_split,
    record_offsets,
    warc_splits,
)
from newsloom.model import RawDocument, Skip

OPTIONS = ReadOptions(max_bytes=600)  # JSONL: some lines are over it
WARC_OPTIONS = ReadOptions()


def _read(splits: list[Split], options: ReadOptions = OPTIONS) -> list[RawDocument | Skip]:
    return [item for split in splits for item in read_split(split, options)]


@pytest.fixture()
def shard(tmp_path: Path) -> Path:
    """Records with multibyte text, blank lines, bad JSON, a non-object, an oversized line,
    a record without text, and no newline after the last line."""
    rng = random.Random(7)
    lines = []
    for i in range(60):
        kind = rng.random()
        if kind < 0.08:
            lines.append("")
        elif kind < 0.14:
            lines.append('{"title": "cut off')
        elif kind < 0.17:
            lines.append("[1, 2]")
        elif kind < 0.20:
            lines.append('{"text": "' + "ü" * 400 + '"}')  # over max_bytes
        elif kind < 0.23:
            lines.append(f'{{"url": "https://x.example/{i}"}}')
        else:
            lines.append(f'{{"title": "Zürich € {i}", "text": "Ökonomie — 東京 {i} ✓"}}')
    path = tmp_path / "shard.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path


def _awkward_offsets(data: bytes) -> dict[str, list[int]]:
    newlines = [i for i, b in enumerate(data) if b == 0x0A]
    multibyte = [i for i, b in enumerate(data) if 0x80 <= b < 0xC0]  # continuation bytes
    mid_line = [i for i in range(1, len(data)) if data[i] not in b"\n"
                and data[i - 1] not in b"\n"]
    return {"newline": newlines, "after newline": [i + 1 for i in newlines[:-1]],
            "mid character": multibyte, "mid line": mid_line}


def test_jsonl_ranges_read_every_record_once_wherever_they_are_cut(shard: Path) -> None:
    whole = list(read_path(shard, OPTIONS))
    assert sum(isinstance(x, RawDocument) for x in whole) > 30
    assert {s.reason.split(":")[0] for s in whole if isinstance(s, Skip)} >= {
        "malformed JSON line", "oversized line", "not a JSON object but list",
        "record has no 'text', 'html' or 'title'"}
    data = shard.read_bytes()
    rng = random.Random(11)
    for kind, offsets in _awkward_offsets(data).items():
        for k in (2, 3, 5, 9, 17):
            starts = [0, *sorted(rng.sample(offsets, k - 1))]
            splits = jsonl_ranges(shard, starts)
            assert len(splits) == k
            assert _read(splits) == whole, (kind, starts)
    # every single cut point, one at a time
    for start in range(1, len(data)):
        assert _read(jsonl_ranges(shard, [0, start])) == whole, start


def test_jsonl_planner_cuts_large_files_only(shard: Path, tmp_path: Path) -> None:
    size = shard.stat().st_size
    assert len(plan_splits([shard], size)) == 1  # not larger than a split: one
    assert len(plan_splits([shard], 0)) == 1  # 0: never cut
    splits = plan_splits([shard], 700)
    assert len(splits) == -(-size // 700) and all(s.kind == "jsonl" for s in splits)
    assert _read(splits) == list(read_path(shard, OPTIONS))
    gz = tmp_path / "shard.jsonl.gz"
    gz.write_bytes(gzip.compress(shard.read_bytes() * 4))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x00\x00\x00\rIHDR\n" * 800)
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n \n" * 3000)
    for path in (gz, binary, blank):  # whole-file readers: gzip, one skip for the file
        [split] = plan_splits([path], 100)
        assert split.kind == "file"
        assert _read([split]) == list(read_path(path, OPTIONS))


def _warc(path: Path, gzipped: bool, tail: bytes = b"") -> Path:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
    for i in range(40):
        url = f"https://news.example/{i}"
        status, kind = ("404 Not Found", "text/html") if i % 9 == 4 else ("200 OK", "text/html")
        if i % 7 == 3:
            kind = "image/png"
        headers = StatusAndHeaders(status, [("Content-Type", f"{kind}; charset=utf-8")],
                                   protocol="HTTP/1.1")
        body = f"<html><body><h1>Schöne Grüße {i}</h1><p>{'Text ' * (i * 7)}</p></body></html>"
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body.encode()), http_headers=headers))
        if i % 5 == 0:
            writer.write_record(writer.create_warc_record(
                url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    path.write_bytes(buffer.getvalue() + tail)
    return path


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_warc_ranges_read_every_record_once(tmp_path: Path, gzipped: bool) -> None:
    path = _warc(tmp_path / ("x.warc.gz" if gzipped else "x.warc"), gzipped)
    whole = list(read_path(path, WARC_OPTIONS))
    assert sum(isinstance(x, RawDocument) for x in whole) > 20
    assert any(isinstance(x, Skip) and "HTTP status 404" in x.reason for x in whole)
    size, records = path.stat().st_size, len(record_offsets(path))
    assert records == 1 + 40 + 8
    for split_bytes in (1, 500, 1234, 3000, size // 3, size // 2):
        splits = warc_splits(path, split_bytes)
        assert len(splits) > 1 and splits[-1].last is None
        assert [s.first for s in splits] == sorted({s.first for s in splits})
        assert _read(splits, WARC_OPTIONS) == whole, split_bytes
    assert len(warc_splits(path, 1)) == records  # at most a range per record
    assert len(plan_splits([path], size)) == 1


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("damage", ["cut", "garbage"])
def test_a_bad_record_ends_the_file_as_in_a_whole_read(tmp_path: Path, gzipped: bool,
                                                       damage: str) -> None:
    """A truncated last record, or garbage after some records: the whole read stops there
    with a specific skip; the ranges stop at the same record with the same skip."""
    good = _warc(tmp_path / "good", gzipped).read_bytes()
    data = good[:-200] if damage == "cut" else good + b"GARBAGE\r\n" * 50 + good
    path = tmp_path / ("x.warc.gz" if gzipped else "x.warc")
    path.write_bytes(data)
    whole = list(read_path(path, WARC_OPTIONS))
    assert isinstance(whole[-1], Skip) and ("truncated" in whole[-1].reason
                                            or "corrupt" in whole[-1].reason), whole[-1]
    for split_bytes in (700, 2500, len(data) // 4):
        splits = plan_splits([path], split_bytes)
        assert len(splits) > 1
        assert _read(splits, WARC_OPTIONS) == whole, split_bytes


def test_without_partitions_a_file_is_cut_for_every_core(tmp_path: Path) -> None:
    """Without --partitions a batch of a few MB fills the session's cores: as one split it
    was one task on one core of local[2]. Small files stay whole; --partitions wins."""
    from newsloom.pipeline.spark import MIN_SPLIT_MB, SparkOptions, split_size

    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"text": "x"}\n' * 300_000)  # ~4.2 MB
    mb = 1024 * 1024
    default = SparkOptions()
    assert split_size([big], default, cores=1) == int(default.split_mb * mb)
    two = split_size([big], default, cores=2)
    assert two == -(-big.stat().st_size // 2)
    assert len(plan_splits([big], two)) == 2
    assert split_size([big], SparkOptions(partitions=4), cores=2) == -(-big.stat().st_size // 4)
    small = tmp_path / "small.jsonl"
    small.write_bytes(b'{"text": "x"}\n' * 100)
    assert split_size([small], default, cores=8) == int(MIN_SPLIT_MB * mb)
    assert len(plan_splits([small], split_size([small], default, cores=8))) == 1
