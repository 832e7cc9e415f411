"""Publication dates: parse declared dates, read dates from URLs and byline lines, estimate.

Never invents a date: a byline date must be a full calendar date on a short date-like line near
the top; anything weaker is only an estimate (:class:`DateEstimate`), reported as such.
Month names come from CLDR via Babel, so every supported language is covered the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from newsloom.model import DateEstimate, PublicationDate
from newsloom.text.calendars import month_names, weekday_names

#: Languages whose month names are recognised in byline dates.
_MIN_YEAR = 1990  # online news before this is rare; older "dates" are usually history


def _month_pattern() -> str:
    return "|".join(sorted((re.escape(n) for n in month_names()), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    month = _month_pattern()
    return (
        # 2019-08-14, 2019/08/14
        re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
        # 14.08.2019, 14/08/2019, 14-08-2019 (day first, as in most of the world)
        re.compile(r"(?<![\d.])(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>(?:19|20)\d\d)(?!\d)"),
        # 14. August 2019, 18 maart 2024, 1er mars 2019, 14 de agosto de 2019
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<mn>{month})\.?,?"
            rf"\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)(?!\d)",
            re.IGNORECASE,
        ),
        # August 14, 2019 / Aug. 14 2019
        re.compile(
            rf"(?<![\w])(?P<mn>{month})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
            rf"(?P<y>(?:19|20)\d\d)(?!\d)",
            re.IGNORECASE,
        ),
    )


def _valid(year: int, month: int, day: int, today: date) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found.year < _MIN_YEAR or found > today.replace(year=today.year + 1):
        return None
    return found


def find_dates(text: str, today: date | None = None) -> list[tuple[date, int, int]]:
    """All full calendar dates written in ``text``: (date, start, end) in reading order."""
    today = today or date.today()
    found: list[tuple[date, int, int]] = []
    taken: list[range] = []
    for pattern in _patterns():
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            groups = match.groupdict()
            month = (month_names().get(groups["mn"].lower().rstrip("."))
                     if groups.get("mn") else int(groups["m"]))
            if month is None:
                continue
            valid = _valid(int(groups["y"]), month, int(groups["d"]), today)
            if valid:
                found.append((valid, match.start(), match.end()))
                taken.append(range(match.start(), match.end()))
    return sorted(found, key=lambda item: item[1])


def declared_date(value: object) -> PublicationDate | None:
    """A date given by structured metadata (JSONL ``published``, feed, HTML markup)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    if parsed.year < _MIN_YEAR:
        return None
    return PublicationDate(parsed.date().isoformat(), 0.95, "metadata")


_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<m>0[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


def date_from_url(url: str | None) -> PublicationDate | None:
    """``/2019/08/14/``, ``2019-08-14`` or ``20190814`` in a URL path."""
    if not url:
        return None
    path = url.split("://", 1)[-1].partition("/")[2]
    match = _URL_DATE.search(path)
    if not match:
        return None
    valid = _valid(int(match["y"]), int(match["m"]), int(match["d"]), date.today())
    return PublicationDate(valid.isoformat(), 0.8, "url") if valid else None


@lru_cache(maxsize=1)
def _weekday_at_end() -> re.Pattern[str]:
    names = sorted((re.escape(n) for n in weekday_names() if len(n) >= 3), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(names)})\.?\s*,?\s*$", re.IGNORECASE)


def before_weekday(before: str) -> tuple[str, bool]:
    """The text before a date without the weekday that ends it ("…, Tuesday, " → "…, "),
    and whether there was one."""
    weekday = _weekday_at_end().search(before)
    return (before[:weekday.start()], True) if weekday else (before, False)


_LOWER_WORD_BEFORE = re.compile(r"(?<![\w-])[a-zà-ÿ][\w'-]*\s*,?\s*$")
_CONTINUATION = re.compile(r"^[,;:)\]]")


def ends_in_lowercase_word(text: str) -> bool:
    """``text`` ends in a lower-case word (and maybe a comma): what follows is inside a
    sentence ("dated Jan. 14, 2010", "was first broadcast on")."""
    return _LOWER_WORD_BEFORE.search(text) is not None


_SENTENCE_END = re.compile(r"[.!?][\"”’']?$")


def _in_sentence(line: str, start: int, end: int) -> bool:
    """A date in running text: the line continues a sentence (starts with a comma), or is
    one: it ends with a full stop and has four or more words besides the date ("In that
    letter, dated Jan. 14, 2010, Reps. Henry Waxman, D-Calif."). A byline ("Written by Ana
    Sandoiu on July 27, 2017", "von X am 29. Mai 2017, 14:14 Uhr") is no sentence."""
    if _CONTINUATION.match(line):
        return True
    words = len(re.findall(r"\w{2,}", _TIME.sub("", line[:start] + line[end:])))
    return words >= 4 and _SENTENCE_END.search(line) is not None


_TIME = re.compile(r"\b\d{1,2}[:.]\d\d(?:\s*(?:Uhr|h|am|pm|AM|PM|CET|CEST|UTC|GMT))?\b")
_MAX_BYLINE_CHARS = 120  # a longer line is prose that mentions a date, not a dateline


def find_byline_date(lines: Sequence[str], *, prose: bool = True,
                     ) -> tuple[PublicationDate, int] | None:
    """The first full date on a short, date-like line (a dateline or byline).

    Confidence is higher when the line is little more than the date (and a time).
    Returns the date and the index of its line. With ``prose=False`` a date in a sentence is
    an event's and passed over: a line with more than eight words besides the date, a line
    continuing a sentence, a line that is a sentence.
    """
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > _MAX_BYLINE_CHARS:
            continue
        dates = find_dates(stripped)
        if not dates:
            continue
        found, start, end = dates[0]
        if not prose and _in_sentence(stripped, start, end):
            continue
        rest = _TIME.sub("", stripped[:start] + stripped[end:])
        words_left = len(re.findall(r"\w{2,}", rest))
        if words_left > 8 and not prose:
            continue
        confidence = 0.85 if words_left <= 2 else 0.7 if words_left <= 8 else 0.55
        return PublicationDate(found.isoformat(), confidence, "byline"), index
    return None


_YEAR = re.compile(r"(?<![\d.,/-])(?:19|20)\d\d(?![\d.,]\d)")
# "before/until/by YEAR" names a deadline or a bound, not a year the article lives in
# ("nog voor 2020" in a 2019 article), in every language the calendars cover.
_BOUND = re.compile(
    r"(?<!\w)(?:before|until|till|by|through|prior\s+to|up\s+to|bis|vor|voor|vóór|tot|"
    r"uiterlijk|avant|jusqu'(?:en|à|au)|jusqu’(?:en|à|au)|d'ici|d’ici|antes\s+de(?:l)?|hasta|"
    r"przed|do|prima\s+del|entro(?:\s+il)?|fino\s+al|até)"
    r"(?:\s+(?:the\s+)?(?:end|start|beginning|middle)\s+of|\s+zum|\s+(?:Ende|Anfang|Mitte|eind|"
    r"begin|medio|fin|finales|principios|końca|początku))?"
    r"(?:\s+(?:the\s+)?(?:year|Jahr|jaar|l'an|l’an|année|el\s+año|roku))?\s+$",
    re.IGNORECASE)


def _years(text: str, today: date) -> list[int]:
    """Plausible years the text names, except those it names as a bound."""
    return [int(m[0]) for m in _YEAR.finditer(text)
            if _MIN_YEAR <= int(m[0]) <= today.year
            and not _BOUND.search(text[max(0, m.start() - 40):m.start()])]


def estimate_from_text(text: str, today: date | None = None) -> DateEstimate | None:
    """The latest plausible year the text mentions, as a year-granularity *estimate*.

    An article is rarely older than the latest year it names; it is a hint, not a date. A
    year named as a bound ("before 2020", "bis 2020", "nog voor 2020") does not count.
    """
    today = today or date.today()
    years = _years(text, today)
    if not years:
        return None
    latest = max(years)
    return DateEstimate(str(latest), "year", f"latest year mentioned in the text ({latest})")
