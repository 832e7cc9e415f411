"""Regular expressions that find time expressions, and the handlers that parse each match.

Every pattern yields :class:`Candidate` records (span + parsed :data:`Spec`); choosing among
overlapping candidates and reading modifiers to their left happens in :mod:`timex`.
Patterns are compiled once per language. Without a supported language only language-neutral
forms are read (numeric dates, and month names with a day or year via
:func:`newsloom.text.calendars.month_names`): relative words are too ambiguous across languages
("hier" is yesterday in French, here in Dutch and German).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from newsloom.text.calendars import month_names
from newsloom.text.timex_base import (
    NOT_QUANTITY,
    ORDINAL,
    VERSION,
    YEAR,
    Candidate,
    Grammar,
    Handler,
    TimexOptions,
    alternation,
    matched_index,
    month_of,
    numbered_groups,
    span,
    stated_year,
    valid_day,
    weekday_of,
    year_ok,
)
from newsloom.text.timex_lexicon import Lexicon, lexicon
from newsloom.text.timex_resolve import (
    AmbiguousSpec,
    DaySpec,
    HolidaySpec,
    MonthSpec,
    QuarterSpec,
    ShiftSpec,
    WeekdayDirection,
    WeekdaySpec,
    YearSpec,
)


def _iso(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    year, month, day = stated_year(match), int(match["m"]), int(match["d"])
    if not year_ok(match, grammar) or not valid_day(year, month, day):
        return None
    return span(match, DaySpec(year, month, day))


def _numeric(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    """14.08.2019, 14/08/2019, 8/14/2019: day first unless the text settles it otherwise."""
    year = stated_year(match)
    first, second = int(match["a"]), int(match["b"])
    if not year_ok(match, grammar) or VERSION.search(text, max(0, match.start() - 12),
                                                       match.start()):
        return None
    if match["s"] != "." and first <= 12 < second:
        day, month = second, first  # only month-first reads it
    elif match["s"] != "." and grammar.lang == "en" and first <= 12 and first != second:
        if grammar.options.us_dates is None:
            ok = valid_day(year, first, second) or valid_day(year, second, first)
            return span(match, AmbiguousSpec()) if ok else None
        day, month = (second, first) if grammar.options.us_dates else (first, second)
    else:
        day, month = first, second
    if not valid_day(year, month, day):
        return None
    return span(match, DaySpec(year, month, day))


def _day_month(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    """14. August 2019, 3 de marzo de 2020, Mittwoch, 14. August, 14.-16. August, August 14."""
    month, year = month_of(match, text, grammar), stated_year(match)
    if month is None or not year_ok(match, grammar):
        return None
    day = int(match["d"])
    first = int(match["d0"]) if match.groupdict().get("d0") else day
    last = int(match["d1"]) if match.groupdict().get("d1") else day
    if not (valid_day(year, month, first) and valid_day(year, month, last) and first <= last):
        return None
    if year is None and grammar.lang is None:
        return None  # without a language only full dates are read
    weekday = weekday_of(match, text, grammar)
    if match.groupdict().get("wd") and weekday is None:
        return None
    return span(match, DaySpec(year, month, first, last if last != first else None, weekday))


def _month_year(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    token = match["mn"]
    full = grammar.lex is None or token.lower() in grammar.lex.full_months
    year = stated_year(match)
    month = month_of(match, text, grammar)
    # "mar 2020" (Spanish: sea) is not March; an abbreviation needs its dot or a capital
    if (month is None or year is None or not year_ok(match, grammar)
            or not (full or match["dot"] or token[:1].isupper())):
        return None
    return span(match, MonthSpec(year, month))


def _direction(match: re.Match[str], grammar: Grammar) -> int | None:
    lex = grammar.lex
    assert lex is not None
    for group, table in (("pre", lex.rel_pre), ("post", lex.rel_post)):
        index = matched_index(match, group, len(table))
        if index is not None:
            return table[index][1]
    return None


_EN_MAY_CONTEXT = re.compile(r"(?:\bin|\bof|early|mid-?|late|last|next|this)\s*$", re.IGNORECASE)
# months that are also first names: followed by a capitalised word they are a person
# (German nouns are capitalised too, so "im Mai Wahlen" stays a month: "im", "in" and the
# part-of words are never said of a person)
_NAME_MONTHS = {"en": {"April", "June", "August", "May"}, "de": {"August", "Mai"}}
_CAPITALISED_AFTER = re.compile(r"\s+[A-ZÄÖÜ][a-zäöüß]")
_MONTH_ONLY_BEFORE = re.compile(r"(?:\bim|\bin|Anfang|Mitte|Ende|early|mid-?|late)\s*$",
                                re.IGNORECASE)


def _bare_month(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    token = match["mn"]
    if token.lower() not in grammar.lex.full_months:
        return None
    month = month_of(match, text, grammar, bare=True)
    direction = _direction(match, grammar)
    if month is None:
        return None
    # "May" is also a surname ("after May resigned"): only after "in", "early", "last"...
    if (grammar.lang == "en" and token == "May" and direction is None
            and not _EN_MAY_CONTEXT.search(text, max(0, match.start() - 12), match.start())):
        return None
    if (token in _NAME_MONTHS.get(grammar.lex.lang, ()) and direction is None
            and _CAPITALISED_AFTER.match(text, match.end())
            and not _MONTH_ONLY_BEFORE.search(text, max(0, match.start() - 8), match.start())):
        return None  # "von August Diehl", "for April Ryan"
    return span(match, MonthSpec(None, month, direction or 0), needs_context=direction is None)


def _bare_year(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    year = stated_year(match)
    if year is None or not year_ok(match, grammar):
        return None
    return span(match, YearSpec(year), needs_context=True)


def _year_range(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    first, last = stated_year(match), stated_year(match, "y1")
    if (first is None or last is None or not first < last <= first + 100
            or not (year_ok(match, grammar) and year_ok(match, grammar, "y1"))):
        return None
    if match["join"].strip().isalpha() and match["join"].strip().lower() in _CONJUNCTIONS \
            and not match.groupdict().get("between"):
        return None  # "2019 und 2020" are two years; "zwischen 2019 und 2020" is a range
    return span(match, YearSpec(first, last))


_CONJUNCTIONS = {"and", "und", "en", "et", "y"}


def _decade(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    raw = match["dec"]
    start = int(raw) if len(raw) == 4 else (2000 if int(raw) <= 20 else 1900) + int(raw)
    return span(match, YearSpec(start, start + 9))


def _quarter(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    year = stated_year(match)
    if not year_ok(match, grammar):
        return None
    raw = match.groupdict().get("q")
    if raw is not None:
        assert grammar.lex is not None
        quarter = grammar.lex.quarters.get(raw.lower())
    else:
        quarter = int(match["qn"])
    if quarter is None or (year is None and grammar.lex is None):
        return None
    return span(match, QuarterSpec(year, quarter))


def _holiday(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    index = matched_index(match, "h", len(grammar.lex.holidays))
    year = stated_year(match)
    if index is None or not year_ok(match, grammar):
        return None
    return span(match, HolidaySpec(grammar.lex.holidays[index][1], year))


def _day_word(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    index = matched_index(match, "w", len(grammar.lex.day_words))
    return None if index is None else span(
        match, ShiftSpec("day", grammar.lex.day_words[index][1]))


_DIRECTIONS: dict[int | None, WeekdayDirection] = {None: "past", -1: "last", 0: "this", 1: "next"}


_EN_TITLE_AFTER = re.compile(r"\s+[A-Z]")
_EN_ON = re.compile(r"\bon\s+$", re.IGNORECASE)


def _weekday_ref(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    weekday = weekday_of(match, text, grammar, bare=True)
    direction = _direction(match, grammar)
    if weekday is None:
        return None
    # "the Sunday Times", "Monday Night Football": a capitalised word after a bare English
    # weekday makes it part of a name, unless "on" says it is a day
    if (grammar.lang == "en" and direction is None and _EN_TITLE_AFTER.match(text, match.end())
            and not _EN_ON.search(text, max(0, match.start() - 4), match.start())):
        return None
    return span(match, WeekdaySpec(weekday, _DIRECTIONS[direction]))


def _period_ref(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    direction = _direction(match, grammar)
    unit = grammar.lex.units.get(match["unit"].lower())
    if direction is None or unit is None:
        return None
    return span(match, ShiftSpec(unit, direction))


def _period_word(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    index = matched_index(match, "w", len(grammar.lex.rel_words))
    if index is None:
        return None
    _, unit, amount = grammar.lex.rel_words[index]
    return span(match, ShiftSpec(unit, amount))


def _ago(match: re.Match[str], text: str, grammar: Grammar) -> Candidate | None:
    assert grammar.lex is not None
    index = matched_index(match, "t", len(grammar.lex.ago))
    since = match.groupdict().get("since") is not None
    raw = match["n"].lower()
    amount = int(raw) if raw.isdigit() else grammar.lex.numbers.get(raw)
    unit = grammar.lex.units.get(match["unit"].lower())
    if (index is None and not since) or amount is None or unit is None:
        return None
    direction = -1 if since or index is None else grammar.lex.ago[index][1]
    return span(match, ShiftSpec(unit, amount * direction), since=since)


def _numeric_patterns(month_alt: str) -> list[tuple[str, Handler]]:
    return [
        (r"(?<![\w./-])(?P<y>(?:19|20)\d\d)(?P<s>[-/])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)"
         r"(?![\d/]|[-.]\d)", _iso),
        (rf"(?<![\w./,-])(?P<a>\d{{1,2}})(?P<s>[./-])(?P<b>\d{{1,2}})(?P=s){YEAR}(?![/-]\d)",
         _numeric),
        (rf"(?<![\w])(?P<mn>{month_alt})(?!\w)(?P<dot>\.)?,?\s+(?:de\s+|del\s+)?{YEAR}"
         rf"{NOT_QUANTITY}", _month_year),
    ]


def _day_month_patterns(month_alt: str, weekday_alt: str) -> list[tuple[str, Handler]]:
    lead = (rf"(?:(?P<wd>{weekday_alt})\s*,?\s+(?:(?:den|dem|the|le|el)\s+)?)?"
            if weekday_alt else "")
    day_range = (rf"(?:(?P<d0>\d{{1,2}}){ORDINAL}\s*(?:[-–]|bis(?:\s+zum)?|to|tot(?:\s+en\s+met)?"
                 rf"|t/m|au|al)\s*)?")
    return [
        (rf"(?<![\w.,/-]){lead}{day_range}(?P<d>\d{{1,2}}){ORDINAL}\s*(?:de\s+|of\s+)?"
         rf"(?P<mn>{month_alt})(?!\w)(?:\.?,?\s*(?:de\s+|del\s+)?{YEAR})?", _day_month),
        (rf"(?<![\w]){lead}(?P<mn>{month_alt})(?!\w)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
         rf"(?:\s*[-–]\s*(?P<d1>\d{{1,2}}))?(?:,?\s+{YEAR})?(?![\w:]|[.,]\d)", _day_month),
    ]


def _lexicon_patterns(lex: Lexicon, month_alt: str, weekday_alt: str
                      ) -> list[tuple[str, Handler]]:
    wide = alternation(lex.full_months)
    pre = numbered_groups((p for p, _ in lex.rel_pre), "pre")
    post = numbered_groups((p for p, _ in lex.rel_post), "post")
    post_opt = rf"(?:\s*(?:{post}))?" if post else ""
    number = rf"(?P<n>\d{{1,3}}|{alternation(lex.numbers)})"
    unit = rf"(?P<unit>{alternation(lex.units)})(?!\w)"
    period = rf"(?P<unit>{alternation(lex.period_units.split())})(?!\w)"
    # `re` forbids repeating the n/unit group names across alternatives: one pattern each
    ago_patterns = [
        (rf"(?<![\w])(?P<t{i}>{t.format(num=number, unit=unit)})", _ago)
        for i, (t, _) in enumerate(lex.ago)
    ] + [(rf"(?<![\w])(?P<since>{t.format(num=number, unit=unit)})", _ago) for t in lex.since_ago]
    quarter = lex.quarter_pattern.format(q=alternation(lex.quarters), year=YEAR)
    patterns: list[tuple[str, Handler] | None] = [
        (rf"(?<![\w])(?:(?:{pre})\s+)?{lex.month_of}(?P<mn>{wide})(?!\w|['’]s){post_opt}",
         _bare_month),
        (rf"(?<![\w])(?:(?:{pre})\s+)?(?P<wd>{weekday_alt}){lex.weekday_compound}(?!\w)"
         rf"{post_opt}", _weekday_ref),
        (rf"(?<![\w]){lex.unit_article}(?:{pre})\s+{period}{post_opt}", _period_ref),
        (rf"(?<![\w]){lex.unit_article}{period}\s*(?:{post})", _period_ref) if post else None,
        (rf"(?<![\w])(?:{numbered_groups((w for w, _, _ in lex.rel_words), 'w')})(?!\w)",
         _period_word) if lex.rel_words else None,
        (rf"(?<![\w])(?:{numbered_groups((w for w, _ in lex.day_words), 'w')})(?!\w)",
         _day_word),
        (rf"(?<![\w])(?:{numbered_groups((h for h, _ in lex.holidays), 'h')})(?!\w)"
         rf"(?:\s+{YEAR})?", _holiday),
        (rf"(?<![\w]){quarter}(?!\w)", _quarter),
        *((rf"(?<![\w]){d}(?!\w)", _decade) for d in lex.decades),
        *ago_patterns,
    ]
    return [p for p in patterns if p is not None]


_COMMON: list[tuple[str, Handler]] = [
    (rf"(?<![\w.,/€$£-]){YEAR}{NOT_QUANTITY}(?![\w/-])", _bare_year),
    (r"(?<![\w.,/-])(?P<between>(?:zwischen|between|entre|tussen)\s+)?(?P<e>(?P<y>(?:19|20)\d\d)"
     r"(?P<join>\s*[-–]\s*|\s+(?:bis|to|until|tot|à|al|hasta|and|und|en|et|y)\s+)"
     r"(?P<y1>(?:19|20)\d\d))(?![\w%]|[.,]\d)", _year_range),
    (rf"(?<![\w])Q(?P<qn>[1-4])[\s/-]*{YEAR}", _quarter),
]


@lru_cache(maxsize=16)
def grammar(lang: str | None, options: TimexOptions) -> Grammar:
    """Compiled patterns for one language (``None``/unsupported: language-neutral forms)."""
    lex = lexicon(lang) if lang else None
    months: Mapping[str, int] = lex.months if lex else month_names()
    month_alt = alternation(months)
    weekday_alt = alternation(lex.weekdays) if lex else ""
    day_month = _day_month_patterns(month_alt, weekday_alt)
    # "August 14" is English (and language-neutral full dates); elsewhere it is noise
    sources = _numeric_patterns(month_alt) + day_month[:1 if lex and lex.lang != "en" else 2]
    sources += _COMMON if lex else _COMMON[1:]
    if lex:
        sources += _lexicon_patterns(lex, month_alt, weekday_alt)
    if lex and lex.lang in ("de", "nl"):
        # "am 14.8.": German and Dutch write year-less numeric days; the preposition keeps
        # section numbers and "14.30 Uhr" out
        sources.append((r"(?<![\w])(?:am|vom|bis(?:\s+zum)?|zum|ab|seit|op|van|tot)\s+"
                        r"(?P<e>(?P<a>[0-3]?\d)(?P<s>\.)(?P<b>[01]?\d)\.)(?!\d)", _numeric))
    compiled = tuple((re.compile(source, re.IGNORECASE), handler) for source, handler in sources)
    return Grammar(lang if lex else None, lex, months, options, compiled)
