"""Which candidate sentences read as timeline entries: event reports dated by their own words.

A timeline entry says what happened that day ("BP begins the top kill attempt"). Among the
sentences of a date, those that state the date themselves and no other one are such reports;
a sentence naming several dates is a recap linking events ("since the April 20 explosion, ...
until July 15"), a lead that states no date only stands for its publication day, and a quote
reports what someone said rather than what happened. These priors multiply a sentence's
relevance; they never exclude it, so a date whose only material is a quote still gets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Quotation marks of the languages newsloom reads, and the PTB-tokenised ``` `` ''``.
_QUOTE = re.compile(r"``|''|[\"“”„«»‘’‚‹›「」]")


@dataclass(frozen=True, slots=True)
class SentencePrior:
    """Relevance factors (1 = no preference)."""

    own_date: float = 1.0  # the sentence states this date and no other
    other_dates: float = 0.8  # the sentence states this date among others (a recap)
    lead: float = 0.8  # a lead sentence standing for its publication day
    quote: float = 0.7  # the sentence quotes someone

    def factor(self, mentioned: bool, dates_in_sentence: int, text: str) -> float:
        base = (self.lead if not mentioned
                else self.own_date if dates_in_sentence <= 1 else self.other_dates)
        return base * (self.quote if is_quote(text) else 1.0)


def is_quote(text: str) -> bool:
    """Whether ``text`` holds quotation marks (any of the supported languages' styles)."""
    return _QUOTE.search(text) is not None
