"""Time expressions, dated sentences, timelines and summaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TimexGranularity = Literal["day", "week", "month", "year", "range"]
TimexModifier = Literal["before", "after", "since", "until"]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A date or time expression in a text, normalised to ISO 8601 where it can be.

    ``value`` is "2019-08-14", "2019-W33", "2019-08", "2019" or a range "2019-12-18/2019-12-24"
    (its ends at the precision of the parts). ``kind`` is "relative" when reading it needed the
    publication date (``anchor``, ISO, set only then); without one it stays ``resolved=False``
    with ``value=None`` rather than guessed. ``modifier`` qualifies the value: "vor 2020" is
    ``value="2020", modifier="before"``.
    """

    text: str
    start: int  # character offsets into the text searched
    end: int
    value: str | None
    granularity: TimexGranularity
    kind: Literal["absolute", "relative"]
    anchor: str | None
    resolved: bool
    modifier: TimexModifier | None = None


@dataclass(frozen=True, slots=True)
class DatedSentence:
    """One sentence of a text with the time expressions inside it (offsets into the text)."""

    index: int
    start: int
    end: int
    text: str
    times: tuple[TimeExpression, ...]


# Timelines and summaries (issue 4). ``newsloom.timeline.build_timeline`` fills these.

DateBasis = Literal["mentioned", "published", "estimated"]


@dataclass(frozen=True, slots=True)
class TimelineRequest:
    """What to build a timeline of: exactly one of story / storyline / entity / query.

    ``date_from``/``date_to`` are ISO dates (inclusive); entries whose date lies outside are
    dropped, and so are articles published outside when the request is for a date span.
    """

    story: str | None = None
    storyline: str | None = None
    entity: str | None = None
    query: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    max_dates: int = 10
    sentences_per_date: int = 2
    lang: str | None = None  # preferred language of the sentences shown (ISO 639-1)


@dataclass(frozen=True, slots=True)
class TimelineSentence:
    """One cited sentence: its text in the original language and where it comes from."""

    text: str
    lang: str | None
    article_id: str
    outlet: str | None
    start: int  # character offsets into the article's text
    end: int
    published: str | None = None  # the article's stated publication date, if any
    title: str | None = None  # the article's title


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One dated event (or, in ``Timeline.undated``, one undated article's gist).

    ``date`` is an ISO value at ``granularity`` ("2019-08-14", "2019-08", "2019",
    "2019-12-18/2019-12-24"), ``None`` for undated entries. ``basis`` says what the date rests
    on: a date the text states ("mentioned"), the publication date ("published") or a
    year-level estimate from the text ("estimated", only on undated entries as ``estimate``).
    ``citations`` lists every article pointing at this event, not only those quoted.
    """

    date: str | None
    granularity: TimexGranularity | None
    basis: DateBasis | None
    headline: str
    sentences: list[TimelineSentence]
    story_id: str | None
    story_ids: list[str]
    citations: list[str]  # article ids
    outlets: list[str]
    score: float  # independent coverage behind the date (ranking)
    estimate: str | None = None  # undated: the article's estimated year, if any


@dataclass(frozen=True, slots=True)
class Timeline:
    """Dated entries in date order plus what could not be dated, listed apart."""

    request: TimelineRequest
    title: str
    entries: list[TimelineEntry]
    undated: list[TimelineEntry]
    articles: int  # articles selected (duplicates included)
    story_ids: list[str]


@dataclass(frozen=True, slots=True)
class Summary:
    """An extractive summary (3-5 cited sentences) of a story or storyline."""

    kind: Literal["story", "storyline"]
    id: str
    title: str
    sentences: list[TimelineSentence]
    lang: str | None  # the language asked for, if any
    articles: int


