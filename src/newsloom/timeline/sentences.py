"""Sentences with the time expressions each one holds: timelines need "sentence → dates".

Sentences come from :func:`newsloom.text.sentences.split_sentences`.
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from newsloom.model import DatedSentence, TimeExpression
from newsloom.text.sentences import split_sentences
from newsloom.text.timex import TimexOptions, find_time_expressions


def dated_sentences(text: str, lang: str | None, anchor: date | None,
                    options: TimexOptions | None = None) -> list[DatedSentence]:
    """Every sentence of ``text`` with the time expressions that start in it."""
    spans = split_sentences(text)
    starts = [start for start, _ in spans]
    grouped: list[list[TimeExpression]] = [[] for _ in spans]
    for expression in find_time_expressions(text, lang, anchor, options):
        index = bisect.bisect_right(starts, expression.start) - 1
        if index >= 0:
            grouped[index].append(expression)
    return [
        DatedSentence(index, start, end, text[start:end], tuple(grouped[index]))
        for index, (start, end) in enumerate(spans)
    ]


#: A clock time right after a date, its year optional ("May 27, 2010; 1:00 PM",
#: "02.06.2010 14:15"): the date is a posting or update stamp of the page (a blog entry, a
#: reader comment), not an event the sentence reports. "Thursday at 3:25 p.m." (with a
#: preposition) is the time of an event and does not match.
_CLOCK_AFTER = re.compile(r"\s*,?\s*(?:\d{4})?\s*[,;|-]?\s*\d{1,2}:\d{2}(?!\d)")
#: A clock time right before a date that states its year ("At 20:49 24th Mar 2010, Gemma
#: wrote"): a comment's stamp. Without a year ("at 3:25 p.m. Thursday") it is an event time.
_CLOCK_BEFORE = re.compile(r"(?<!\d)\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*[,;|-]?\s*(?:on\s+)?$",
                           re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def is_timestamp(text: str, expression: TimeExpression) -> bool:
    """Whether ``expression`` in ``text`` is a page's stamp: a clock time directly after it,
    or directly before it when it states a year."""
    if _CLOCK_AFTER.match(text, expression.end):
        return True
    before = text[max(0, expression.start - 20):expression.start]
    return bool(_CLOCK_BEFORE.search(before)) and bool(_YEAR.search(expression.text))
