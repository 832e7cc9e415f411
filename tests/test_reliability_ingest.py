"""Issue 11, ingest side: every document in isolation, counts that add up, bounded memory.

Each test is one failure class seen in the probe (it failed before the change); the fuzz
tests over every reader are in ``test_reliability_ingest_fuzz.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsloom.ingest import ReadOptions, read_path
from newsloom.model import Article, IngestStats, RawDocument, Skip
from newsloom.pipeline import ingest as pipeline
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.report import build_report, render_html, render_markdown
from newsloom.store import SQLiteStore, StoreUnavailable
from newsloom.store.ports import AddResult

ARTICLE = ("Der Stadtrat von Köln hat am Dienstag den neuen Haushalt beschlossen. "
           "Die Bürgermeisterin sprach von einem schwierigen Jahr für die Stadt. "
           "Mehr Geld fließt in Schulen, Brücken und den öffentlichen Nahverkehr. "
           "Die Opposition kritisierte die hohen Schulden und kündigte Widerstand an.")


def _article(n: int) -> str:
    return f"{ARTICLE} Beschluss Nummer {n} wurde mit großer Mehrheit angenommen."


def _read(path: Path, max_bytes: int = 5 * 1024 * 1024) -> tuple[list[RawDocument], list[Skip]]:
    items = list(read_path(path, ReadOptions(max_bytes=max_bytes)))
    return ([i for i in items if isinstance(i, RawDocument)],
            [i for i in items if isinstance(i, Skip)])


def _ingest(paths: Sequence[Path], db: Path, batch: int = 64) -> IngestStats:
    with SQLiteStore(db) as store:
        return ingest(list(paths), store, PipelineOptions(workers=1, batch_size=batch))


def _assert_adds_up(stats: IngestStats) -> None:
    assert stats.unaccounted == 0, stats
    assert stats.documents == (stats.added + stats.new_versions + stats.unchanged
                               + stats.duplicates + stats.skipped)


def _jsonl(path: Path, lines: Sequence[str | bytes]) -> Path:
    path.write_bytes(b"".join((ln if isinstance(ln, bytes) else ln.encode()) + b"\n"
                              for ln in lines))
    return path


def _record(n: int) -> str:
    return json.dumps({"id": f"r{n}", "title": f"Haushalt {n}", "text": _article(n)},
                      ensure_ascii=False)


# -- 1. one bad document never stops the run ---------------------------------------------------

def test_deeply_nested_jsonl_line_is_one_skip_and_the_rest_is_stored(tmp_path: Path) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    path = _jsonl(tmp_path / "feed.jsonl", [_record(1), nested, _record(2)])
    docs, skips = _read(path)
    assert [d.source_id for d in docs] == ["r1", "r2"]
    assert len(skips) == 1 and skips[0].source.endswith("#L2")
    assert "nested too deeply" in skips[0].reason
    for _ in range(2):  # a rerun behaves the same: nothing new, nothing raised
        stats = _ingest([path], tmp_path / "s.db")
        _assert_adds_up(stats)
        assert stats.skipped == 1
    assert (stats.added, stats.unchanged) == (0, 2)


def test_lone_surrogate_in_a_record_is_that_records_skip(tmp_path: Path) -> None:
    """A JSON escape that is not a character ("\\ud800") cannot be stored as UTF-8; before,
    it ended the file (the lines after it were lost)."""
    bad = '{"id": "bad", "text": "Haushalt \\ud800 beschlossen"}'
    path = _jsonl(tmp_path / "feed.jsonl", [_record(1), bad, _record(2)])
    docs, skips = _read(path)
    assert [d.source_id for d in docs] == ["r1", "r2"]
    assert len(skips) == 1 and skips[0].source.endswith("#L2")
    stats = _ingest([path], tmp_path / "s.db")
    _assert_adds_up(stats)
    assert (stats.added, stats.skipped) == (2, 1)


def _warc_bytes(pages: int, gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for n in range(pages):
        body = (f"<html><head><title>Haushalt {n}</title></head><body><article><p>"
                f"{_article(n)}</p><p>{_article(n + 100)}</p></article></body></html>").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example/{n}", "response", payload=io.BytesIO(body),
            http_headers=headers))
    return buffer.getvalue()


def _record_starts(data: bytes) -> list[int]:
    starts, at = [], data.find(b"WARC/1")
    while at >= 0:
        starts.append(at)
        at = data.find(b"WARC/1", at + 1)
    return starts


def test_warc_cut_inside_a_record_header_keeps_earlier_pages(tmp_path: Path) -> None:
    data = _warc_bytes(3, gz=False)
    third = _record_starts(data)[2]
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:third + 30])  # inside the third record's header
    docs, skips = _read(path)  # before: AttributeError from warcio escaped
    assert [d.url for d in docs] == ["https://news.example/0", "https://news.example/1"]
    assert len(skips) == 1 and "truncated record" in skips[0].reason
    stats = _ingest([path], tmp_path / "s.db")
    _assert_adds_up(stats)
    assert (stats.added, stats.skipped) == (2, 1)


def test_non_utf8_file_names_are_stored_distinct_and_valid(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for raw_name, n in ((b"caf\xe9.txt", 1), (b"caf\xe8.txt", 2)):
        Path(os.fsdecode(os.fsencode(folder) + b"/" + raw_name)).write_text(
            _article(n), encoding="utf-8")
    db = tmp_path / "s.db"
    stats = _ingest([folder], db)  # before: UnicodeEncodeError from the store, nothing kept
    _assert_adds_up(stats)
    assert stats.added == 2
    with SQLiteStore(db) as store:
        sources = {a.source for a in store.articles()}
    assert len(sources) == 2
    for source in sources:
        source.encode("utf-8")  # valid UTF-8: no surrogate escapes left
    assert {s.rsplit("/", 1)[1] for s in sources} == {"caf\\xe9.txt", "caf\\xe8.txt"}


def test_a_batch_the_store_refuses_is_stored_document_by_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _jsonl(tmp_path / "feed.jsonl", [_record(n) for n in range(5)])
    real_add = SQLiteStore.add

    def refuse_r3(self: SQLiteStore, items: Sequence[tuple[RawDocument, Article]],
                  revert: bool = True) -> AddResult:
        if any(doc.source_id == "r3" for doc, _ in items):
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")
        return real_add(self, items, revert)

    monkeypatch.setattr(SQLiteStore, "add", refuse_r3)
    stats = _ingest([path], tmp_path / "s.db")
    _assert_adds_up(stats)
    assert (stats.added, stats.skipped) == (4, 1)
    assert stats.skips[0].source.endswith("#L4") and "store error" in stats.skips[0].reason


def test_a_store_that_cannot_write_stops_the_ingest_instead_of_skipping(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's "disk full" reaches ingest as the backend-neutral StoreUnavailable: the
    store's trouble, so the run stops (and the batch is rolled back) rather than recording
    every document as a skip."""
    path = _jsonl(tmp_path / "feed.jsonl", [_record(n) for n in range(3)])

    def disk_full(self: SQLiteStore, article: Article) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SQLiteStore, "_insert_article", disk_full)
    with pytest.raises(StoreUnavailable, match="disk is full"):
        _ingest([path], tmp_path / "s.db")
    monkeypatch.undo()
    with SQLiteStore(tmp_path / "s.db") as store:
        assert list(store.articles()) == [] and store.skipped() == []


def test_a_batch_extraction_failure_falls_back_to_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _jsonl(tmp_path / "feed.jsonl", [_record(n) for n in range(4)])

    def broken_pool(self: object, docs: Sequence[RawDocument]) -> list[Article | Skip]:
        raise RuntimeError("worker lost")

    monkeypatch.setattr(pipeline._Extractor, "__call__", broken_pool)
    stats = _ingest([path], tmp_path / "s.db")
    _assert_adds_up(stats)
    assert stats.added == 4


# -- 2. truncated WARC records are skipped, never stored as partial pages ----------------------

def test_warc_record_cut_inside_its_payload_is_skipped(tmp_path: Path) -> None:
    data = _warc_bytes(2, gz=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:len(data) - 120])  # the second page loses its last 120 bytes
    docs, skips = _read(path)  # before: a partial second page was yielded
    assert [d.url for d in docs] == ["https://news.example/0"]
    assert len(skips) == 1 and "truncated record" in skips[0].reason


def test_warc_gz_cut_inside_a_header_is_a_skip_not_silence(tmp_path: Path) -> None:
    data = _warc_bytes(3, gz=True)
    members = [i for i in range(len(data) - 1) if data[i:i + 3] == b"\x1f\x8b\x08"]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:members[2] + 40])  # the third member stops in its header
    docs, skips = _read(path)  # before: two pages and no word about the third
    assert len(docs) == 2
    assert len(skips) == 1 and "truncated record" in skips[0].reason


# -- 3. memory bounded by the document, not the file -------------------------------------------

def _peak_traced(path: Path, max_bytes: int) -> tuple[int, list[Skip]]:
    tracemalloc.start()
    try:
        kept: list[Skip] = []
        for item in read_path(path, ReadOptions(max_bytes=max_bytes)):
            kept.append(item if isinstance(item, Skip) else Skip(item.source, "read"))
        return tracemalloc.get_traced_memory()[1], kept
    finally:
        tracemalloc.stop()


def test_oversized_text_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Wort " * (4 * 1024 * 1024))  # 20 MB
    peak, items = _peak_traced(path, max_bytes=1024 * 1024)
    assert len(items) == 1 and "oversized" in items[0].reason
    assert peak < 2 * 1024 * 1024, peak  # before: the whole 20 MB was read first


def test_jsonl_is_streamed_and_an_oversized_line_is_not_held(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as out:
        for n in range(600):  # ~20 MB of records of ~33 KB
            out.write(json.dumps({"id": f"r{n}", "text": _article(n) * 100}).encode() + b"\n")
        out.write(b'{"text": "' + b"x" * (8 * 1024 * 1024) + b'"}\n')  # one 8 MB line
        out.write(json.dumps({"id": "last", "text": _article(1)}).encode() + b"\n")
    peak, items = _peak_traced(path, max_bytes=1024 * 1024)
    assert peak < 4 * 1024 * 1024, peak  # before: the whole 28 MB file, then its lines
    skips = [i for i in items if i.reason != "read"]
    assert len(items) == 602
    assert len(skips) == 1 and skips[0].source.endswith("#L601")
    assert "oversized line" in skips[0].reason


def test_jsonl_gz_is_streamed_and_its_expansion_is_capped(tmp_path: Path) -> None:
    line = json.dumps({"text": _article(1) * 30}).encode() + b"\n"
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(line * 3000))  # ~30 MB of one repeated record
    peak, items = _peak_traced(path, max_bytes=64 * 1024)  # expansion cap: 4 MB here
    assert peak < 3 * 1024 * 1024, peak  # before: the expansion was held whole
    assert "oversized: decompresses to more than" in items[-1].reason
    assert 300 < len(items) < 3000  # stopped at the cap, after the lines below it


def test_skips_are_stored_as_they_come_and_not_all_kept_in_memory(tmp_path: Path) -> None:
    bad = 2 * pipeline.SKIPS_KEPT + 7
    path = _jsonl(tmp_path / "bad.jsonl", [_record(1)] + ["{not json"] * bad)
    stats = _ingest([path], tmp_path / "s.db")
    _assert_adds_up(stats)
    assert stats.skipped == bad and len(stats.skips) == pipeline.SKIPS_KEPT
    with SQLiteStore(tmp_path / "s.db") as store:
        assert len(store.skipped()) == bad  # every skip is in the store all the same


# -- 4. counts always add up ---------------------------------------------------------------------

def test_identical_files_count_as_duplicates_of_another_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_article(1), encoding="utf-8")
    (folder / "b.txt").write_text(_article(1), encoding="utf-8")
    stats = _ingest([folder], tmp_path / "s.db")
    # before: "2 documents: 1 added, 0 unchanged, 0 skipped"
    assert (stats.documents, stats.added, stats.duplicates) == (2, 1, 0 + 1)
    _assert_adds_up(stats)
    again = _ingest([folder], tmp_path / "s.db")
    assert (again.documents, again.unchanged, again.duplicates) == (2, 1, 1)
    _assert_adds_up(again)


def test_counts_add_up_across_batches_skips_and_versions(tmp_path: Path) -> None:
    lines: list[str | bytes] = [_record(n % 4) for n in range(9)]  # 4 distinct, 5 repeats
    lines += ["{not json", "[1, 2]", json.dumps({"id": "empty", "text": " "})]
    path = _jsonl(tmp_path / "feed.jsonl", lines)
    stats = _ingest([path], tmp_path / "s.db", batch=2)  # repeats fall in later batches
    _assert_adds_up(stats)
    assert (stats.documents, stats.added, stats.duplicates, stats.skipped) == (12, 4, 5, 3)
    assert stats.unchanged == 0  # a repeat within the run is not "already stored"


def test_run_record_and_report_show_counts_that_add_up(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_article(1), encoding="utf-8")
    (folder / "b.txt").write_text(_article(1), encoding="utf-8")
    (folder / "c.txt").write_bytes(b"")
    _ingest([folder], tmp_path / "s.db")
    with SQLiteStore(tmp_path / "s.db") as store:
        report = build_report(store)
    run = report.last_ingest
    assert run is not None and run.unaccounted == 0 and run.documents == 3
    assert run.outcomes["duplicates"] == 1 and run.outcomes["skipped"] == 1
    expected = "3 documents seen = 1 added, 0 new versions, 0 unchanged, " \
               "1 duplicate of another input, 1 skipped."
    assert expected in render_markdown(report)
    assert "1 duplicate of another input" in render_html(report)


def test_cli_summary_counts_add_up(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(_article(1), encoding="utf-8")
    (folder / "b.txt").write_text(_article(1), encoding="utf-8")
    _jsonl(folder / "feed.jsonl", [_record(2), "[" * 100_000, _record(3)])
    result = subprocess.run(
        [sys.executable, "-m", "newsloom", "ingest", str(folder), "--workers", "1",
         "--db", str(tmp_path / "s.db")], capture_output=True, text=True, timeout=300,
        check=False, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stderr.split())
    match = re.search(r"(\d+) documents: (\d+) added, (\d+) new versions, (\d+) unchanged, "
                      r"(\d+) duplicates? of another input, (\d+) skipped", summary)
    assert match, summary
    seen, *outcomes = map(int, match.groups())
    assert (seen, outcomes) == (5, [3, 0, 0, 1, 1])
    assert "unaccounted" not in summary


# -- 5. smaller ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(_article(1).encode(encoding))  # no BOM
    docs, skips = _read(path)  # before: "binary content (NUL bytes)"
    assert not skips and docs[0].content == _article(1)
    assert docs[0].metadata["encoding"] == encoding


def test_binary_with_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_bytes(bytes(range(256)) * 64)
    _, skips = _read(path)
    assert len(skips) == 1 and "binary content" in skips[0].reason


def test_binary_jsonl_is_one_skip_not_one_per_line(tmp_path: Path) -> None:
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + (bytes(range(256)) + b"\n") * 150)
    docs, skips = _read(path)  # before: 150 "malformed JSON line" skips
    assert not docs and len(skips) == 1 and "binary content" in skips[0].reason


def test_jsonl_gz_bomb_of_one_endless_line_stops_at_the_cap(tmp_path: Path) -> None:
    """Guards the streaming reader: an oversized line is drained, but the drained bytes
    still count towards the expansion cap (else it would read all 64 MB)."""
    path = tmp_path / "endless.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"text": "')
        for _ in range(64):
            out.write(b"a" * (1024 * 1024))  # 64 MB expanded, no newline
    items = list(read_path(path, ReadOptions(max_bytes=64 * 1024)))  # cap: 4 MB
    assert len(items) == 1 and isinstance(items[0], Skip)
    assert "oversized: decompresses to more than" in items[0].reason
