"""Documents and articles: what readers yield, extraction makes and the store keeps.

Data flows one way: readers yield :class:`RawDocument` (or :class:`Skip`), extraction turns a
raw document into an :class:`Article`, the store persists both. Stages exchange these records,
never loose dicts, so the same functions can run in-process or on a remote executor.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ContentType = Literal["text", "html"]
DateSource = Literal["metadata", "byline", "dateline", "url", "page-text", "text-estimate"]

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
    # the wire agency a dateline names ("dpa", "Reuters", "dpa/AFP"), if any:
    "wire_source",
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
class PageMetadata:
    """What a page without article text still tells: its address, title and date."""

    url: str | None
    title: str | None
    published: PublicationDate | None

    def describe(self) -> str:
        """One line for the skip log, e.g. 'published 2021-03-16 (metadata), title "…"'."""
        parts = [f"published {self.published.value} ({self.published.source})"
                 if self.published else "no date"]
        parts += [f'title "{self.title}"'] if self.title else []
        parts += [f"url {self.url}"] if self.url else []
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that was not turned into a document, with a one-line reason."""

    source: str
    reason: str
    #: A page with no article text whose metadata was kept (and is spelled out in ``reason``).
    page: PageMetadata | None = None


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
    #: The wire agency a dateline names ("BERLIN (dpa) –" → "dpa"); None when none does.
    wire_source: str | None = None

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
            "wire_source": self.wire_source,
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
    metadata_only: int = 0  # skipped pages whose date/title/URL were kept in the skip log
    interrupted: bool = False

    def skip(self, item: Skip) -> None:
        self.skipped += 1
        self.metadata_only += item.page is not None
        self.skips.append(item)

    @property
    def unaccounted(self) -> int:
        """Inputs seen but given no outcome: 0 unless the run was interrupted (the batch in
        flight) or there is a bug."""
        return self.documents - (self.added + self.new_versions + self.unchanged
                                 + self.duplicates + self.skipped)


