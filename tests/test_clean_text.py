"""Declared-clean text (a JSONL record's ``text``) is trusted: one sentence per line is normal
input, only obvious chrome is trimmed, and nothing is lost: a record the line classifier would
empty is kept whole and flagged."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from newsloom.extract import ExtractionError, ExtractOptions, extract
from newsloom.extract.boilerplate import BoilerplateModel, TreeEnsemble, classify_lines
from newsloom.extract.text import extract_text
from newsloom.ingest import ReadOptions
from newsloom.ingest.jsonl import read_jsonl_file, record_to_document
from newsloom.model import KEPT_WHOLE, Article, RawDocument, Skip
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
# Not under fixtures/: the end-to-end CLI tests ingest that whole folder.
FIXTURE = Path(__file__).parent / "fixtures_plaintext" / "one_sentence_per_line.jsonl"
EVENTS_DEV = ROOT.parent / "shared" / "data" / "events-dev" / "articles.jsonl"
CHROME = {"Sign up for our newsletter", "Related articles"}


def _records() -> dict[str, dict[str, str]]:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def _docs() -> dict[str, RawDocument]:
    docs = [d for d in read_jsonl_file(FIXTURE, ReadOptions()) if isinstance(d, RawDocument)]
    return {d.source_id: d for d in docs}


def _body_lines(article: Article) -> list[str]:
    return [line for line in article.text.split("\n") if line.strip()]


def _scraped(doc: RawDocument) -> RawDocument:
    """The same content as if it came from a scraped ``.txt`` file."""
    return dataclasses.replace(doc, clean_text=False)


def test_jsonl_text_is_declared_clean() -> None:
    docs = _docs()
    assert set(docs) == set(_records())
    assert all(doc.clean_text and doc.content_type == "text" for doc in docs.values())


@pytest.mark.parametrize("source_id", ["ospl-river", "ospl-injuries"])
def test_one_sentence_per_line_text_keeps_every_line_but_chrome(source_id: str) -> None:
    record = _records()[source_id]
    article = extract(_docs()[source_id])
    expected = [line for line in record["text"].split("\n") if line not in CHROME]
    assert _body_lines(article) == expected  # short lines, headline and list items included
    assert {r.text for r in article.removed_lines} == CHROME & set(record["text"].split("\n"))
    assert article.extraction_flags == []


def test_chrome_in_clean_text_is_removed_with_its_reason() -> None:
    article = extract(_docs()["ospl-river"])
    reasons = {r.text: r.reason for r in article.removed_lines}
    assert reasons == {"Sign up for our newsletter": "newsletter/follow prompt",
                       "Related articles": "related articles"}
    assert article.title == "Flood barrier holds as river peaks in Riverton"


def test_scraped_text_path_is_not_weakened() -> None:
    """The same lines from a ``.txt`` file still go: headline repeat, chrome, list lines."""
    docs = _docs()
    river = extract(_scraped(docs["ospl-river"]))
    removed = {r.text: r.reason for r in river.removed_lines}
    assert removed["Flood barrier holds as river peaks in Riverton"] == \
        "page title (repeats headline)"
    assert set(removed) >= CHROME
    injuries = extract(_scraped(docs["ospl-injuries"]))
    assert len(injuries.removed_lines) >= 3  # the classifier's call on scraped short lines


def _overeager() -> BoilerplateModel:
    """A classifier that calls every line boilerplate with certainty."""
    one = np.zeros(1, dtype=np.int32)
    trees = TreeEnsemble(feature=one, threshold=np.zeros(1), left=one, right=one,
                         value=np.array([20.0]), roots=one, depth=1, baseline=0.0)
    return BoilerplateModel(trees, "test: scores every line 1.0")


def test_only_strong_chrome_removes_lines_of_clean_text() -> None:
    """By method, not by the model's mood: a score alone never removes a clean line; it
    takes UI-lexicon words (or a chrome rule) too."""
    doc = _docs()["ospl-injuries"]
    lines = doc.content.split("\n")
    hits = {v.text: v.lexicon_hits for v in classify_lines(lines, "en", model=_overeager())}
    trusted = extract_text(doc, ExtractOptions(), model=_overeager())
    assert {"Questionable:", "DF Tom Baker (knee)", "Out:", "FW Kai Lund (ankle)"} <= set(
        _body_lines(trusted))
    assert trusted.removed_lines and all(hits[r.text] > 0 for r in trusted.removed_lines)
    assert _body_lines(trusted) == [line for line in lines if not hits[line]]
    scraped = extract_text(_scraped(doc), ExtractOptions(), model=_overeager())
    assert scraped.text == ""


def test_clean_text_the_classifier_would_empty_is_kept_whole_and_flagged() -> None:
    doc = _docs()["ospl-all-chrome"]
    article = extract(doc)
    assert _body_lines(article) == _records()["ospl-all-chrome"]["text"].split("\n")
    assert article.extraction_flags == [KEPT_WHOLE]
    assert article.extractor == f"text+{KEPT_WHOLE}"
    assert article.to_record()["extraction_flags"] == [KEPT_WHOLE]
    with pytest.raises(ExtractionError, match="no article text"):
        extract(_scraped(doc))  # scraped text that is all chrome is still skipped


def test_clean_text_an_overeager_classifier_would_empty_is_kept_whole() -> None:
    river = _docs()["ospl-river"]
    lexicon_only = dataclasses.replace(river, content="\n".join(sorted(CHROME)))
    article = extract_text(lexicon_only, ExtractOptions(), model=_overeager())
    assert article.extraction_flags == [KEPT_WHOLE] and article.removed_lines == []
    assert set(_body_lines(article)) == CHROME


def test_one_line_and_headline_only_records_keep_their_text() -> None:
    docs = _docs()
    one_line = extract(docs["ospl-one-line"])
    assert one_line.text == one_line.title == "The ferry strike is over in Harbourtown."
    headline_only = extract(docs["ospl-headline-only"])
    assert headline_only.text == "Harbourtown ferries sail again after strike"
    assert headline_only.published is not None and headline_only.published.value == "2024-03-02"


def test_record_without_any_text_is_skipped_and_short_text_says_so() -> None:
    skip = record_to_document({"id": "x", "url": "https://a.example/"}, "s#L1", "x",
                              ReadOptions())
    assert isinstance(skip, Skip) and skip.reason == "record has no 'text', 'html' or 'title'"
    short = record_to_document({"id": "y", "text": "Obama wins."}, "s#L2", "y", ReadOptions())
    assert isinstance(short, RawDocument)
    with pytest.raises(ExtractionError, match="declared text too short: 11 characters"):
        extract(short)


def test_ingest_stores_every_record_and_flags_the_one_kept_whole(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="newsloom"), \
            SQLiteStore(tmp_path / "s.db") as store:
        stats = ingest([FIXTURE], store, PipelineOptions(workers=1))
        assert (stats.documents, stats.added, stats.skipped) == (5, 5, 0)
        assert stats.kept_whole == 1
        flagged = store.get_article("ospl-all-chrome")
        assert flagged is not None and flagged.extraction_flags == [KEPT_WHOLE]
        river = store.get_article("ospl-river")
        assert river is not None and river.extraction_flags == []
        assert [r.text for r in river.removed_lines] == ["Sign up for our newsletter",
                                                          "Related articles"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    kept = [m for m in warnings if m.startswith("kept whole")]
    assert len(kept) == 1 and "one_sentence_per_line.jsonl#L5:" in kept[0], warnings


@pytest.mark.shared_data
@pytest.mark.skipif(not EVENTS_DEV.exists(), reason="needs ../shared/data")
def test_events_dev_loses_no_record(tmp_path: Path) -> None:
    """Every record of events-dev is stored: 0 skipped. Two records repeat another's text
    word for word and are the same content-addressed document ("duplicates of another
    input")."""
    records = len(EVENTS_DEV.read_text(encoding="utf-8").splitlines())
    with SQLiteStore(tmp_path / "ev.db") as store:
        stats = ingest([EVENTS_DEV], store, PipelineOptions(workers=1))
        assert stats.skipped == 0 and stats.documents == records
        assert stats.added + stats.duplicates == records and stats.duplicates == 2
        assert all(a.text.strip() for a in store.articles())
