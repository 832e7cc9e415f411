"""Cross-lingual place normalisation from CLDR: names, scripts, inflections, adjectives."""

from __future__ import annotations

import pytest

from newsloom.enrich.places import adjective_key, place, place_key


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("Verenigde Staten", "loc:US"), ("Vereinigte Staaten", "loc:US"), ("USA", "loc:US"),
        ("Соединённые Штаты", "loc:US"), ("Estados Unidos", "loc:US"),
        ("Russland", "loc:RU"), ("Rusland", "loc:RU"), ("Russlands", "loc:RU"),
        ("России", "loc:RU"), ("Rosji", "loc:RU"), ("Russia", "loc:RU"),
        ("Moskau", "loc:Europe/Moscow"), ("Москва", "loc:Europe/Moscow"),
        ("Österreich", "loc:AT"), ("Australii", "loc:AU"),
    ],
)
def test_place_names_in_any_language_resolve_to_one_key(surface: str, key: str) -> None:
    assert place_key(surface) == key


@pytest.mark.parametrize("surface", ["Huawei", "Reuters", "Apple", "Mate", "Honor", ""])
def test_non_places_do_not_resolve(surface: str) -> None:
    assert place_key(surface) is None


@pytest.mark.parametrize(
    ("token", "key"),
    [("russischen", "loc:RU"), ("Russische", "loc:RU"), ("chinesischen", "loc:CN"),
     ("amerikanischen", "loc:US"), ("Amerikaanse", "loc:US"), ("deutschen", "loc:DE")],
)
def test_country_adjectives(token: str, key: str) -> None:
    assert adjective_key(token) == key


@pytest.mark.parametrize("token", ["westlichen", "unsere", "Konzern", "Franken", "asiatischen"])
def test_words_that_are_not_country_adjectives(token: str) -> None:
    assert adjective_key(token) is None


def test_place_has_names_by_language() -> None:
    us = place("loc:US")
    assert us is not None
    assert us.name("en") == "United States" and us.name("nl") == "Verenigde Staten"
