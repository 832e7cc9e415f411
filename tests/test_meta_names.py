"""Site names, archive hosts and author cleaning (newsloom.extract.meta_names)."""

from __future__ import annotations

import pytest

from newsloom.extract.meta_names import SiteNames, clean_authors, source_host


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.example.com/a/b", "example.com"),
    ("https://web.archive.org/web/20190305112233/https://www.example.com/news/1", "example.com"),
    ("http://web.archive.org/web/20160330101229id_/http://muffins.example.net/x",
     "muffins.example.net"),
    ("https://web.archive.org/web/2014/example.org/page", "example.org"),
    ("https://web.archive.org/web/", None),  # the archive's own page belongs to no outlet
    ("hard::example-page-17", None),  # an identifier, not a URL
    (None, None),
])
def test_source_host_unwraps_archive_copies(url: str | None, host: str | None) -> None:
    assert source_host(url) == host


def test_site_name_is_stripped_from_either_end_of_a_title() -> None:
    site = SiteNames.of(["eHow"], "https://www.ehow.com/how_123/terrarium.html")
    assert site.strip_from("How to Build a Terrarium | eHow") == "How to Build a Terrarium"
    news = SiteNames.of([], "https://www.battery-news.de/2022/12/06/x")
    assert news.strip_from("Ultium Cells erhöht Kapazität - Battery-News.de") == \
        "Ultium Cells erhöht Kapazität"
    blog = SiteNames.of([], "https://web.archive.org/web/2010/http://www.time4talks.ch/x")
    assert blog.strip_from("Time 4 talks » Digitale Kinos") == "Digitale Kinos"
    assert SiteNames.of(["BDZV"], None).strip_from("BDZV: Zeitungen drucken Kunst") == \
        "Zeitungen drucken Kunst"


def test_strip_keeps_a_headline_that_merely_mentions_the_site() -> None:
    site = SiteNames.of(["ZEIT ONLINE"], "https://www.zeit.de/x")
    assert site.strip_from("Zeit für Veränderung") == "Zeit für Veränderung"
    assert site.strip_from("Zeit für Veränderung | ZEIT ONLINE") == "Zeit für Veränderung"
    # the last remaining part is never stripped, even if it looks like the site
    assert site.strip_from("ZEIT ONLINE") == "ZEIT ONLINE"


def test_authors_from_a_byline_with_photo_credit() -> None:
    assert clean_authors(["By Jane Doe and John Roe | Photo: Max Muster"]) == \
        ["Jane Doe", "John Roe"]
    assert clean_authors(["Von Anna Schmidt, Foto: Peter Bild"]) == ["Anna Schmidt"]


@pytest.mark.parametrize("junk", [
    "Lesedauer: 3 Min", "See full bio", "Username", "Last Updated January 7, 2024",
    "Leestijd 4 minuten", "Temps de lecture : 2 min", "Tiempo de lectura", "Admin",
    "Redaktion", "Unknown", "Follow", "Name", "Foto: dpa", "Photo by Getty",
    "https://www.facebook.com/example", "jane_doe", "mf", "TK",
])
def test_ui_words_and_handles_are_not_authors(junk: str) -> None:
    assert clean_authors([junk]) == []


def test_update_stamp_and_reading_time_are_cut_off_a_name() -> None:
    assert clean_authors(["Jane Doe Last Updated January 7"]) == ["Jane Doe"]
    assert clean_authors(["Rocío Latorre y José Wilson Tiempo de lectura: 4 min"]) == \
        ["Rocío Latorre", "José Wilson"]
    assert clean_authors(["Sara Zinnecker Stand: 12.03.2024"]) == ["Sara Zinnecker"]


def test_same_person_in_different_case_or_accents_is_one_author() -> None:
    assert clean_authors(["JANE DOE", "Jane Doe", "Jane  Doé"]) == ["Jane Doe"]


def test_outlet_after_a_name_and_the_site_itself_are_not_authors() -> None:
    assert clean_authors(["By Glen Owen And Brendan Carlin For The Mail On Sunday"]) == \
        ["Glen Owen", "Brendan Carlin"]
    site = SiteNames.of(["Example Times"], "https://www.example-times.com/a")
    assert clean_authors(["Example Times", "Jane Doe"], site) == ["Jane Doe"]


def test_surname_first_stays_one_name_and_lists_split() -> None:
    assert clean_authors(["Doe, Jane"]) == ["Doe, Jane"]
    assert clean_authors(["Jane Doe,John Roe, Ann Poe"]) == ["Jane Doe", "John Roe", "Ann Poe"]
    assert clean_authors(["Michael Rädel, Redaktion"]) == ["Michael Rädel"]
