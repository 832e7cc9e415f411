"""Publication-date helpers: stated dates are found in every supported language, none invented."""

from __future__ import annotations

from datetime import date

import pytest

from newsloom.extract.dates import (
    date_from_url,
    declared_date,
    estimate_from_text,
    find_byline_date,
    find_dates,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.08.2019  16:36 Uhr", date(2019, 8, 14)),
        ("Veröffentlicht am 3. März 2021", date(2021, 3, 3)),
        ("18 maart 2024", date(2024, 3, 18)),
        ("Publié le 1er mars 2019 à 10h", date(2019, 3, 1)),
        ("14 de agosto de 2019", date(2019, 8, 14)),
        ("August 14, 2019", date(2019, 8, 14)),
        ("Aug. 4 2020", date(2020, 8, 4)),
        ("2019-08-14T10:00", date(2019, 8, 14)),
        ("12 сентября 2022", date(2022, 9, 12)),
        ("5 listopada 2021", date(2021, 11, 5)),
    ],
)
def test_find_dates_in_many_languages(text: str, expected: date) -> None:
    assert [d for d, _, _ in find_dates(text, TODAY)] == [expected]


def test_impossible_or_future_dates_are_rejected() -> None:
    assert find_dates("31.02.2020 and 12.12.2031", TODAY) == []


def test_byline_date_prefers_short_date_lines_and_ignores_prose() -> None:
    prose = ("Die Verhandlungen, die am 14.08.2019 begonnen hatten, wurden nach langen "
             "Gesprächen zwischen beiden Unternehmen und der Regierung in Moskau abgebrochen.")
    assert find_byline_date(["Titel", prose]) is None
    found = find_byline_date(["Titel", "Memebase", "14.08.2019  16:36 Uhr", prose])
    assert found is not None
    published, index = found
    assert (published.value, published.source, index) == ("2019-08-14", "byline", 2)
    assert published.confidence >= 0.8


def test_url_and_declared_dates() -> None:
    assert date_from_url("https://a.example/news/2019/08/14/story") is not None
    assert date_from_url("https://a.example/story-20190814.html") is not None
    assert date_from_url("https://a.example/product/12345678") is None
    declared = declared_date("2024-03-18T10:00:00+01:00")
    assert declared is not None and (declared.value, declared.source) == ("2024-03-18", "metadata")
    assert declared_date("next tuesday") is None


def test_estimate_is_the_latest_year_and_marked_as_estimate() -> None:
    estimate = estimate_from_text("Die 2020 erfolgreiche Sparte, gegründet 1998.", TODAY)
    assert estimate is not None
    assert (estimate.value, estimate.granularity) == ("2020", "year")
    assert "latest year" in estimate.basis
    assert estimate_from_text("Keine Jahreszahl, nur 5G und 499,99 Euro.", TODAY) is None


@pytest.mark.parametrize("text", [
    "Het bedrijf wil nog voor 2020 winst maken, meldde het in 2019.",
    "Die Firma will bis 2020 schuldenfrei sein, sagte der Chef im Jahr 2019.",
    "The company plans to profit before 2020, it said in 2019.",
    "The plant runs until the end of 2020, the 2019 report says.",
    "L'usine fermera avant 2020, a-t-on appris en 2019.",
    "La empresa quiere beneficios antes de 2020, dijo en 2019.",
    "Firma chce zysku przed 2020, podała w 2019.",
])
def test_a_year_named_as_a_bound_is_never_the_estimate(text: str) -> None:
    estimate = estimate_from_text(text, TODAY)
    assert estimate is not None and estimate.value == "2019"


def test_only_bounded_years_give_no_estimate() -> None:
    assert estimate_from_text("Bis 2020 soll alles fertig sein.", TODAY) is None
    assert estimate_from_text("In 2020 the plant opened.", TODAY) is not None
