"""Resolution of parsed time expressions to calendar periods, and their ISO values.

The rules (also in the package docs):

* **Missing year** (a day, month, quarter or holiday without one): the occurrence whose month
  lies between 9 months before and 2 months after the anchor's month. News mostly reports the
  recent past and sometimes announces the near future, so "im November" in a March article is
  last November and "im Januar" in a December article is next January.
* **Weekdays**: a bare weekday ("am Mittwoch", "woensdag") is the latest such day on or before
  the anchor; "last"/"afgelopen"/"dernier" strictly before it; "next"/"kommenden"/"prochain"
  strictly after it; "this"/"diesen"/"ce" the one in the anchor's ISO week.
* **Parts** of a month: early 1-10, mid 11-20, late 21-end; of a year: early Jan-Apr,
  mid May-Aug, late Sep-Dec. **Shortly before/after** a day: the 7 days before or after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from newsloom.text.timex_lexicon import Part, Unit

Granularity = Literal["day", "week", "month", "year", "range"]
WeekdayDirection = Literal["past", "last", "this", "next"]

YEAR_WINDOW_BACK = 9  # months before the anchor's month a year-less date may lie
YEAR_WINDOW_FORWARD = 2  # ... and after it


@dataclass(frozen=True)
class Period:
    """A resolved stretch of calendar: one unit (day/week/month/year) or a range of them."""

    first: date
    last: date
    unit: Unit
    is_range: bool = False

    @property
    def granularity(self) -> Granularity:
        return "range" if self.is_range else self.unit

    def iso(self) -> str:
        """ISO 8601 value: "2019-08-14", "2019-W33", "2019-08", "2019" or "start/end"."""
        if self.is_range:
            return f"{_format(self.first, self.unit)}/{_format(self.last, self.unit)}"
        return _format(self.first, self.unit)


def _format(day: date, unit: Unit) -> str:
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return f"{day.year:04d}"


def day_period(day: date) -> Period:
    return Period(day, day, "day")


def week_period(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6), "week")


def month_period(year: int, month: int) -> Period:
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(date(year, month, 1), following - timedelta(days=1), "month")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "year")


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * leap) // 433
    month = (h + leap - 7 * m + 90) // 25
    return date(year, month, (h + leap - 7 * m + 33 * month + 19) % 32)


_FIXED_HOLIDAYS = {"christmas": (12, 25), "christmas_eve": (12, 24), "nye": (12, 31),
                   "new_year": (1, 1)}
_EASTER_OFFSETS = {"easter": 0, "good_friday": -2, "pentecost": 49, "holy_week": -7}


def holiday_period(key: str, year: int) -> Period:
    """The day (or, for Holy Week, the days) of a holiday in ``year``."""
    if key in _FIXED_HOLIDAYS:
        return day_period(date(year, *_FIXED_HOLIDAYS[key]))
    day = easter(year) + timedelta(days=_EASTER_OFFSETS[key])
    if key == "holy_week":  # Palm Sunday to Easter Sunday
        return Period(day, easter(year), "day", is_range=True)
    return day_period(day)


def infer_year(month: int, anchor: date, direction: int = 0) -> int:
    """Year of a year-less month: the window rule, or strictly before/after the anchor's month."""
    if direction < 0:
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction > 0:
        return anchor.year if month > anchor.month else anchor.year + 1
    delta = month - anchor.month
    if delta > YEAR_WINDOW_FORWARD:
        return anchor.year - 1
    if delta < -YEAR_WINDOW_BACK:
        return anchor.year + 1
    return anchor.year


def infer_day(month: int, day: int, weekday: int | None, anchor: date) -> date | None:
    """A year-less day; a stated weekday picks the year around the window's when it fits."""
    year = infer_year(month, anchor)
    candidates = []
    for offset in (0, -1, 1):
        try:
            candidates.append(date(year + offset, month, day))
        except ValueError:  # 29 February outside a leap year
            continue
    if weekday is not None:
        matching = [c for c in candidates if c.weekday() == weekday]
        if matching:
            return matching[0]
    return candidates[0] if candidates and candidates[0].year == year else None


def weekday_date(weekday: int, direction: WeekdayDirection, anchor: date) -> date:
    if direction == "this":
        return anchor + timedelta(days=weekday - anchor.weekday())
    if direction == "next":
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    back = (anchor.weekday() - weekday) % 7
    if direction == "last":
        back = back or 7
    return anchor - timedelta(days=back)


def shifted(unit: Unit, amount: int, anchor: date) -> Period:
    """The day, week, month or year ``amount`` units from the anchor's."""
    if unit == "day":
        return day_period(anchor + timedelta(days=amount))
    if unit == "week":
        return week_period(anchor + timedelta(weeks=amount))
    if unit == "month":
        return month_period(*shift_month(anchor.year, anchor.month, amount))
    return year_period(anchor.year + amount)


def apply_part(period: Period, part: Part) -> Period | None:
    """Early/mid/late of a month (day range) or a year (month range); ``None`` otherwise."""
    if period.is_range or period.unit not in ("month", "year"):
        return None
    if period.unit == "month":
        first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, period.last.day)}[
            part]
        return Period(period.first.replace(day=first_day), period.first.replace(day=last_day),
                      "day", is_range=True)
    first_month, last_month = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
    year = period.first.year
    return Period(date(year, first_month, 1), month_period(year, last_month).last, "month",
                  is_range=True)


def apply_shortly(period: Period, before: bool) -> Period | None:
    """The 7 days just before or after a day; ``None`` for coarser periods."""
    if period.unit != "day":
        return None
    if before:
        return Period(period.first - timedelta(days=7), period.first - timedelta(days=1), "day",
                      is_range=True)
    return Period(period.last + timedelta(days=1), period.last + timedelta(days=7), "day",
                  is_range=True)


def bounds(value: str) -> tuple[date, date]:
    """First and last day of an ISO value produced here (for sorting and overlap tests)."""
    if "/" in value:
        start, end = value.split("/", 1)
        return bounds(start)[0], bounds(end)[1]
    if "-W" in value:
        year, week = value.split("-W")
        return date.fromisocalendar(int(year), int(week), 1), \
            date.fromisocalendar(int(year), int(week), 7)
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts), date(*parts)
    if len(parts) == 2:
        found = month_period(parts[0], parts[1])
        return found.first, found.last
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


# Parsed expressions, before resolution. A ``None`` year means "take it from the anchor".


@dataclass(frozen=True)
class DaySpec:
    year: int | None
    month: int
    day: int
    last_day: int | None = None  # "14.-16. August": a range of days in one month
    weekday: int | None = None  # stated weekday, used to pick the year when it is missing


@dataclass(frozen=True)
class MonthSpec:
    year: int | None
    month: int
    direction: int = 0  # -1 "last March", +1 "next March", 0 the window rule


@dataclass(frozen=True)
class YearSpec:
    year: int
    last_year: int | None = None  # a range of years: "2019-2021", a decade


@dataclass(frozen=True)
class QuarterSpec:
    year: int | None
    quarter: int


@dataclass(frozen=True)
class HolidaySpec:
    key: str
    year: int | None


@dataclass(frozen=True)
class ShiftSpec:
    """The anchor's day/week/month/year moved by ``amount``: "gestern", "vor drei Wochen"."""

    unit: Unit
    amount: int


@dataclass(frozen=True)
class WeekdaySpec:
    weekday: int
    direction: WeekdayDirection


@dataclass(frozen=True)
class AmbiguousSpec:
    """A date whose reading the text does not settle (en "3/4/2019"): never resolved."""


Spec = (DaySpec | MonthSpec | YearSpec | QuarterSpec | HolidaySpec | ShiftSpec | WeekdaySpec
        | AmbiguousSpec)


def needs_anchor(spec: Spec) -> bool:
    """Whether the expression is relative: it cannot be resolved without the publication date."""
    if isinstance(spec, ShiftSpec | WeekdaySpec):
        return True
    if isinstance(spec, DaySpec | MonthSpec | QuarterSpec | HolidaySpec):
        return spec.year is None
    return False


def base_granularity(spec: Spec) -> Granularity:
    """Granularity known from the expression alone (what an unresolved one still reports)."""
    if isinstance(spec, DaySpec):
        return "range" if spec.last_day else "day"
    if isinstance(spec, MonthSpec):
        return "month"
    if isinstance(spec, YearSpec):
        return "range" if spec.last_year else "year"
    if isinstance(spec, QuarterSpec):
        return "range"
    if isinstance(spec, HolidaySpec):
        return "range" if spec.key == "holy_week" else "day"
    if isinstance(spec, ShiftSpec):
        return spec.unit
    return "day"


def _year(explicit: int | None, month: int, anchor: date | None, direction: int = 0
          ) -> int | None:
    if explicit is not None:
        return explicit
    return None if anchor is None else infer_year(month, anchor, direction)


def resolve(spec: Spec, anchor: date | None) -> Period | None:
    """The period ``spec`` denotes; ``None`` when it needs an anchor and has none."""
    if isinstance(spec, YearSpec):
        if spec.last_year is None:
            return year_period(spec.year)
        return Period(date(spec.year, 1, 1), date(spec.last_year, 12, 31), "year", is_range=True)
    if isinstance(spec, DaySpec):
        return _resolve_day(spec, anchor)
    if isinstance(spec, MonthSpec):
        year = _year(spec.year, spec.month, anchor, spec.direction)
        return None if year is None else month_period(year, spec.month)
    if isinstance(spec, QuarterSpec):
        first = spec.quarter * 3 - 2
        year = _year(spec.year, first, anchor)
        return None if year is None else Period(
            date(year, first, 1), month_period(year, first + 2).last, "month", is_range=True)
    if isinstance(spec, HolidaySpec):
        month = holiday_period(spec.key, anchor.year if anchor else 2000).first.month
        year = _year(spec.year, month, anchor)
        return None if year is None else holiday_period(spec.key, year)
    if anchor is None or isinstance(spec, AmbiguousSpec):
        return None
    if isinstance(spec, ShiftSpec):
        return shifted(spec.unit, spec.amount, anchor)
    return day_period(weekday_date(spec.weekday, spec.direction, anchor))


def _resolve_day(spec: DaySpec, anchor: date | None) -> Period | None:
    if spec.year is not None:
        first: date | None = date(spec.year, spec.month, spec.day)
    else:
        first = None if anchor is None else infer_day(spec.month, spec.day, spec.weekday, anchor)
    if first is None:
        return None
    if spec.last_day is None:
        return day_period(first)
    return Period(first, first.replace(day=spec.last_day), "day", is_range=True)
