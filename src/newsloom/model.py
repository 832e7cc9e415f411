"""Typed records that flow between pipeline stages.

Data flows one way: readers yield :class:`RawDocument` (or :class:`Skip`), extraction turns a
raw document into an :class:`Article`, the store persists both. Stages exchange these records,
never loose dicts, so the same functions can run in-process or on a remote executor.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

ContentType = Literal["text", "html"]
DateSource = Literal["metadata", "byline", "url", "text-estimate"]

#: Names of the fields every exported article carries. Later stages add, never rename.
ARTICLE_EXPORT_FIELDS: tuple[str, ...] = (
    "id",
    "source_id",
    "source",
    "url",
    "title",
    "outlet",
    "authors",
    "published",
    "published_confidence",
    "published_source",
    "published_estimate",
    "language",
    "language_confidence",
    "text",
    "removed_lines",
    # added by the corpus stages (null until they ran):
    "entities",
    "duplicate_of",
    "story_id",
    "storyline_id",
    # how extraction ended, when it is worth a note (``Article.extraction_flags``):
    "extraction_flags",
)

#: ``Article.extraction_flags`` value: declared-clean text (a JSONL record's ``text``) that the
#: line classifier would have emptied, kept in full instead.
KEPT_WHOLE = "kept-whole"


def normalise_content(content: str) -> str:
    """Canonical form of raw content used for hashing: NFC, LF line ends, no trailing blanks.

    Two byte streams that only differ in encoding, BOM or line endings are the same document.
    """
    text = unicodedata.normalize("NFC", content.lstrip("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def content_id(content: str) -> str:
    """Content-addressed document id: 16 hex digits of SHA-256 over the normalised content."""
    return hashlib.sha256(normalise_content(content).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document as a reader found it, before any extraction."""

    id: str
    source_id: str  # JSONL ``id`` or the input file's stem
    source: str  # where it came from: a path, ``path#line``, ``path#record``
    version_key: str  # identity of "the same page" across versions (URL, else source)
    content_type: ContentType
    content: str
    url: str | None = None
    title: str | None = None  # container metadata (JSONL, feed entry), if any
    published: str | None = None  # container metadata, ISO 8601, if any
    language: str | None = None  # container metadata, if any
    authors: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The container declares ``content`` as clean article text (a JSONL ``text`` field), not
    #: a scraped page: extraction trusts it and only trims obvious chrome.
    clean_text: bool = False

    @classmethod
    def create(cls, *, content: str, source_id: str, source: str, content_type: ContentType,
               url: str | None = None, **kwargs: Any) -> RawDocument:
        """Build a document whose id is the hash of its normalised content."""
        return cls(
            id=content_id(content),
            source_id=source_id,
            source=source,
            version_key=url or source,
            content_type=content_type,
            content=content,
            url=url,
            **kwargs,
        )


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that was not turned into a document, with a one-line reason."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line the extractor dropped as boilerplate, kept so users can audit it."""

    line_no: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class DateEstimate:
    """A publication date *estimate* from the text, never presented as a stated date."""

    value: str  # ISO prefix at the given granularity, e.g. "2020" or "2020-03"
    granularity: Literal["year", "month", "day"]
    basis: str  # why, in words: "latest year mentioned in the text"


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """A stated publication date and where it came from."""

    value: str  # ISO 8601 date (YYYY-MM-DD)
    confidence: float  # 0..1
    source: DateSource


@dataclass(slots=True)
class Article:
    """A clean article: main text plus metadata, derived from one :class:`RawDocument`."""

    id: str
    source_id: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    authors: list[str]
    published: PublicationDate | None
    published_estimate: DateEstimate | None
    language: str | None
    language_confidence: float | None
    text: str
    removed_lines: list[RemovedLine] = field(default_factory=list)
    #: Which path produced it, "html" or "text", then any extraction flags after "+"
    #: ("text+kept-whole"), so the store keeps them without a column of their own.
    extractor: str = ""

    @property
    def extraction_flags(self) -> list[str]:
        """Notes on how extraction ended, e.g. :data:`KEPT_WHOLE`; usually none."""
        return self.extractor.split("+")[1:]

    def to_record(self) -> dict[str, Any]:
        """Flat export record with the stable field names of :data:`ARTICLE_EXPORT_FIELDS`."""
        published = self.published
        return {
            "id": self.id,
            "source_id": self.source_id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "authors": list(self.authors),
            "published": published.value if published else None,
            "published_confidence": published.confidence if published else None,
            "published_source": (
                published.source if published
                else ("text-estimate" if self.published_estimate else None)
            ),
            "published_estimate": (
                asdict(self.published_estimate) if self.published_estimate else None
            ),
            "language": self.language,
            "language_confidence": self.language_confidence,
            "text": self.text,
            "removed_lines": [asdict(line) for line in self.removed_lines],
            "extraction_flags": self.extraction_flags,
        }


@dataclass(frozen=True, slots=True)
class Language:
    """Detected language of a text (ISO 639-1) with the detector's confidence."""

    code: str | None
    confidence: float


@dataclass(slots=True)
class IngestStats:
    """Counts for one ingest run; printed at the end and stored with the run.

    Every input met (a document, or a file or record that was skipped) is counted once in
    ``documents`` and ends in exactly one outcome, so that
    ``documents == added + new_versions + unchanged + duplicates + skipped``
    (see :attr:`unaccounted`) for every completed run.
    """

    files: int = 0
    documents: int = 0  # inputs seen: documents read plus inputs skipped
    added: int = 0
    unchanged: int = 0  # already in the store before this run
    new_versions: int = 0
    duplicates: int = 0  # same content as another input of this run (stored once)
    skipped: int = 0
    skips: list[Skip] = field(default_factory=list)
    kept_whole: int = 0  # stored with the KEPT_WHOLE flag (logged as warnings)
    interrupted: bool = False

    def skip(self, item: Skip) -> None:
        self.skipped += 1
        self.skips.append(item)

    @property
    def unaccounted(self) -> int:
        """Inputs seen but given no outcome: 0 unless the run was interrupted (the batch in
        flight) or there is a bug."""
        return self.documents - (self.added + self.new_versions + self.unchanged
                                 + self.duplicates + self.skipped)


EntityType = Literal["PER", "ORG", "LOC", "MISC"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention in an article's text: character offsets into ``Article.text``."""

    start: int
    end: int
    text: str
    type: EntityType


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """One entity as one article mentions it, before corpus-wide resolution.

    ``key`` is language-independent: ``loc:RU`` for a gazetteer place, else ``name:`` plus the
    transliterated, case-folded name, so "Huaweis" and "Huawei" share one.
    """

    key: str
    name: str  # the surface form used most in this article
    type: EntityType
    mentions: int
    salience: float  # mentions, weighted up in the headline and lead
    surfaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity across the corpus and its languages."""

    id: str
    key: str
    name: str
    type: EntityType
    aliases: dict[str, list[str]]  # language → surface forms seen
    articles: int = 0


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity as an article, story or storyline lists it."""

    id: str
    name: str
    type: EntityType
    mentions: int


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, in any language."""

    id: str
    title: str
    languages: list[str]
    article_ids: list[str]
    duplicates: int  # member articles that are copies of another member
    #: Independent sources: distinct known outlets among the non-duplicate articles; an
    #: article with unknown outlet adds none, so a story whose outlets are all unknown has 0.
    sources: int
    key_entities: list[EntityRef]
    first_seen: str | None  # earliest stated publication date
    last_seen: str | None
    storyline_id: str | None


@dataclass(frozen=True, slots=True)
class StorylineRecord:
    """Stories chained by the same actors over time."""

    id: str
    label: str
    story_ids: list[str]
    key_entities: list[EntityRef]
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the scorer knows about one article."""

    article_id: str
    vector: npt.NDArray[np.float32]  # L2-normalised event embedding
    entities: Mapping[str, float]  # entity id → salience (any positive scale)
    published: date | None = None
    outlet: str | None = None
    language: str | None = None
    terms: Mapping[str, int] = field(default_factory=dict)  # content lemma → count
    event_date: EventDate | None = None
    entity_types: Mapping[str, str] = field(default_factory=dict)  # entity id → PER/ORG/LOC


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an article's event happened, as far as the article tells (never invented):
    ``basis`` "published" (the stated date), "text" (a date the text names) or "estimate"
    (the year estimate); ``granularity`` says how precise ``value`` is."""

    value: date
    granularity: Literal["day", "month", "year"]
    basis: Literal["published", "text", "estimate"]

    def encode(self) -> str:
        return f"{self.value.isoformat()}|{self.granularity}|{self.basis}"

    @classmethod
    def decode(cls, text: str | None) -> EventDate | None:
        if not text:
            return None
        value, granularity, basis = text.split("|")
        return cls(date.fromisoformat(value), granularity, basis)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    kind: Literal["create", "join", "merge", "split"]
    story_id: str
    article_id: str
    other_story_id: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Alias:
    alias_key: str
    entity_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResolvedEntity:
    """One article's entity after resolution: what article export and storage need."""

    entity_id: str
    name: str
    type: EntityType
    mentions: int
    salience: float
    surfaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One article of a story, as the store returns it."""

    story_id: str
    article_id: str
    seq: int
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class MemberEntity:
    article_id: str
    entity: EntityRef
    salience: float


@dataclass(frozen=True, slots=True)
class StoryProfile:
    story_id: str
    centroid: npt.NDArray[np.float32]  # mean of member vectors, L2-normalised
    entities: Mapping[str, float]  # entity id → summed salience over independent articles


@dataclass(frozen=True, slots=True)
class Storyline:
    id: str
    story_ids: list[str]
    label_entities: list[str]  # entity ids, most characteristic first


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


SearchMode = Literal["hybrid", "keyword", "semantic"]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to search for (``newsloom.search.search``). Empty filters mean "any".

    ``date_from``/``date_to`` are inclusive ISO prefixes ("2019", "2019-05", "2019-05-21")
    compared with the stated publication date; articles without one are excluded only when a
    date filter is set. ``entity`` is an entity id, canonical name or alias surface form.
    """

    text: str
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    story_id: str | None = None
    limit: int = 20
    offset: int = 0
    mode: SearchMode = "hybrid"


@dataclass(frozen=True, slots=True)
class SnippetSpan:
    """One piece of a snippet; UIs wrap ``highlighted`` spans in <mark> after escaping."""

    text: str
    highlighted: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked article. Ranks are 1-based positions in each retriever's list (None: that
    retriever did not return it); ``duplicates`` are the ids folded under this article."""

    article_id: str
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    story_id: str | None
    score: float
    keyword_rank: int | None
    semantic_rank: int | None
    snippet: tuple[SnippetSpan, ...]
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of hits. ``total``: articles in the fused ranking, after folding duplicates;
    each retriever contributes at most max(100, offset + limit), so it is a lower bound for
    broad queries, and the last page of a UI's pager ends there."""

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int


@dataclass(frozen=True, slots=True)
class StoryHit:
    """A story found through its articles: best article score plus a bonus per extra hit."""

    story_id: str
    score: float
    title: str | None  # title of the best-ranked article
    languages: tuple[str, ...]
    hits: tuple[SearchHit, ...]  # its matching articles, best first


@dataclass(frozen=True, slots=True)
class StorySearchResults:
    query: SearchQuery
    stories: tuple[StoryHit, ...]
    total: int
