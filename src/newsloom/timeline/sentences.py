"""Sentences with the time expressions each one holds: timelines need "sentence → dates".

Sentences come from :func:`newsloom.text.sentences.split_sentences`.
"""

from __future__ import annotations

import bisect
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
