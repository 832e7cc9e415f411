"""Consent and privacy notices are boilerplate in every language of the lexicon (issue 15);
articles about privacy are not notices. Fixtures: tests/fixtures_body/consent_notices.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsloom.extract import ExtractionError, extract
from newsloom.extract.boilerplate import CONSENT_REASON, classify_lines
from newsloom.extract.boilerplate_consent import consent_lines, is_consent_notice
from newsloom.model import RawDocument

FIXTURE = Path(__file__).parent / "fixtures_body" / "consent_notices.json"
CASES: dict[str, dict[str, list[str]]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
LANGUAGES = ("pl", "de", "fr", "es", "nl", "en", "it", "pt", "ru")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notice_is_recognised_line_by_line(language: str) -> None:
    lines = CASES["notices"][language]
    assert consent_lines(lines) == [True] * len(lines)
    assert is_consent_notice(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_article_about_privacy_is_not_a_notice(language: str) -> None:
    lines = CASES["articles"][language]
    assert consent_lines(lines) == [False] * len(lines)
    assert not is_consent_notice(lines)


def test_one_term_needs_a_notice_next_to_it() -> None:
    follow_up = "As you already shared your personal data with us, tick the box below."
    assert consent_lines([follow_up]) == [False]
    assert consent_lines([CASES["notices"]["en"][0], follow_up]) == [True, True]


def test_a_notice_above_an_article_is_a_minority_of_the_text() -> None:
    article = CASES["articles"]["en"][0]
    lines = [CASES["notices"]["en"][0], article, article + " " + article, article]
    assert consent_lines(lines)[0] and not is_consent_notice(lines)


def test_the_line_classifier_names_notice_lines() -> None:
    lines = [*CASES["notices"]["pl"], *CASES["articles"]["pl"]]
    verdicts = classify_lines(lines, "pl")
    assert [v.reason for v in verdicts[:3]] == [CONSENT_REASON] * 3
    assert all(v.by_rule for v in verdicts[:3])
    assert not any(v.reason == CONSENT_REASON for v in verdicts[3:])


def _clean(text: str) -> RawDocument:
    return RawDocument.create(content=text, source_id="r1", source="feed.jsonl#1",
                              content_type="text", clean_text=True)


def test_declared_clean_notice_is_skipped_with_its_reason() -> None:
    """A feed record holding the Polish privacy-policy notice is not kept whole as an article."""
    with pytest.raises(ExtractionError, match="consent/privacy notice"):
        extract(_clean("\n\n".join(CASES["notices"]["pl"])))


def test_declared_clean_article_loses_only_the_notice() -> None:
    notice = CASES["notices"]["de"]
    body = CASES["articles"]["de"]
    article = extract(_clean("\n\n".join([*notice, *body])))
    assert article.text.split("\n\n") == body
    assert [line.reason for line in article.removed_lines] == [CONSENT_REASON] * len(notice)
