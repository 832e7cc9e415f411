"""Month and weekday names per language, from CLDR via Babel.

One table per language, so an English "Mars" or a Dutch "mar" never becomes a month. The
time-expression lexicon (text/timex_lexicon.py) reads dates with them; storyline labels
(cluster/storylines.py) leave them out.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel.dates import get_day_names, get_month_names

#: Languages whose calendar names are read.
LANGUAGES = ("de", "en", "nl", "fr", "es")

# Regional variants whose names are also read ("Jänner" in Austrian German).
_LOCALES = {"de": ("de", "de_AT"), "en": ("en",), "nl": ("nl",), "fr": ("fr",), "es": ("es",)}


def plain(word: str) -> str:
    """``word`` without accents: "fevrier", "miercoles" are common in scraped text."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@cache
def babel_months(lang: str) -> tuple[dict[str, int], frozenset[str]]:
    """(name or abbreviation → month, wide names) for one language, from CLDR."""
    names: dict[str, int] = {}
    wide: set[str] = set()
    for locale in _LOCALES[lang]:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context=context, locale=locale).items():
                    for key in {name.lower().rstrip("."), plain(name.lower().rstrip("."))}:
                        names[key] = number
                        if width == "wide":
                            wide.add(key)
    if lang == "en":
        names["sept"] = 9  # common, not in CLDR
    return names, frozenset(wide)


@cache
def babel_weekdays(lang: str) -> dict[str, int]:
    """Lower-case wide weekday name (also without accents) → 0 (Monday) .. 6."""
    days: dict[str, int] = {}
    for number, name in get_day_names("wide", locale=_LOCALES[lang][0]).items():
        days[name.lower()] = number
        days[plain(name.lower())] = number
    return days


@cache
def calendar_words() -> frozenset[str]:
    """Lower-case wide month and weekday names in every language of :data:`LANGUAGES`."""
    words: set[str] = set()
    for lang in LANGUAGES:
        words.update(babel_weekdays(lang))
        words.update(babel_months(lang)[1])
    return frozenset(words)


#: Locales whose month names a dateline or an absolute date may use, in any language.
MONTH_LOCALES = ("en", "de", "nl", "fr", "es", "it", "pt", "pl", "ru", "sv", "da")


@cache
def month_names() -> dict[str, int]:
    """Lower-case month name or abbreviation (without trailing dot) → month number.

    Tokens that mean different months in different languages are dropped.
    """
    names: dict[str, int] = {}
    clashes: set[str] = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context=context, locale=locale).items():
                    key = name.lower().rstrip(".")
                    if names.get(key, number) != number:
                        clashes.add(key)
                    names[key] = number
    for key in clashes:
        del names[key]
    return names


@cache
def weekday_names() -> frozenset[str]:
    """Lower-case weekday names and abbreviations (without trailing dot) in every locale of
    :data:`MONTH_LOCALES`: a weekday next to a date marks a timestamp ("Tue May 12, 2009")."""
    names: set[str] = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update(name.lower().rstrip(".")
                             for name in get_day_names(width, context=context,
                                                       locale=locale).values())
    return frozenset(names)
