"""Outlets, bylines and title repeats on the plain-text path (newsloom.extract.metadata_text)."""

from __future__ import annotations

from newsloom.extract.boilerplate import classify_lines
from newsloom.extract.metadata_text import find_authors, find_outlet, find_title

ARCHIVED = "https://web.archive.org/web/20190305112233/https://www.example.com/news/1"


def test_a_clause_cut_from_a_headline_is_no_outlet() -> None:
    lines = ["Shows that will be renewed - be canceled .", "Body text of the article."]
    assert find_outlet(lines, "be canceled .", None) is None
    assert find_outlet(lines, "Wide Range Of Investment Opportunities At AICE 2022", None) is None
    assert find_outlet(["Remote Support | 02.11.2021"], "02.11.2021", None) is None


def test_site_name_after_a_title_separator_is_the_outlet() -> None:
    assert find_outlet(["Naturkosmetik- doch gesünder? | Stylegart", "Text"], "Stylegart",
                       None) == "Stylegart"
    assert find_outlet(["Junge Lenker schrotten Autos - Telebasel", "Text"], "Telebasel",
                       None) == "Telebasel"


def test_first_part_of_a_dashed_title_needs_confirmation() -> None:
    lines = ["USA - Kalifornien verpachtet Seeboden", "Text"]
    assert find_outlet(lines, "USA", None) is None
    assert find_outlet(lines, "USA", "https://www.usa.example/x") == "USA"  # the host's name
    breadcrumb = ["Zoll online - Fachmeldungen - Verkündung des Gesetzes", "Text"]
    assert find_outlet(breadcrumb, "Zoll online", None) == "Zoll online"


def test_archive_host_is_unwrapped_and_platform_credits_are_skipped() -> None:
    assert find_outlet(["Some text"], None, ARCHIVED) == "example.com"
    assert find_outlet(["WordPress.org", "Powered by WordPress"], None, None) is None
    assert find_outlet(["© 2020 Theme by Someone"], None, ARCHIVED) == "example.com"
    assert find_outlet(["© 2024 WinFuture"], None, ARCHIVED) == "WinFuture"


def test_byline_with_photo_credit_and_repeated_name() -> None:
    assert find_authors(["By Jane Doe and John Roe | Photo: Max Muster"]) == \
        ["Jane Doe", "John Roe"]
    assert find_authors(["Von Anna Schmidt und ANNA SCHMIDT"]) == ["Anna Schmidt"]


def test_words_cut_from_a_longer_headline_do_not_repeat_it() -> None:
    lines = ["Ultium Cells erhöht Gigafactory-Kapazität - Battery-News.de", "Menü",
             "Ultium Cells", "Ultium Cells erhöht Gigafactory-Kapazität in Tennessee",
             "Das Gemeinschaftsunternehmen von General Motors und LG Energy Solution baut "
             "seine Batteriezellfabrik in Tennessee weiter aus und erhöht die Kapazität."]
    title = find_title(classify_lines(lines, "de"))
    assert title.title == "Ultium Cells erhöht Gigafactory-Kapazität in Tennessee"
