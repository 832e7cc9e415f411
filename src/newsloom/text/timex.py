"""Time expressions in article text: find them, normalise them, resolve relative ones.

:func:`find_time_expressions` is regex-first (patterns in :mod:`timex_patterns`, words in
:mod:`timex_lexicon`, month and weekday names from Babel) with our own resolution
(:mod:`timex_resolve` documents the year, weekday, part-of-period and holiday rules).
Relative expressions are resolved against the publication date only; without one they are
returned with ``resolved=False`` and no value, never guessed.

Conservative on purpose, since timelines are built from what this returns:

* a bare year is a date only after a context word ("im Jahr", "in", "seit", "nog voor",
  "en", "Anfang"...): "2019 Euro", "© 2024" and "Er ist 2019 gestorben" give nothing;
* a bare month needs a context word too, English "May" only after "in", "of", "early", "last"...
  and month names that are first names ("August Diehl", "April Ryan") are skipped;
* "3/4/2019" in English is left unresolved unless ``TimexOptions.us_dates`` says how to read
  it; dates only one reading fits ("8/14/2019", "14/08/2019") are read that way; dots and the
  other languages are day first.

``dateparser`` is not used: its ``search_dates`` reads verbs as months ("you may", "march on"),
scores as dates ("3-1"), misreads "il y a deux ans, mercredi" as one date, and manages about
200 sentences/s where this runs at several thousand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from newsloom.model import TimeExpression, TimexGranularity, TimexModifier
from newsloom.text.timex_base import Candidate, Grammar, TimexOptions
from newsloom.text.timex_lexicon import Lexicon, Modifier, Part, lexicon
from newsloom.text.timex_patterns import grammar
from newsloom.text.timex_resolve import (
    DaySpec,
    MonthSpec,
    Period,
    YearSpec,
    apply_part,
    apply_shortly,
    base_granularity,
    needs_anchor,
    resolve,
)

__all__ = ["TimexOptions", "find_time_expressions", "normalise_lang"]

_LOOK_LEFT = 40  # characters searched for "im", "kurz vor", "a finales de" before a match


def normalise_lang(lang: str | None) -> str | None:
    """"de-AT", "DE", "de_CH" → "de"; ``None`` stays ``None``."""
    if not lang:
        return None
    return re.split(r"[-_]", lang.strip().lower(), maxsplit=1)[0] or None


@dataclass(frozen=True)
class _Left:
    """Compiled look-left patterns of one language."""

    context: re.Pattern[str]  # anything that makes a bare month or year a date
    parts: re.Pattern[str]
    modifiers: re.Pattern[str]


def _ending(alternatives: list[str]) -> re.Pattern[str]:
    groups = "|".join(f"(?P<g{i}>{a})" for i, a in enumerate(alternatives))
    return re.compile(rf"(?<![\w])(?:{groups})\s*$", re.IGNORECASE)


def _left(lex: Lexicon) -> _Left:
    return _left_for(lex.lang)


@lru_cache(maxsize=8)
def _left_for(lang: str) -> _Left:
    lex = lexicon(lang)
    assert lex is not None
    parts = [p for p, _ in lex.parts]
    modifiers = [m for m, _ in lex.modifiers]
    return _Left(_ending([lex.context, *parts, *modifiers]), _ending(parts), _ending(modifiers))


def _group_index(match: re.Match[str]) -> int:
    return next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)


def _choose(candidates: list[tuple[int, Candidate]]) -> list[Candidate]:
    """Non-overlapping candidates: the longest first, then the pattern listed first."""
    ordered = sorted(candidates, key=lambda item: (item[1].start - item[1].end, item[0]))
    taken: list[Candidate] = []
    for _, candidate in ordered:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in taken):
            taken.append(candidate)
    return sorted(taken, key=lambda c: c.start)


def _extend_left(text: str, candidate: Candidate, floor: int, lex: Lexicon
                 ) -> tuple[int, Part | None, Modifier | None]:
    """Start, part of period and modifier read from the words just before ``candidate``:
    "Ende" 2020, "kurz vor" Weihnachten, "bis Ende" 2020, "nog voor" 2020."""
    start, part, modifier = candidate.start, None, None
    granularity = base_granularity(candidate.spec)
    left = _left(lex)
    if granularity in ("month", "year") and not (isinstance(candidate.spec, YearSpec)
                                                  and candidate.spec.last_year):
        found = left.parts.search(text, max(floor, start - _LOOK_LEFT), start)
        if found:
            part = lex.parts[_group_index(found)][1]
            start = found.start()
    found = left.modifiers.search(text, max(floor, start - _LOOK_LEFT), start)
    if found:
        modifier = lex.modifiers[_group_index(found)][1]
        start = found.start()
        if modifier.startswith("shortly-") and (part or granularity != "day"):
            modifier = "before" if modifier == "shortly-before" else "after"
    return start, part, modifier


# "shortly before" becomes a range of days; the other modifiers qualify the value
_PLAIN: dict[Modifier, TimexModifier | None] = {
    "before": "before", "after": "after", "since": "since", "until": "until",
    "shortly-before": None, "shortly-after": None,
}


def _granularity(period: Period | None, base: TimexGranularity, changed: bool
                 ) -> TimexGranularity:
    if period is not None:
        return period.granularity
    return "range" if changed else base


def find_time_expressions(text: str, lang: str | None, anchor: date | None,
                          options: TimexOptions | None = None) -> list[TimeExpression]:
    """Dates and time expressions in ``text``, in reading order, with ISO values.

    ``lang`` selects the words (de, en, nl, fr, es; anything else reads only numeric dates and
    month names with a year). ``anchor`` is the publication date relative expressions ("gestern",
    "last year", a date without a year) are resolved against; ``None`` leaves them unresolved.
    Offsets index ``text``. Pure and deterministic.
    """
    rules = grammar(normalise_lang(lang), options or TimexOptions())
    candidates: list[tuple[int, Candidate]] = []
    for order, (pattern, handler) in enumerate(rules.patterns):
        for match in pattern.finditer(text):
            candidate = handler(match, text, rules)
            if candidate is not None and (not candidate.needs_context
                                          or _licensed(text, candidate, rules)) and not (
                    _other_year_follows(text, candidate)):
                candidates.append((order, candidate))
    found: list[TimeExpression] = []
    floor = 0
    for candidate in _choose(candidates):
        found.append(_expression(text, candidate, floor, rules, anchor))
        floor = candidate.end
    return found


#: What follows a day or month when the year the patterns refuse is written after it:
#: "25 March 1829", "March 3, 1878", "2 de mayo de 1808".
_TRAILING_YEAR = re.compile(r"\.?,?\s*(?:(?:de|del|of)\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?"
                            r"\d{4}(?![\d.,]\d)")


def _other_year_follows(text: str, candidate: Candidate) -> bool:
    """A day or month without a year, followed by a year outside the accepted window: it is
    that year's, not the anchor's, so it is not read at all rather than moved."""
    spec = candidate.spec
    return (isinstance(spec, DaySpec | MonthSpec) and spec.year is None
            and _TRAILING_YEAR.match(text, candidate.end) is not None)


def _licensed(text: str, candidate: Candidate, rules: Grammar) -> bool:
    if rules.lex is None:
        return False
    start = candidate.start
    return _left(rules.lex).context.search(text, max(0, start - _LOOK_LEFT), start) is not None


def _expression(text: str, candidate: Candidate, floor: int, rules: Grammar,
                anchor: date | None) -> TimeExpression:
    start, part, modifier = candidate.start, None, None
    if rules.lex is not None:
        start, part, modifier = _extend_left(text, candidate, floor, rules.lex)
    if candidate.since:
        modifier = "since"
    period = resolve(candidate.spec, anchor)
    if period is not None and part is not None:
        period = apply_part(period, part)
    if period is not None and modifier in ("shortly-before", "shortly-after"):
        period = apply_shortly(period, before=modifier == "shortly-before")
    relative = needs_anchor(candidate.spec)
    plain = _PLAIN[modifier] if modifier else None
    return TimeExpression(
        text=text[start:candidate.end],
        start=start,
        end=candidate.end,
        value=period.iso() if period else None,
        granularity=_granularity(period, base_granularity(candidate.spec),
                                 part is not None or (modifier or "").startswith("shortly-")),
        kind="relative" if relative else "absolute",
        anchor=anchor.isoformat() if relative and anchor is not None and period else None,
        resolved=period is not None,
        modifier=plain,
    )
