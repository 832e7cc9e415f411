"""Shared pieces of the time-expression patterns: options, candidates, regex fragments and
the small parsers every handler uses (year range, name case rules, day validity)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from newsloom.text.timex_lexicon import Lexicon
from newsloom.text.timex_resolve import Spec


@dataclass(frozen=True)
class TimexOptions:
    """Knobs for :func:`newsloom.text.timex.find_time_expressions`."""

    # English "3/4/2019": True reads month first (US), False day first; None leaves dates whose
    # reading is open unresolved. Day-first is always used for de, nl, fr, es and for "3.4.2019".
    us_dates: bool | None = None
    min_year: int = 1900  # years outside [min_year, max_year] are never dates
    max_year: int = 2100


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    spec: Spec
    needs_context: bool = False  # a bare month or year: only a date after "im", "in", "seit"...
    since: bool = False  # the pattern itself says "since": "seit zwei Jahren"


Handler = Callable[[re.Match[str], str, "Grammar"], Candidate | None]


@dataclass(frozen=True)
class Grammar:
    lang: str | None
    lex: Lexicon | None
    months: Mapping[str, int]
    options: TimexOptions
    patterns: tuple[tuple[re.Pattern[str], Handler], ...]


def alternation(words: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


def numbered_groups(items: Iterable[str], prefix: str) -> str:
    return "|".join(f"(?P<{prefix}{i}>{item})" for i, item in enumerate(items))


def matched_index(match: re.Match[str], prefix: str, count: int) -> int | None:
    """Index of the numbered group ``prefix{i}`` that took part in the match."""
    groups = match.groupdict()
    for index in range(count):
        if groups.get(f"{prefix}{index}") is not None:
            return index
    return None


YEAR = r"(?P<y>(?:19|20)\d\d)(?![\d%]|[.,]\d)"
ORDINAL = r"(?:\.|er|e|st|nd|rd|th|º|°)?"
# A number right after a year is a quantity, not a date: "2019 Euro", "2000 Menschen".
NOT_QUANTITY = (r"(?!\s*(?:%|€|\$|£|[Pp]rozent|percent|per\s+cent|procent|pour\s*cent"
                 r"|por\s+ciento|[Ee]uros?\b|[Dd]ollars?\b|[Mm]ill|[Mm]io\b|[Mm]rd\b|km\b|kg\b"
                 r"|Menschen|Stück|people|mensen|personnes|personas))")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"«“(]\s*)$")
VERSION = re.compile(r"(?:ersion|ersie|ersión|release|\bv)\s*$", re.IGNORECASE)


def stated_year(match: re.Match[str], group: str = "y") -> int | None:
    """The year group, ``None`` when absent."""
    raw = match.groupdict().get(group)
    return None if raw is None else int(raw)


def year_ok(match: re.Match[str], grammar: Grammar, group: str = "y") -> bool:
    """False when the match states a year outside the plausible range."""
    year = stated_year(match, group)
    return year is None or grammar.options.min_year <= year <= grammar.options.max_year


def _name_ok(token: str, text: str, start: int, grammar: Grammar, *, bare: bool) -> bool:
    """Case rule for month/weekday names: upper-case in en/de ("may" is a verb); lower-case in
    nl/fr/es when bare unless a sentence starts there ("Domingo" is a name)."""
    if grammar.lex is None:
        return True
    if grammar.lex.capitalised:
        return token[:1].isupper()
    return not bare or token[:1].islower() or bool(_SENTENCE_START.search(text[:start]))


def month_of(match: re.Match[str], text: str, grammar: Grammar, *, bare: bool = False
           ) -> int | None:
    token = match.group("mn")
    if not _name_ok(token, text, match.start("mn"), grammar, bare=bare):
        return None
    return grammar.months.get(token.lower().rstrip("."))


def weekday_of(match: re.Match[str], text: str, grammar: Grammar, *, bare: bool = False
             ) -> int | None:
    token = match.groupdict().get("wd")
    if token is None or grammar.lex is None:
        return None
    if not _name_ok(token, text, match.start("wd"), grammar, bare=bare):
        return None
    return grammar.lex.weekdays.get(token.lower())


def valid_day(year: int | None, month: int, day: int) -> bool:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February stays possible
    except ValueError:
        return False
    return True


def span(match: re.Match[str], spec: Spec, needs_context: bool = False, since: bool = False
          ) -> Candidate:
    group = "e" if match.groupdict().get("e") is not None else 0
    return Candidate(match.start(group), match.end(group), spec, needs_context, since)
