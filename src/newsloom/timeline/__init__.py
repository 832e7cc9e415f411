
"""Dated timelines and cited summaries (issue 4).

Public interface (records in :mod:`newsloom.model`):

* ``build_timeline(store, TimelineRequest) -> Timeline`` (raises :class:`UnknownTarget` for an
  unknown story/storyline/entity, :class:`ValueError` for a bad request,
  :class:`SearchUnavailable` for ``query`` without :mod:`newsloom.search`);
* ``summarize_story(store, story_id, lang=None) -> Summary`` and ``summarize_storyline``;
* ``timeline_to_json(timeline) -> dict`` (``{"entries": [...], "undated": [...]}``);
* building blocks: ``find_time_expressions``, ``dated_sentences``, ``bounds`` (sentence
  splitting is :func:`newsloom.text.sentences.split_sentences`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from newsloom.model import Timeline, TimelineRequest
from newsloom.text.timex import TimexOptions, find_time_expressions, normalise_lang
from newsloom.text.timex_resolve import bounds
from newsloom.timeline.build import TimelineOptions, select_and_build
from newsloom.timeline.render import (
    summary_to_json,
    summary_to_markdown,
    timeline_to_html,
    timeline_to_json,
    timeline_to_markdown,
)
from newsloom.timeline.select import SearchUnavailable, UnknownTarget
from newsloom.timeline.sentences import dated_sentences
from newsloom.timeline.summary import summarize_story, summarize_storyline

if TYPE_CHECKING:
    from newsloom.store.ports import SearchingReader


def build_timeline(store: SearchingReader, request: TimelineRequest,
                   options: TimelineOptions | None = None) -> Timeline:
    """The timeline ``request`` asks for, entries in date order, undated material apart."""
    if request.max_dates < 1 or request.sentences_per_date < 1:
        raise ValueError("max_dates and sentences_per_date must be at least 1")
    request = replace(request, lang=normalise_lang(request.lang))
    selection, dated, undated = select_and_build(store, request, options)
    stories = sorted({m.story_id for m in selection.members})
    return Timeline(request, selection.title, dated, undated, len(selection.members), stories)


__all__ = ["SearchUnavailable", "TimelineOptions", "TimexOptions", "UnknownTarget", "bounds",
           "build_timeline", "dated_sentences", "find_time_expressions", "summarize_story",
           "summarize_storyline", "summary_to_json", "summary_to_markdown", "timeline_to_html",
           "timeline_to_json", "timeline_to_markdown"]
