"""A page without article text keeps its URL, title and date: logged, counted, not lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.cli.summaries import ingest_summary
from newsloom.extract import ExtractionError, MetadataOnly, extract
from newsloom.model import RawDocument
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import SQLiteStore

PAGE = Path(__file__).parent / "fixtures_html_dates" / "video_page_no_text.html"


def _doc(content: str, url: str = "https://news.example.org/video/harbour-dawn") -> RawDocument:
    return RawDocument.create(content=content, source_id="page", source="page.html",
                              content_type="html", url=url)


def test_a_page_without_text_raises_metadata_only_with_its_title_and_date() -> None:
    with pytest.raises(MetadataOnly) as caught:
        extract(_doc(PAGE.read_text(encoding="utf-8")))
    page = caught.value.page
    assert page.url == "https://news.example.org/video/harbour-dawn"
    assert page.title is not None and page.title.startswith("Harbour warehouses at dawn")
    # the page's own published day, not the video's UTC upload day
    assert page.published is not None and page.published.value == "2022-09-14"
    assert "metadata kept: published 2022-09-14" in str(caught.value)


def test_a_page_without_text_title_or_date_is_an_ordinary_skip() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(_doc("<html><body><nav><a href='/'>Home</a></nav></body></html>"))
    assert not isinstance(caught.value, MetadataOnly)


def test_ingest_counts_and_logs_metadata_only_pages(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "video.html").write_bytes(PAGE.read_bytes())
    with SQLiteStore(tmp_path / "s.db") as store:
        stats = ingest([corpus], store, PipelineOptions(workers=1))
        assert (stats.documents, stats.added, stats.skipped, stats.metadata_only) == (1, 0, 1, 1)
        assert stats.unaccounted == 0
        [skip] = store.skipped()
    assert "published 2022-09-14 (metadata)" in skip.reason
    assert 'title "Harbour warehouses at dawn' in skip.reason
    assert "1 of the skipped with metadata only" in ingest_summary(stats)
