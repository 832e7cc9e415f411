"""What a span's shape says about it being a name, whatever the tagger said (rules of
:mod:`newsloom.enrich.mention_filter`): a date, a holiday, brackets, where a sentence starts,
and which words open known multi-word names."""

from __future__ import annotations

import re
from functools import lru_cache

from newsloom.enrich.organisations import organisation_names
from newsloom.enrich.places import fold, gazetteer
from newsloom.model import Mention
from newsloom.text.calendars import month_names, weekday_names

#: Punctuation that may stick to a span's edges and is no part of a name.
EDGE = ".,;:!?\"'()[]«»„“”‚‘’"

_SENTENCE_END = ".!?:\n"
_OPENING = "\"'«„“‘([ \t"


def at_sentence_start(article: str, start: int) -> bool:
    """Nothing but opening quotes or brackets lies between ``start`` and the previous
    sentence end (or the start of ``article``)."""
    i = start
    while i > 0 and article[i - 1] in _OPENING:
        i -= 1
    return i == 0 or article[i - 1] in _SENTENCE_END


@lru_cache(maxsize=1)
def name_openers() -> frozenset[str]:
    """Folded first words of the multi-word places and organisations the gazetteers know."""
    names = [*gazetteer().by_name, *(fold(name) for name in organisation_names())]
    return frozenset(name.split(" ", 1)[0] for name in names if " " in name)


def date_phrase(text: str) -> bool:
    """Month or weekday names and numbers only, with at least one of each: "Juni 2018"."""
    months, weekdays = month_names(), weekday_names()
    words = [w.strip(EDGE).rstrip(".").lower() for w in text.split()]
    words = [w for w in words if w]
    named = [w for w in words if w in months or w in weekdays]
    return bool(named) and any(w.isdigit() for w in words) and all(
        w.isdigit() or w in months or w in weekdays for w in words)


#: Words for a period of time that head the names of holidays and observances, per language.
CALENDAR_HEADS: dict[str, frozenset[str]] = {
    "en": frozenset({"day", "days", "week", "month", "year", "eve", "night", "anniversary"}),
    "de": frozenset({"tag", "tage", "woche", "monat", "jahr", "nacht", "abend", "jahrestag"}),
    "nl": frozenset({"dag", "dagen", "week", "maand", "jaar", "nacht", "avond"}),
    "fr": frozenset({"jour", "journée", "semaine", "mois", "année", "an", "nuit",
                     "anniversaire"}),
    "es": frozenset({"día", "semana", "mes", "año", "noche", "aniversario"}),
    "pl": frozenset({"dzień", "tydzień", "miesiąc", "rok", "noc", "rocznica"}),
}
_HEAD_PARTICLES = frozenset({"of", "der", "des", "van", "de", "du", "del", "della", "di"})


def calendar_headed(text: str, lang: str) -> bool:
    """A multi-word span headed by a word for a period of time (see the module docstring)."""
    heads = CALENDAR_HEADS.get(lang)
    words = [re.sub(r"['’]s$", "", w.strip(EDGE)).lower() for w in text.split()]
    words = [w for w in words if w]
    if not heads or len(words) < 2:
        return False
    candidates = {words[0], words[-1]}
    particle = next((i for i, w in enumerate(words) if w in _HEAD_PARTICLES), 0)
    if particle:
        candidates.add(words[particle - 1])
    return bool(candidates & heads)


def unbracketed(mention: Mention) -> Mention | None:
    """"(KMK)" → "KMK": brackets around the whole span (and none inside) are not the name;
    "Yorki (Archie Yates)" → "Yorki": nor, in a person's name or unclosed, a bracket inside
    it and what follows."""
    text = mention.text
    if len(text) > 2 and text[0] == "(" and text[-1] == ")" and "(" not in text[1:-1] \
            and ")" not in text[1:-1]:
        return Mention(mention.start + 1, mention.end - 1, text[1:-1], mention.type)
    bracket = text.find("(")
    if bracket < 0 or (mention.type != "PER" and ")" in text[bracket:]):
        return mention
    head = text[:bracket].rstrip()
    return Mention(mention.start, mention.start + len(head), head, mention.type) \
        if head else None


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 currency codes, current and former (CLDR, via babel)."""
    from babel.numbers import list_currencies

    return frozenset(code for code in list_currencies() if len(code) == 3 and code.isupper())


_CODES = re.compile(r"[A-Z]{3}(?:\s*(?:[,/&]|and|und|en|et|y|i|e)\s*[A-Z]{3})*")
#: A three-capital word after a number, perhaps with its scale word ("5 Mio. EUR", "2 billion
#: USD"); before an amount ("EUR 1,500", "USD 300", not the "COP 26" of a conference); and
#: in a list or pair with another one ("EUR, GBP", "USD/CHF"; a lookahead, so lists overlap).
_AFTER_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\s?(?:[^\W\d]{1,8}\.?\s)?([A-Z]{3})(?!\w)")
_BEFORE_AMOUNT = re.compile(r"(?<!\w)([A-Z]{3})\s(?:\d+[.,]\d|\d{3})")
_LISTED = re.compile(r"(?<!\w)([A-Z]{3})(?=\s*[,/&]\s*([A-Z]{3})(?!\w))")


def currency_span(text: str, article: str) -> bool:
    """A span of currency codes ("EUR", "GBP & CHF") that ``article`` writes as currencies:
    some code of it stands beside an amount or beside another code ("EUR 1,500", "5 CHF",
    "EUR, GBP", "USD/CHF"). A code written alone is left be: many are also acronyms (BND is
    Brunei's dollar and Germany's intelligence service, AMD the dram and the chip maker)."""
    span = text.strip(EDGE)
    if not _CODES.fullmatch(span):
        return False
    codes = re.findall(r"[A-Z]{3}", span)
    known = currency_codes()
    if not all(code in known for code in codes):
        return False
    if len(codes) > 1:
        return True
    code = codes[0]
    if any(m.group(1) == code for pattern in (_AFTER_NUMBER, _BEFORE_AMOUNT)
           for m in pattern.finditer(article)):
        return True
    return any(code in pair and pair[0] != pair[1] and pair[0] in known and pair[1] in known
               for pair in (m.groups() for m in _LISTED.finditer(article)))
