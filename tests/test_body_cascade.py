"""The HTML body cascade: precision text completed from recall text where the line classifier
is confident (issue 15). Fixtures are page shapes written for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trafilatura

from newsloom.extract import ExtractionError, ExtractOptions, extract, html_body
from newsloom.extract.html_cascade import SHORT_SHARE, body_lines, cascade
from newsloom.model import RawDocument

FIXTURES = Path(__file__).parent / "fixtures_body"
NOTICE = ("Wir verwenden Cookies und verarbeiten personenbezogene Daten, um Inhalte zu "
          "personalisieren. Mit „Alle akzeptieren“ erteilen Sie Ihre Einwilligung.")


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_a_fragment_of_a_long_article_is_completed_from_recall() -> None:
    precision, recall = _text("long_article_precision.txt"), _text("long_article_recall.txt")
    assert len(precision) < SHORT_SHARE * len(recall)
    result = cascade(precision, recall, language="de")
    assert result.rule == "short"
    kept = body_lines(result.text)
    paragraphs = [line for line in body_lines(recall) if len(line) > 100]
    assert kept == paragraphs  # every paragraph, in order, and nothing else
    for chrome in ("Startseite", "Teilen auf Facebook", "Mehr zum Thema", "Newsletter abonnieren",
                   "Kommentare (12)"):
        assert chrome not in kept


def test_recall_chrome_alone_does_not_replace_precision() -> None:
    """Recall is much longer, but only by furniture: precision's text stays as it was."""
    article = _text("long_article_recall.txt").split("\n")[3:9]
    chrome = ["Startseite", "Politik", "Sport", "Kultur", "Teilen auf Facebook",
              "Newsletter abonnieren", "Mehr zum Thema", "Kommentare (12)", "Impressum",
              "Datenschutz", "Kontakt"] * 8
    precision = "\n".join(article)
    result = cascade(precision, "\n".join(chrome[:40] + article + chrome[40:]), language="de")
    assert result.rule is None
    assert result.text == precision


def test_a_precision_line_recall_lacks_is_kept() -> None:
    recall = _text("long_article_recall.txt")
    own = "Aktualisiert: Die Abstimmung wurde auf Antrag der Opposition namentlich durchgeführt."
    precision = _text("long_article_precision.txt").strip() + "\n" + own
    result = cascade(precision, recall, language="de")
    assert result.rule == "short"
    kept = body_lines(result.text)
    assert kept[-1] == own and kept[0].startswith("Der Stadtrat")


def test_a_dropped_lead_paragraph_is_restored_without_kicker_or_byline() -> None:
    precision, recall = _text("lead_precision.txt"), _text("lead_recall.txt")
    assert len(precision) >= SHORT_SHARE * len(recall)  # not the "short" case
    result = cascade(precision, recall, language="en")
    assert result.rule == "lead"
    kept = body_lines(result.text)
    assert kept[0].startswith("The harbour authority said on Monday")
    assert kept[1:] == body_lines(precision)
    assert "Wirtschaft" not in kept and "Von Anna Muster" not in kept


def test_a_headline_above_the_text_is_not_a_lead() -> None:
    precision = _text("lead_precision.txt")
    lines = _text("lead_recall.txt").split("\n")
    headline = "Container traffic through the port rises by a fifth in record year"
    recall = "\n".join([headline, *lines[3:]])  # the lead itself is missing from both
    result = cascade(precision, recall, language="en")
    assert result.rule is None and headline not in result.text


def test_consent_notice_lines_are_dropped_from_the_body() -> None:
    precision = NOTICE + "\n" + _text("long_article_recall.txt").split("\n")[3]
    result = cascade(precision, None, language="de")
    assert result.text == _text("long_article_recall.txt").split("\n")[3]


# ------------------------------------------------------------------- page_extraction --


class _FakeTrafilatura:
    """Stands in for trafilatura.bare_extraction: one answer per focus, calls recorded."""

    def __init__(self, precision: str | None, recall: str | None) -> None:
        self.answers = {"precision": precision, "recall": recall}
        self.calls: list[str] = []

    def __call__(self, content: str, **kwargs: Any) -> dict[str, Any] | None:
        focus = "recall" if kwargs.get("favor_recall") else "precision"
        self.calls.append(focus)
        text = self.answers[focus]
        if text is None:
            return None
        return {"text": text, "title": "Markthalle wird saniert"} if focus == "precision" else {
            "text": text}


def _doc() -> RawDocument:
    return RawDocument.create(content="<html></html>", source_id="p", source="p.html",
                              content_type="html", url="https://rundschau.example/markthalle")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> _FakeTrafilatura:
    stub = _FakeTrafilatura(_text("long_article_precision.txt"),
                            "Markthalle wird saniert\n" + _text("long_article_recall.txt"))
    monkeypatch.setattr(trafilatura, "bare_extraction", stub)
    return stub


def test_page_extraction_runs_recall_and_records_the_rule(fake: _FakeTrafilatura) -> None:
    data = html_body.page_extraction(_doc(), ExtractOptions())
    assert fake.calls == ["precision", "recall"]
    assert data["cascade_rule"] == "short"
    assert data["text"].startswith("Der Stadtrat")
    assert "Markthalle wird saniert\n" not in data["text"]


@pytest.mark.parametrize("options", [ExtractOptions(html_cascade=False),
                                     ExtractOptions(html_focus="balanced")])
def test_without_the_cascade_trafilatura_runs_once(fake: _FakeTrafilatura,
                                                   options: ExtractOptions) -> None:
    data = html_body.page_extraction(_doc(), options)
    assert len(fake.calls) == 1 and "cascade_rule" not in data
    assert data["text"] == _text("long_article_precision.txt")


def test_recall_text_is_used_when_precision_finds_nothing(fake: _FakeTrafilatura) -> None:
    fake.answers["precision"] = None
    data = html_body.page_extraction(_doc(), ExtractOptions())
    assert body_lines(data["text"])[0].startswith("Der Stadtrat")


def test_nothing_from_either_mode_is_an_extraction_error(fake: _FakeTrafilatura) -> None:
    fake.answers["precision"] = fake.answers["recall"] = None
    with pytest.raises(ExtractionError, match="without extractable main text"):
        html_body.page_extraction(_doc(), ExtractOptions())


def test_a_complete_page_passes_the_real_pipeline_unchanged() -> None:
    """End to end with trafilatura: a page precision reads in full keeps its text as is."""
    html = _text("article_with_consent.html")
    doc = RawDocument.create(content=html, source_id="m", source="m.html", content_type="html",
                             url="https://rundschau.example/markthalle")
    with_cascade = extract(doc)
    without = extract(doc, ExtractOptions(html_cascade=False))
    assert with_cascade.text == without.text
    assert with_cascade.text.startswith("Der Stadtrat") and "Cookies" not in with_cascade.text
    assert with_cascade.title == "Markthalle wird saniert"
