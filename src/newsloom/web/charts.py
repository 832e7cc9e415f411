"""What the timeline charts draw, as JSON for static/timeline.js.

A chart is worth drawing only when its items cover more than one date: a single date on a
time axis is one thin bar in an empty plot. Such a timeline carries ``single`` (the date, or
the one span every item shares) and the pages render it as a card instead of a chart.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from newsloom.timeline import bounds
from newsloom.views import schemas as s

#: Lane labels are cut to this many characters on a wide screen.
LANE_CHARS = 48
#: On a phone the lanes get these shorter labels (a timeline's date, a story's title start),
#: so the labels leave the width to the bars.
SHORT_LANE_CHARS = 14


def _span(value: str) -> tuple[date, date] | None:
    try:
        return bounds(value)
    except (ValueError, IndexError):
        return None


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[:chars - 1] + "…"


def _chart(items: list[dict[str, Any]], lanes: list[str], short: list[str]) -> dict[str, Any]:
    spans = {(item["start"], item["end"]) for item in items}
    single = items[0]["label"] if len(spans) == 1 else None
    return {"lanes": lanes, "short_lanes": short, "items": items, "single": single}


def timeline_chart(timeline: s.TimelineOut) -> dict[str, Any]:
    """One lane per dated entry (its headline), a bar over the span the date covers."""
    items: list[dict[str, Any]] = []
    lanes: list[str] = []
    short: list[str] = []
    for entry in timeline.entries:
        span = _span(entry.date) if entry.date else None
        if entry.date is None or span is None:
            continue
        items.append({"start": span[0].isoformat(), "end": span[1].isoformat(),
                      "lane": len(lanes), "label": entry.date,
                      "detail": entry.headline,
                      "url": f"/stories/{entry.story_id}" if entry.story_id else None})
        lanes.append(_cut(f"{entry.date} · {entry.headline}", LANE_CHARS))
        short.append(entry.date)
    return _chart(items, lanes, short)


def stories_chart(stories: list[s.StoryOut]) -> dict[str, Any]:
    """One lane per story from its first to its last stated publication date."""
    items: list[dict[str, Any]] = []
    lanes: list[str] = []
    short: list[str] = []
    for story in stories:
        first = _span(story.first_seen) if story.first_seen else None
        last = _span(story.last_seen) if story.last_seen else None
        if first is None or last is None:
            continue
        label = (story.first_seen if story.first_seen == story.last_seen
                 else f"{story.first_seen} – {story.last_seen}")
        items.append({"start": first[0].isoformat(), "end": last[1].isoformat(),
                      "lane": len(lanes), "label": label,
                      "detail": story.title, "url": f"/stories/{story.id}"})
        lanes.append(_cut(story.title, LANE_CHARS))
        short.append(_cut(story.title, SHORT_LANE_CHARS))
    return _chart(items, lanes, short)
