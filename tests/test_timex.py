"""Time expressions: absolute and relative, per language, with and without a publication date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsloom.model import TimeExpression
from newsloom.text.sentences import split_sentences
from newsloom.text.timex_resolve import bounds, easter
from newsloom.timeline import TimexOptions, dated_sentences, find_time_expressions

ANCHOR = date(2024, 3, 20)  # a Wednesday
SEED = Path(__file__).resolve().parents[1] / "examples" / "seeds" / "000_04d8964427728e2c.txt"


def only(text: str, lang: str | None, anchor: date | None = ANCHOR,
         options: TimexOptions | None = None) -> TimeExpression:
    found = find_time_expressions(text, lang, anchor, options)
    assert len(found) == 1, [f.text for f in found]
    expression = found[0]
    assert text[expression.start:expression.end] == expression.text
    return expression


# (lang, sentence, expected span, ISO value, granularity)
ABSOLUTE = [
    ("de", "Der Artikel erschien am 14.08.2019 online.", "14.08.2019", "2019-08-14", "day"),
    ("de", "Es war am 14. August 2019.", "14. August 2019", "2019-08-14", "day"),
    ("de", "Am Mittwoch, 14. August 2019 kam es.", "Mittwoch, 14. August 2019", "2019-08-14",
     "day"),
    ("de", "Seit März 2020 gilt das.", "seit März 2020", "2020-03", "month"),
    ("de", "Das war im Jahr 2019 anders.", "2019", "2019", "year"),
    ("de", "Wir feierten Ostern 2020 zu Hause.", "Ostern 2020", "2020-04-12", "day"),
    ("de", "Es lief zwischen 2019 und 2021 gut.", "2019 und 2021", "2019/2021", "range"),
    ("de", "In den 1990er Jahren war das anders.", "1990er Jahren", "1990/1999", "range"),
    ("de", "Im ersten Quartal 2020 sank der Umsatz.", "Im ersten Quartal 2020",
     "2020-01/2020-03", "range"),
    ("de", "Vom 14.-16. August 2019 tagte es.", "14.-16. August 2019",
     "2019-08-14/2019-08-16", "range"),
    ("en", "It happened on August 14, 2019 in Berlin.", "August 14, 2019", "2019-08-14", "day"),
    ("en", "It happened on 14 August 2019.", "14 August 2019", "2019-08-14", "day"),
    ("en", "Filed 2019-08-14 by staff.", "2019-08-14", "2019-08-14", "day"),
    ("en", "Filed 8/14/2019 by staff.", "8/14/2019", "2019-08-14", "day"),  # only US fits
    ("en", "Filed 14/08/2019 by staff.", "14/08/2019", "2019-08-14", "day"),  # only UK fits
    ("en", "Sales rose in early 2020.", "early 2020", "2020-01/2020-04", "range"),
    ("en", "It grew in the 1990s.", "1990s", "1990/1999", "range"),
    ("en", "It grew in the '90s.", "'90s", "1990/1999", "range"),
    ("en", "Revenue in Q3 2021 fell.", "Q3 2021", "2021-07/2021-09", "range"),
    ("nl", "Het verscheen op 18 maart 2024.", "18 maart 2024", "2024-03-18", "day"),
    ("nl", "Het gebeurde in maart 2024.", "maart 2024", "2024-03", "month"),
    ("nl", "Op 14-8-2019 kwam het.", "14-8-2019", "2019-08-14", "day"),
    ("nl", "Pasen 2021 viel vroeg.", "Pasen 2021", "2021-04-04", "day"),
    ("nl", "Dat moet nog voor 2020 klaar zijn.", "nog voor 2020", "2020", "year"),
    ("fr", "Il est arrivé le 3 mars 2020.", "3 mars 2020", "2020-03-03", "day"),
    ("fr", "Signé le 1er mars 2019.", "1er mars 2019", "2019-03-01", "day"),
    ("fr", "Le projet date de début 2020.", "début 2020", "2020-01/2020-04", "range"),
    ("fr", "Il vit en 2020 à Paris.", "2020", "2020", "year"),
    ("es", "Llegó el 3 de marzo de 2020.", "3 de marzo de 2020", "2020-03-03", "day"),
    ("es", "Ocurrió en marzo de 2020.", "marzo de 2020", "2020-03", "month"),
    ("es", "Ocurrió en los años 90.", "años 90", "1990/1999", "range"),
]


@pytest.mark.parametrize(("lang", "text", "span", "value", "granularity"), ABSOLUTE)
def test_absolute(lang: str, text: str, span: str, value: str, granularity: str) -> None:
    found = only(text, lang)
    assert (found.text.lower(), found.value, found.granularity) == (span.lower(), value,
                                                                    granularity)
    assert found.kind == "absolute" and found.resolved and found.anchor is None
    # absolute expressions need no anchor
    assert only(text, lang, None).value == value


# (lang, sentence, expected span, ISO value against ANCHOR, granularity)
RELATIVE = [
    ("de", "Gestern sagte er nichts.", "Gestern", "2024-03-19", "day"),
    ("de", "Vorgestern war es still.", "Vorgestern", "2024-03-18", "day"),
    ("de", "Das geschah vor drei Tagen.", "vor drei Tagen", "2024-03-17", "day"),
    ("de", "Das geschah vor zwei Wochen.", "vor zwei Wochen", "2024-W10", "week"),
    ("de", "Letztes Jahr lief es besser.", "Letztes Jahr", "2023", "year"),
    ("de", "Im vergangenen Monat sank es.", "Im vergangenen Monat", "2024-02", "month"),
    ("de", "Nächste Woche geht es los.", "Nächste Woche", "2024-W13", "week"),
    ("de", "Der Umsatz lag über dem Vorjahr.", "Vorjahr", "2023", "year"),
    ("de", "Er kam am Freitag an.", "Freitag", "2024-03-15", "day"),
    ("de", "Er kam letzten Mittwoch an.", "letzten Mittwoch", "2024-03-13", "day"),
    ("de", "Er kommt kommenden Montag.", "kommenden Montag", "2024-03-25", "day"),
    ("de", "Er kam am Mittwochabend an.", "Mittwochabend", "2024-03-20", "day"),
    ("de", "Das soll Anfang März passieren.", "Anfang März", "2024-03-01/2024-03-10", "range"),
    ("de", "Ende letzten Jahres kam die Wende.", "Ende letzten Jahres", "2023-09/2023-12",
     "range"),
    ("de", "Im November wurde gewählt.", "November", "2023-11", "month"),
    ("de", "Im Mai Wahlen abzuhalten, ist klug.", "Mai", "2024-05", "month"),
    ("de", "Es geschah am 14. August.", "14. August", "2023-08-14", "day"),
    ("de", "Es geschah am 14.8. in Bonn.", "14.8.", "2023-08-14", "day"),
    ("de", "Seit zwei Jahren streiten sie.", "Seit zwei Jahren", "2022", "year"),
    ("en", "Yesterday the firm said so.", "Yesterday", "2024-03-19", "day"),
    ("en", "On Monday President Smith spoke.", "Monday", "2024-03-18", "day"),
    ("en", "It was sold last Wednesday.", "last Wednesday", "2024-03-13", "day"),
    ("en", "It will be sold next Monday.", "next Monday", "2024-03-25", "day"),
    ("en", "It was sold two weeks ago.", "two weeks ago", "2024-W10", "week"),
    ("en", "It was sold 3 days ago.", "3 days ago", "2024-03-17", "day"),
    ("en", "It will be sold in two years.", "in two years", "2026", "year"),
    ("en", "Prices rose last year.", "last year", "2023", "year"),
    ("en", "Prices rise next month.", "next month", "2024-04", "month"),
    ("en", "The vote is in May.", "May", "2024-05", "month"),
    ("en", "The vote was last May.", "last May", "2023-05", "month"),
    ("en", "It starts in mid-March.", "mid-March", "2024-03-11/2024-03-20", "range"),
    ("en", "It ended at the end of last year.", "at the end of last year", "2023-09/2023-12",
     "range"),
    ("nl", "Afgelopen woensdag tekende hij.", "Afgelopen woensdag", "2024-03-13", "day"),
    ("nl", "Gisteren tekende hij.", "Gisteren", "2024-03-19", "day"),
    ("nl", "Eergisteren tekende hij.", "Eergisteren", "2024-03-18", "day"),
    ("nl", "Dat was twee weken geleden.", "twee weken geleden", "2024-W10", "week"),
    ("nl", "Vorige maand daalde het.", "Vorige maand", "2024-02", "month"),
    ("nl", "Nog dit jaar volgt meer.", "dit jaar", "2024", "year"),
    ("nl", "Volgend jaar volgt meer.", "Volgend jaar", "2025", "year"),
    ("nl", "Eind vorig jaar begon het.", "Eind vorig jaar", "2023-09/2023-12", "range"),
    ("nl", "Begin maart begon het.", "Begin maart", "2024-03-01/2024-03-10", "range"),
    ("fr", "Il y a deux ans, tout a changé.", "Il y a deux ans", "2022", "year"),
    ("fr", "Il a signé mercredi dernier.", "mercredi dernier", "2024-03-13", "day"),
    ("fr", "Il a signé hier.", "hier", "2024-03-19", "day"),
    ("fr", "Il a signé avant-hier.", "avant-hier", "2024-03-18", "day"),
    ("fr", "Il signe demain.", "demain", "2024-03-21", "day"),
    ("fr", "L'année dernière fut dure.", "L'année dernière", "2023", "year"),
    ("fr", "Il vient la semaine prochaine.", "la semaine prochaine", "2024-W13", "week"),
    ("fr", "Il vient ce mois-ci.", "ce mois-ci", "2024-03", "month"),
    ("fr", "Il vient fin mars.", "fin mars", "2024-03-21/2024-03-31", "range"),
    ("fr", "Il vient dans trois jours.", "dans trois jours", "2024-03-23", "day"),
    ("es", "Hace tres meses cambió todo.", "Hace tres meses", "2023-12", "month"),
    ("es", "Firmó el pasado miércoles.", "el pasado miércoles", "2024-03-13", "day"),
    ("es", "Firmó el lunes en Madrid.", "lunes", "2024-03-18", "day"),
    ("es", "Firmó ayer.", "ayer", "2024-03-19", "day"),
    ("es", "Firmó anteayer.", "anteayer", "2024-03-18", "day"),
    ("es", "Firmará mañana.", "mañana", "2024-03-21", "day"),
    ("es", "Firmó esta mañana.", "esta mañana", "2024-03-20", "day"),
    ("es", "El año pasado fue duro.", "El año pasado", "2023", "year"),
    ("es", "Llega la próxima semana.", "la próxima semana", "2024-W13", "week"),
    ("es", "Llega el mes que viene.", "el mes que viene", "2024-04", "month"),
    ("es", "Ocurrió a finales del año pasado.", "a finales del año pasado", "2023-09/2023-12",
     "range"),
    ("es", "Ocurrió a mediados de marzo.", "a mediados de marzo", "2024-03-11/2024-03-20",
     "range"),
    ("es", "Ocurrió el 3 de marzo.", "3 de marzo", "2024-03-03", "day"),
]


@pytest.mark.parametrize(("lang", "text", "span", "value", "granularity"), RELATIVE)
def test_relative(lang: str, text: str, span: str, value: str, granularity: str) -> None:
    found = only(text, lang)
    assert (found.text, found.value, found.granularity) == (span, value, granularity)
    assert found.kind == "relative" and found.resolved and found.anchor == "2024-03-20"


@pytest.mark.parametrize(("lang", "text", "span", "value", "granularity"), RELATIVE)
def test_relative_without_anchor_stays_unresolved(lang: str, text: str, span: str, value: str,
                                                  granularity: str) -> None:
    found = only(text, lang, None)
    assert (found.text, found.granularity) == (span, granularity)
    assert (found.value, found.resolved, found.anchor, found.kind) == (None, False, None,
                                                                      "relative")


@pytest.mark.parametrize(("lang", "text"), [
    ("de", "Kurz vor Weihnachten kam die Nachricht."),
    ("en", "Shortly before Christmas the news came."),
    ("nl", "Vlak voor Kerstmis kwam het nieuws."),
    ("fr", "Peu avant Noël, la nouvelle est tombée."),
    ("es", "Poco antes de Navidad llegó la noticia."),
])
def test_shortly_before_christmas(lang: str, text: str) -> None:
    # the occurrence in the window 9 months back .. 2 months ahead of the anchor
    assert only(text, lang, date(2020, 1, 10)).value == "2019-12-18/2019-12-24"
    assert only(text, lang, date(2019, 12, 28)).value == "2019-12-18/2019-12-24"
    assert only(text, lang, date(2019, 11, 20)).value == "2019-12-18/2019-12-24"  # upcoming
    assert only(text, lang, date(2019, 6, 1)).value == "2018-12-18/2018-12-24"
    unresolved = only(text, lang, None)
    assert (unresolved.value, unresolved.granularity, unresolved.kind) == (None, "range",
                                                                           "relative")


def test_year_inference_window_and_weekday() -> None:
    assert only("Im Januar kommt es.", "de", date(2023, 12, 10)).value == "2024-01"
    assert only("Im Januar kam es.", "de", date(2024, 10, 10)).value == "2024-01"
    assert only("Am 14. August kam es.", "de", date(2024, 8, 20)).value == "2024-08-14"
    # the window says 2020, but 14 August 2020 was a Friday: the stated weekday picks 2019
    found = only("Am Mittwoch, 14. August, kam es.", "de", date(2020, 6, 1))
    assert (found.text, found.value) == ("Mittwoch, 14. August", "2019-08-14")


def test_modifiers() -> None:
    assert only("Dat moet nog voor 2020 klaar zijn.", "nl").modifier == "before"
    assert only("De plannen voor 2020 zijn klaar.", "nl").modifier is None  # "voor" = "for"
    until = only("Das gilt bis Ende 2020.", "de")
    assert (until.text, until.value, until.modifier) == ("bis Ende 2020", "2020-09/2020-12",
                                                         "until")
    assert only("Il vit ici depuis 2019.", "fr").modifier == "since"
    assert only("Se hará antes de 2020.", "es").modifier == "before"
    assert only("Es ist in Kraft jusqu'en 2025.", "fr").modifier == "until"
    since = only("Desde hace dos años vive aquí.", "es")
    assert (since.value, since.modifier) == ("2022", "since")


def test_english_numeric_ambiguity() -> None:
    found = only("Filed 3/4/2019 by staff.", "en")
    assert (found.value, found.resolved, found.kind) == (None, False, "absolute")
    assert only("Filed 3/4/2019.", "en", options=TimexOptions(us_dates=True)).value == "2019-03-04"
    assert only("Filed 3/4/2019.", "en", options=TimexOptions(us_dates=False)).value == \
        "2019-04-03"
    assert only("Filed 3.4.2019.", "en").value == "2019-04-03"  # dots: day first
    assert only("Am 3/4/2019 kam es.", "de").value == "2019-04-03"  # day first outside en


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "You may want to march on, and it may rain."),
    ("en", "After May resigned, the party met."),
    ("en", "The score was 3-1, version 2.10 shipped, call 555-1234 at 14:30."),
    ("en", "Version 1.2.2020 fixes it; it costs $2019 and 2019 people came."),
    ("en", "The Sunday Times and Monday Night Football reported it."),
    ("de", "Das Treffen um 14.30 Uhr endete 3:1 für den 1. FC Köln."),
    ("de", "Gerhard Mai sagte, es koste 2019 Euro."),
    ("de", "Am Morgen war es kalt."),
    ("de", "Ein Film von August Diehl und für Mai Thi."),
    ("en", "A column for April Ryan, from June Carter."),
    ("de", "© 2024 WinFuture"),
    ("de", "Im Jahr 1850 und am 31.02.2019 nicht."),
    ("de", "Die Werte stiegen um 12.5 Prozent auf 2019,5 Punkte."),
    ("nl", "Zij pasen de schoenen in de morgen."),
    ("fr", "Bruno Mars chante; il y a deux problèmes."),
    ("es", "Plácido Domingo cantó; hace dos goles por la mañana."),
])
def test_false_positive_guards(lang: str, text: str) -> None:
    assert find_time_expressions(text, lang, ANCHOR) == []


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "He was born on 25 March 1829 in Vienna."),
    ("en", "The treaty of March 3, 1878 ended the war."),
    ("de", "Goethe starb am 22. März 1832 in Weimar."),
    ("es", "Nació el 2 de mayo de 1808 en Madrid."),
])
def test_a_day_of_a_year_outside_the_window_is_not_moved_into_the_anchor_year(
        lang: str, text: str) -> None:
    found = find_time_expressions(text, lang, ANCHOR)
    assert all(not (e.value or "").startswith(str(ANCHOR.year)) for e in found), found


def test_year_range_option() -> None:
    assert only("Im Jahr 1999 begann es.", "de").value == "1999"
    assert find_time_expressions("Im Jahr 1999 begann es.", "de", ANCHOR,
                                 TimexOptions(min_year=2000)) == []


def test_unknown_language_reads_only_full_dates() -> None:
    found = find_time_expressions("Oggi, 14 agosto 2019, e ieri; am 3.4.2019 gestern.", None,
                                  ANCHOR)
    assert [(f.text, f.value) for f in found] == [("14 agosto 2019", "2019-08-14"),
                                                  ("3.4.2019", "2019-04-03")]
    assert [f.value for f in find_time_expressions("Gestern, 14.08.2019", "de-AT", ANCHOR)] == [
        "2024-03-19", "2019-08-14"]


def test_sentences_and_offsets() -> None:
    text = "Am 14. August 2019 kam er an. Gestern ging er.\nDr. Meier sprach am Montag."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Am 14. August 2019 kam er an.", "Gestern ging er.", "Dr. Meier sprach am Montag."]
    sentences = dated_sentences(text, "de", ANCHOR)
    assert [[t.value for t in s.times] for s in sentences] == [
        ["2019-08-14"], ["2024-03-19"], ["2024-03-18"]]
    for sentence in sentences:
        for expression in sentence.times:
            assert sentence.start <= expression.start < expression.end <= sentence.end


def test_seed_article() -> None:
    text = SEED.read_text(encoding="utf-8")
    found = find_time_expressions(text, "de", None)
    # the dateline "14.08.2019  16:36 Uhr" is the one date; the time and "© 2024" are not
    assert [(f.text, f.value, f.granularity) for f in found] == [
        ("14.08.2019", "2019-08-14", "day")]
    sentence = next(s for s in dated_sentences(text, "de", None) if s.times)
    assert sentence.text.startswith("14.08.2019")


def test_calendar_helpers() -> None:
    assert [easter(y).isoformat() for y in (2019, 2020, 2024)] == [
        "2019-04-21", "2020-04-12", "2024-03-31"]
    assert bounds("2024-W10") == (date(2024, 3, 4), date(2024, 3, 10))
    assert bounds("2023-09/2023-12") == (date(2023, 9, 1), date(2023, 12, 31))
    assert bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
