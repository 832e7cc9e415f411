"""Readers: one per format, and bad input turned into a Skip with a specific reason."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsloom.ingest import ReadOptions, discover, read_path
from newsloom.model import RawDocument, Skip, content_id

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).parents[1] / "examples" / "seeds"


def _read(path: Path, **options: int) -> tuple[list[RawDocument], list[Skip]]:
    items = list(read_path(path, ReadOptions(**options)))
    return ([i for i in items if isinstance(i, RawDocument)],
            [i for i in items if isinstance(i, Skip)])


def test_text_reader_uses_stem_as_source_id_and_hashes_content() -> None:
    path = SEEDS / "000_04d8964427728e2c.txt"
    docs, skips = _read(path)
    assert not skips and len(docs) == 1
    doc = docs[0]
    assert doc.source_id == "000_04d8964427728e2c"
    assert doc.content_type == "text"
    assert doc.id == content_id(path.read_text(encoding="utf-8"))
    assert "Mail.ru" in doc.content


def test_text_reader_decodes_legacy_encodings(tmp_path: Path) -> None:
    text = ("Zürich: Die Straßenbahn fährt wieder. Die Verkehrsbetriebe haben die Störung "
            "am Bahnhof behoben, teilte die Stadt am Morgen mit.")
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    docs, skips = _read(path)
    assert not skips
    assert docs[0].content == text
    assert docs[0].id == content_id(text)  # same id as the UTF-8 version of the same text


def test_content_id_ignores_line_endings_and_bom() -> None:
    assert content_id("a\r\nb  \r\n") == content_id("\ufeffa\nb")
    assert content_id("a\nb") != content_id("a\nc")


def test_html_reader_finds_canonical_url(tmp_path: Path) -> None:
    docs, skips = _read(FIXTURES / "page.html")
    assert not skips
    assert docs[0].content_type == "html"
    assert docs[0].url == "https://harbourtimes.example/2024/03/18/rotterdam-terminal"
    assert docs[0].version_key == docs[0].url
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "page.html").read_bytes()))
    gz_docs, _ = _read(gz)
    assert gz_docs[0].id == docs[0].id
    assert gz_docs[0].source_id == "page"


def test_jsonl_reader_keeps_unknown_fields_and_skips_bad_lines() -> None:
    docs, skips = _read(FIXTURES / "articles.jsonl")
    assert [d.source_id for d in docs] == ["nl-001", "de-001", "no-text"]
    nl, de, headline_only = docs
    assert nl.content_type == "text" and nl.language == "nl" and nl.clean_text
    assert nl.metadata == {"section": "economie"}
    assert nl.published == "2024-03-18T10:00:00+01:00"
    assert de.content_type == "html" and de.url is None and not de.clean_text
    # a title without a body is a headline-only article (too short here: extraction skips it)
    assert headline_only.content == "Nothing here" and headline_only.clean_text
    reasons = {s.source.rsplit("#", 1)[1]: s.reason for s in skips}
    assert reasons["L3"].startswith("malformed JSON line")
    assert reasons["L5"] == "not a JSON object but list"
    assert set(reasons) == {"L3", "L5"}


def test_feed_reader_yields_entries_with_dates() -> None:
    docs, skips = _read(FIXTURES / "feed.rss")
    assert [d.title for d in docs] == ["Antwerp expands its chemical cluster",
                                       "Hamburg dock workers end strike"]
    assert docs[0].published == "2024-03-20T08:00:00Z"
    assert docs[0].content_type == "html" and docs[1].content_type == "text"
    assert docs[0].metadata["feed_title"] == "Harbour Times"
    assert len(skips) == 1 and "without content" in skips[0].reason


def _warc(path: Path) -> None:
    html = (FIXTURES / "page.html").read_bytes()
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for uri, status, ctype, body in (
            ("https://harbourtimes.example/a", "200 OK", "text/html; charset=utf-8", html),
            ("https://harbourtimes.example/logo.png", "200 OK", "image/png", b"\x89PNG\x00"),
            ("https://harbourtimes.example/gone", "404 Not Found", "text/html", b"<p>gone</p>"),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers))


def test_warc_reader_takes_html_responses_only(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    _warc(path)
    docs, skips = _read(path)
    assert [d.url for d in docs] == ["https://harbourtimes.example/a"]
    assert docs[0].metadata["fetched"]  # the crawl date is kept, not taken as publication date
    assert docs[0].published is None
    assert len(skips) == 1 and "HTTP status 404" in skips[0].reason


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n  ", "empty input"),
        ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary content"),
        ("truncated.html.gz", gzip.compress(b"<html>" + b"x" * 5000)[:40], "truncated gzip"),
        ("notgzip.txt.gz", b"this is not gzip at all", "corrupt gzip"),
        ("huge.txt", b"word " * (2 * 1024 * 1024 + 10), "oversized"),
        ("crawl.warc", b"this is not a warc file\n" * 10, "corrupt WARC"),
    ],
)
def test_bad_inputs_become_specific_skips(tmp_path: Path, name: str, content: bytes,
                                          reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    docs, skips = _read(path)
    assert not docs
    assert len(skips) == 1 and reason in skips[0].reason, skips


def test_ten_megabyte_single_line_file_is_skipped_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "oneline.txt"
    path.write_bytes(b"a" * (10 * 1024 * 1024))
    docs, skips = _read(path)
    assert not docs and "oversized: 10.0 MB" in skips[0].reason


def test_invalid_utf8_is_decoded_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("Die Bürgermeisterin eröffnet das neue Rathaus in Köln.".encode()
                     + b" \xff\xfe\xfa kaputt " + "Straße".encode())
    docs, skips = _read(path)
    assert not skips
    assert "Bürgermeisterin eröffnet" in docs[0].content and "Straße" in docs[0].content
    assert docs[0].content.count("\ufffd") == 3
    assert docs[0].metadata["encoding"] == "utf-8 (with replacements)"


def test_discover_recurses_and_reports_unsupported(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("hello world", encoding="utf-8")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    found = list(discover([tmp_path, tmp_path / "missing"]))
    paths = [f for f in found if isinstance(f, Path)]
    skips = [f for f in found if isinstance(f, Skip)]
    assert paths == [tmp_path / "sub" / "a.txt"]
    assert {s.reason for s in skips} == {"unsupported file type .pdf",
                                         "no such file or directory"}


def test_jsonl_publication_date_under_other_tools_names(tmp_path: Path) -> None:
    from newsloom.ingest.jsonl import DATE_FIELDS, record_to_document

    body = "A sentence of article text that is long enough to keep."
    for name in DATE_FIELDS:
        doc = record_to_document({"id": "x", "text": body, name: "2020-03-01T10:00:00"},
                                 "s", "f", ReadOptions())
        assert not isinstance(doc, Skip) and doc.published == "2020-03-01T10:00:00", name
        assert name not in doc.metadata
    both = record_to_document({"id": "x", "text": body, "published": "2021-01-01",
                               "time": "1999-01-01"}, "s", "f", ReadOptions())
    assert not isinstance(both, Skip) and both.published == "2021-01-01"


def test_jsonl_reads_common_date_names_and_epoch_numbers() -> None:
    from newsloom.ingest.jsonl import DATE_FIELDS, record_to_document

    assert {"datePublished", "publishedAt", "published_at", "pubDate", "date", "time"} <= set(
        DATE_FIELDS)
    body = "A sentence of article text that is long enough to keep."
    for value in (1583053200, 1583053200000):  # 2020-03-01T09:00:00Z in seconds and ms
        doc = record_to_document({"id": "x", "text": body, "datePublished": value}, "s", "f",
                                 ReadOptions())
        assert not isinstance(doc, Skip) and doc.published is not None
        assert doc.published.startswith("2020-03-01T09:00"), value


def test_jsonl_warns_once_per_file_about_unknown_date_fields(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from newsloom.ingest.jsonl import read_jsonl_file

    body = "A sentence of article text that is long enough to keep."
    path = tmp_path / "dated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "a", "text": body, "dateModified": "2020-01-02", "format": "news"},
        {"id": "b", "text": body, "dateModified": "2020-01-03"},
        {"id": "c", "text": body, "dateModified": "2020-01-04", "crawled_at": "2020-01-05"},
    ]), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="newsloom"):
        docs = list(read_jsonl_file(path, ReadOptions()))
    assert len(docs) == 3 and all(not isinstance(d, Skip) for d in docs)
    assert all(d.metadata["dateModified"] for d in docs if not isinstance(d, Skip))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # one for dateModified, one for crawled_at when first met
    assert "'dateModified'" in warnings[0] and "'format'" not in warnings[0]
    assert "'crawled_at'" in warnings[1] and "'dateModified'" not in warnings[1]
    with caplog.at_level(logging.WARNING, logger="newsloom"):
        caplog.clear()
        list(read_jsonl_file(path, ReadOptions()))  # another read of the file warns again
    assert len(caplog.records) == 2
