"""The event evidence beyond the embedding: content lemmas and the event date."""

from __future__ import annotations

from datetime import date

from newsloom.model import Article, DateEstimate, PublicationDate
from newsloom.represent.event import event_date, event_terms


def _article(text: str, lang: str = "en", title: str | None = None,
             published: str | None = None, estimate: str | None = None) -> Article:
    return Article(
        id="a", source_id="a", source="t", url=None, title=title, outlet=None, authors=[],
        published=PublicationDate(published, 1.0, "metadata") if published else None,
        published_estimate=DateEstimate(estimate, "year", "latest year") if estimate else None,
        language=lang, language_confidence=1.0, text=text)


def test_terms_are_content_lemmas_without_stop_words() -> None:
    terms = event_terms(_article("The earthquakes struck the islands and the earthquake "
                                 "killed 12 people.", title="Earthquake"))
    assert terms["earthquake"] == 3  # lemmas: "earthquakes" counts with "earthquake"
    assert "the" not in terms and "and" not in terms and "12" not in terms


def test_terms_follow_the_article_language() -> None:
    terms = event_terms(_article("Die Netze wurden gestern von der Regierung verkauft.", "de"))
    assert "netz" in terms and "die" not in terms and "der" not in terms


def test_stated_date_comes_first_then_text_then_estimate() -> None:
    text = "The quake struck on 12 March 2011. In 2005 a smaller one hit."
    stated = event_date(_article(text, published="2011-03-13", estimate="2011"))
    assert stated is not None and (stated.value, stated.basis) == (date(2011, 3, 13),
                                                                   "published")
    named = event_date(_article(text, estimate="2011"))
    assert named is not None and (named.value, named.granularity, named.basis) == (
        date(2011, 3, 12), "day", "text")
    estimated = event_date(_article("No date here.", estimate="2019"))
    assert estimated is not None and (estimated.granularity, estimated.basis) == (
        "year", "estimate")
    assert event_date(_article("No date here.")) is None


def test_relative_expressions_without_a_stated_date_are_not_guessed() -> None:
    assert event_date(_article("It happened yesterday and again last Tuesday.")) is None
