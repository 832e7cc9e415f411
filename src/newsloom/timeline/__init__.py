"""Dated timelines (issue 4): time expressions and the sentences that hold them.

``find_time_expressions(text, lang, anchor)`` → :class:`newsloom.model.TimeExpression` list;
``dated_sentences(text, lang, anchor)`` → :class:`newsloom.model.DatedSentence` list.
"""

from newsloom.timeline.sentences import dated_sentences, split_sentences
from newsloom.timeline.timex import TimexOptions, find_time_expressions
from newsloom.timeline.timex_resolve import bounds

__all__ = ["TimexOptions", "bounds", "dated_sentences", "find_time_expressions",
           "split_sentences"]
