"""Dates and wire agencies stated in the header of a plain text: timestamps, "published" /
"last updated" stamps and wire datelines.

A date in the header counts as the publication date only in a shape that states it:

* a **dateline**: ``BERLIN, 3. März 2024 (dpa) –``, ``LONDON, March 3, 2024 (Reuters) -``,
  a place (or nothing), a date, a known wire agency in brackets; the agency is recorded as the
  article's wire source even when the dateline has no date;
* a **stamp keyword** next to the date, in any supported language: ``Published 3 March 2024``,
  ``Veröffentlicht am``, ``Page last updated at 11:14 GMT, Thursday, 3 February 2011``,
  ``8 November 2011 Last updated at 06:28``; a published stamp beats an updated one, and an
  updated one comes last, after a byline date;
* a **timestamp**: a clock time right after or before the date (``Tuesday 12 May 2009 16.36
  BST``, ``Tue May 12, 2009 8:56 am EDT``), unless a preposition makes the date part of a
  sentence ("exploded on 20 April 2010 at 21:45");
* a date opening a header line and standing alone, or followed by a dash, bar or time.

Dates in prose ("Jackson died on 25 June 2009", a photo caption's date) never count: they name
the events an article recalls. Penn-Treebank tokenised text (``May 12 , 2009``, ``-LRB-
Reuters -RRB-``, as research corpora ship it) is read as the plain text it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsloom.extract.dates import (
    before_weekday,
    ends_in_lowercase_word,
    find_byline_date,
    find_dates,
)
from newsloom.model import DateSource, PublicationDate

StampKind = Literal["published", "dateline", "timestamp", "updated"]

#: Confidence per kind of header date; the order is the preference among them.
_CONFIDENCE: dict[StampKind, float] = {
    "published": 0.9, "dateline": 0.9, "timestamp": 0.85, "updated": 0.75}

#: Wire agencies by the lower-case token a dateline writes them with → the name recorded.
WIRE_AGENCIES: dict[str, str] = {name.lower(): name for name in (
    "dpa", "dpa-AFX", "Reuters", "AFP", "AP", "ANP", "Belga", "APA", "EFE", "ANSA", "AGI",
    "Adnkronos", "KNA", "epd", "ddp", "dts", "sid", "SDA", "Keystone-SDA", "ATS", "PAP",
    "ČTK", "TASR", "MTI", "BTA", "HINA", "STA", "Tanjug", "Agerpres", "Lusa", "Europa Press",
    "TT", "NTB", "Ritzau", "STT", "TASS", "Interfax", "RIA Novosti", "Ukrinform", "Xinhua",
    "Kyodo", "Yonhap", "PTI", "IANS", "AAP", "CP", "UPI", "Bloomberg", "Anadolu", "Notimex",
    "Télam", "PA", "ANA-MPA", "Agência Brasil", "AFX")}
WIRE_AGENCIES.update({"rtr": "Reuters", "ctk": "ČTK", "telam": "Télam", "afp/dpa": "AFP"})

# Words that state what the date of a stamp is, in the languages the calendars cover.
_PUBLISHED = (r"published|posted|(?:first\s+)?broadcast|veröffentlicht|erschienen|publiziert|"
              r"gepubliceerd|geplaatst|publié|publicado|publicada|pubblicato|opublikowano")
_UPDATED = (r"(?:last\s+)?updated|(?:last\s+)?modified|(?:zuletzt\s+)?aktualisiert|"
            r"(?:zuletzt\s+)?geändert|stand|bijgewerkt|laatste\s+update|gewijzigd|"
            r"mis\s+à\s+jour|modifié|actualizado|actualizada|modificado|aggiornato|"
            r"zaktualizowano")
_CONNECT = r"(?:\s+(?:on|at|am|um|le|el|op|il|à|a\s+las|om|dnia))?"
_CLOCK = r"\d{1,2}[:.h]\d\d(?!\d)"
_ZONE = r"(?:\s*[A-Za-z.]{1,5}){0,2}"  # "GMT", "a.m. EDT", "UK time"
# "Published: ", "Page last updated at 11:14 GMT, " (a weekday before the date is cut first)
_KEYWORD_BEFORE = re.compile(
    rf"(?:(?P<pub>{_PUBLISHED})|(?P<upd>{_UPDATED})){_CONNECT}\s*:?\s*(?:{_CLOCK}{_ZONE})?"
    r"\s*[,;|]?\s*$", re.IGNORECASE)
_UPDATED_AFTER = re.compile(rf"^\s*[,;|-]?\s*(?:{_UPDATED})\b", re.IGNORECASE)
_PUBLISHED_AFTER = re.compile(rf"^\s*[,;|-]?\s*(?:{_PUBLISHED})\b", re.IGNORECASE)
_TIME_AFTER = re.compile(
    rf"^\s*[,;|/-]?\s*(?:(?:at|um|à|om|a\s+las|alle|o)\s+)?{_CLOCK}", re.IGNORECASE)
# "16:55 UK time, " before the date (a weekday before the date is cut first)
_TIME_BEFORE = re.compile(rf"{_CLOCK}{_ZONE}\s*[,;|]?\s*$")
# A preposition before the date makes it part of a sentence, not a stamp.
_PREPOSITIONS = frozenset({
    "on", "since", "until", "till", "by", "from", "before", "after", "of", "in", "at", "to",
    "between", "and", "am", "vom", "seit", "bis", "ab", "zum", "vor", "nach", "und", "le", "du",
    "depuis", "au", "dès", "avant", "après", "et", "op", "sinds", "tot", "vanaf", "van", "voor",
    "na", "en", "el", "del", "desde", "hasta", "antes", "después", "y", "de"})
# In lower case or capitalised, never in capitals: "AM" before a date is a clock's.
_PROSE_WORDS = "|".join(sorted(w for p in _PREPOSITIONS for w in (p, p.capitalize())))
_PROSE_BEFORE = re.compile(rf"\b(?:{_PROSE_WORDS})\s*,?\s*$")
_PTB = (("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("-LCB-", "{"),
        ("-RCB-", "}"), ("``", '"'), ("''", '"'))
_BRACKETS = re.compile(r"\(\s*([^()\n]{2,40}?)\s*\)")


@dataclass(frozen=True, slots=True)
class HeaderDate:
    """A date the header states, what shape stated it and on which line."""

    published: PublicationDate
    kind: StampKind
    line: int


def untokenise(line: str) -> str:
    """Penn-Treebank tokenised text as the plain text it stands for."""
    for token, plain in _PTB:
        line = line.replace(token, plain)
    line = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", line))
    return re.sub(r"\s+([,;:.!?])(?=\s|$)", r"\1", line)


def _agencies(inside: str) -> list[str]:
    """The known wire agencies in a bracket ("dpa/AFP", "AFP, Reuters"); [] when the first
    name is no agency ("WHO", "AP Photo")."""
    parts = [p.strip() for p in re.split(r"\s*[/,;&]\s*", inside.strip())]
    names = [WIRE_AGENCIES.get(p.lower()) for p in parts]
    if not names or names[0] is None:
        return []
    return list(dict.fromkeys(n for n in names if n))


def _dateline(line: str) -> tuple[list[str], int, int] | None:
    """(agencies, start, end of the place-and-date part) when the line holds a wire dateline:
    a short place (and date) at the line start or after a bar, then ``(agency)`` and a dash,
    colon or the next sentence."""
    for match in _BRACKETS.finditer(line):
        agencies = _agencies(match[1])
        if not agencies:
            continue
        bar = line.rfind("|", 0, match.start())
        start = bar + 1
        before = line[start:match.start()].strip()
        if len(before) > 80 or (before and not before[0].isupper()):
            continue
        if not re.match(r"\s*(?:[-–—:.]|$|[A-ZÀ-Þ\"'])", line[match.end():]):
            continue
        return agencies, start, match.start()
    return None


def _kind(line: str, start: int, end: int) -> StampKind | None:
    """The shape that makes the date at ``line[start:end]`` a stated publication date."""
    before, after = line[:start], line[end:]
    bare, _ = before_weekday(before)
    keyword = _KEYWORD_BEFORE.search(bare)
    # a stamp's keyword opens it: "was first broadcast on 26 May" is a sentence
    if keyword and not ends_in_lowercase_word(bare[:keyword.start()]):
        return "published" if keyword["pub"] else "updated"
    if _PUBLISHED_AFTER.match(after):
        return "published"
    if _UPDATED_AFTER.match(after):
        return "updated"
    if _PROSE_BEFORE.search(bare):
        return None
    if _TIME_AFTER.match(after):
        return "timestamp"
    clock = _TIME_BEFORE.search(bare)
    if clock and not _PROSE_BEFORE.search(bare[:clock.start()]):
        return "timestamp"  # but "as of 17:00 GMT 15 June 2009" is a sentence's
    return None


def header_dates(lines: Sequence[str]) -> list[HeaderDate]:
    """Every stated date in ``lines`` (the header), in reading order."""
    found: list[HeaderDate] = []
    for index, raw in enumerate(lines):
        line = untokenise(raw)
        dateline = _dateline(line)
        for day, start, end in find_dates(line):
            kind: StampKind | None = (
                "dateline" if dateline and dateline[1] <= start < dateline[2]
                else _kind(line, start, end))
            if kind:
                source: DateSource = "dateline" if kind == "dateline" else "byline"
                found.append(HeaderDate(
                    PublicationDate(day.isoformat(), _CONFIDENCE[kind], source), kind, index))
    return found


def _first_agreed(found: Sequence[HeaderDate]) -> HeaderDate | None:
    """The first date, unless another disagrees: a header that states two days of the same
    kind does not say which is the article's."""
    if not found or any(d.published.value != found[0].published.value for d in found[1:]):
        return None
    return found[0]


def _stated(found: Sequence[HeaderDate]) -> HeaderDate | None:
    """A published stamp or dateline, else a timestamp, among ``found``."""
    for kinds in (("published", "dateline"), ("timestamp",)):
        chosen = [d for d in found if d.kind in kinds]
        if chosen:
            return _first_agreed(chosen)
    return None


def header_date(lines: Sequence[str]) -> HeaderDate | None:
    """The publication date the header states: a published stamp or dateline, else a
    timestamp. An updated stamp is not one (see :func:`updated_date`)."""
    return _stated(header_dates(lines))


def updated_date(lines: Sequence[str]) -> HeaderDate | None:
    """The day of the header's "last updated" stamp."""
    return _first_agreed([d for d in header_dates(lines) if d.kind == "updated"])


def publication_date(lines: Sequence[str]) -> PublicationDate | None:
    """The header's publication date: a stated one (:func:`header_date`), else a short
    byline line's (never an updated stamp's line, never a sentence), else the day of a
    "last updated" stamp ("8 November 2011 Last updated at 06:28" on a page with no other
    date)."""
    found = header_dates(lines)
    stated = _stated(found)
    if stated:
        return stated.published
    updated = [d for d in found if d.kind == "updated"]
    stamp_lines = {d.line for d in updated}
    byline = find_byline_date([line if i not in stamp_lines else ""
                               for i, line in enumerate(lines)], prose=False)
    if byline:
        return byline[0]
    last = _first_agreed(updated)
    return last.published if last else None


def wire_source(lines: Sequence[str]) -> str | None:
    """The wire agency (or agencies, "dpa/AFP") of the first dateline in ``lines``."""
    for raw in lines:
        dateline = _dateline(untokenise(raw))
        if dateline:
            return "/".join(dateline[0])
    return None
