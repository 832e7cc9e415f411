"""Response models of the HTTP API.

They are separate from the internal dataclasses in :mod:`newsloom.model` so the store and the
stages can change without changing the published API; conversion happens at the edge with
``model_validate(record, from_attributes=True)``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(BaseModel):
    """Every error body: a human-readable ``detail`` and the HTTP ``status``."""

    detail: str | list[dict[str, Any]]
    status: int


class EntityRefOut(_Out):
    id: str
    name: str
    type: str
    mentions: int


class DateEstimateOut(_Out):
    value: str
    granularity: str
    basis: str


class RemovedLineOut(_Out):
    line_no: int
    text: str
    reason: str


class ArticleSummaryOut(_Out):
    id: str
    source_id: str
    title: str | None
    outlet: str | None
    language: str | None
    published: str | None
    published_source: str | None
    url: str | None
    story_id: str | None
    duplicate_of: str | None


class ArticleOut(_Out):
    """One article with the stable export fields (see README) plus its corpus links."""

    id: str
    source_id: str
    source: str
    url: str | None
    title: str | None
    outlet: str | None
    authors: list[str]
    published: str | None
    published_confidence: float | None
    published_source: str | None
    published_estimate: DateEstimateOut | None
    language: str | None
    language_confidence: float | None
    text: str
    removed_lines: list[RemovedLineOut]
    entities: list[EntityRefOut]
    duplicate_of: str | None
    story_id: str | None
    storyline_id: str | None
    extraction_flags: list[str] = Field(
        default_factory=list, description="'kept-whole': declared-clean text the line "
        "classifier would have emptied, stored unfiltered")
    wire_source: str | None = Field(
        default=None, description="the wire agency a dateline names ('dpa', 'Reuters', "
        "'dpa/AFP'), if any")


class StoryOut(_Out):
    id: str
    title: str
    languages: list[str]
    article_ids: list[str]
    duplicates: int
    sources: int = Field(description="independent sources: distinct known outlets among the "
                         "non-duplicate articles (unknown outlets add none; 0 if none is known)")
    key_entities: list[EntityRefOut]
    first_seen: str | None
    last_seen: str | None
    storyline_id: str | None


class StoryArticleOut(BaseModel):
    article: ArticleSummaryOut
    duplicates: list[ArticleSummaryOut]


class StoryDetailOut(BaseModel):
    story: StoryOut
    #: One page of the original articles; each duplicate is listed under its original.
    articles: list[StoryArticleOut]
    articles_total: int = Field(description="original (non-duplicate) articles in the story")
    limit: int
    offset: int
    #: Entities by mentions over the story's most recent ``entities_counted`` originals.
    entities: list[EntityRefOut]
    entities_counted: int


class StorylineOut(_Out):
    id: str
    label: str
    story_ids: list[str]
    key_entities: list[EntityRefOut]
    first_seen: str | None
    last_seen: str | None


class StorylineDetailOut(BaseModel):
    storyline: StorylineOut
    stories: list[StoryOut]


class EntityOut(_Out):
    id: str
    key: str
    name: str
    type: str
    #: language (ISO 639-1) → surface forms seen in that language
    aliases: dict[str, list[str]]
    articles: int
    #: an article gave evidence beyond the tagger (a gazetteer, a list, an introducing noun)
    vouched: bool = False
    #: listed by default: named in two or more articles, a person named in full, or vouched for
    confirmed: bool = True


class CooccurrenceOut(BaseModel):
    entity: EntityOut
    articles: int = Field(description="articles that mention both")


class EntityDetailOut(BaseModel):
    entity: EntityOut
    #: Counted over the entity's ``cooccurrence_counted`` most recent articles.
    cooccurring: list[CooccurrenceOut]
    cooccurrence_counted: int
    recent_articles: list[ArticleSummaryOut]


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class ArticlePage(Page):
    items: list[ArticleSummaryOut]


class StoryPage(Page):
    items: list[StoryOut]


class StorylinePage(Page):
    items: list[StorylineOut]


class EntityPage(Page):
    items: list[EntityOut]


class TimelineRequestOut(_Out):
    story: str | None
    storyline: str | None
    entity: str | None
    query: str | None
    date_from: str | None
    date_to: str | None
    max_dates: int
    sentences_per_date: int
    lang: str | None


class TimelineSentenceOut(_Out):
    text: str
    lang: str | None
    article_id: str
    outlet: str | None
    start: int
    end: int
    published: str | None
    title: str | None


class TimelineEntryOut(_Out):
    date: str | None
    granularity: str | None
    basis: str | None
    headline: str
    sentences: list[TimelineSentenceOut]
    story_id: str | None
    story_ids: list[str]
    citations: list[str]
    outlets: list[str]
    score: float
    estimate: str | None


class TimelineOut(_Out):
    request: TimelineRequestOut
    title: str
    entries: list[TimelineEntryOut]
    undated: list[TimelineEntryOut]
    articles: int
    story_ids: list[str]


class SummaryOut(_Out):
    kind: Literal["story", "storyline"]
    id: str
    title: str
    sentences: list[TimelineSentenceOut]
    lang: str | None
    articles: int


class SnippetSpanOut(_Out):
    text: str
    highlighted: bool


class SearchHitOut(_Out):
    article_id: str
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    story_id: str | None
    score: float
    keyword_rank: int | None
    semantic_rank: int | None
    snippet: list[SnippetSpanOut]
    duplicates: list[str]


class SearchResultsOut(BaseModel):
    q: str
    mode: str
    total: int
    limit: int
    offset: int
    hits: list[SearchHitOut]


class StoryHitOut(_Out):
    story_id: str
    score: float
    title: str | None
    languages: list[str]
    hits: list[SearchHitOut]


class StorySearchResultsOut(BaseModel):
    q: str
    total: int
    limit: int
    offset: int
    stories: list[StoryHitOut]


JobStatus = Literal["queued", "running", "done", "failed"]


class JobOut(BaseModel):
    id: str
    status: JobStatus
    files: list[str]
    created_at: str
    started_at: str | None
    finished_at: str | None
    #: ingest counts (files, documents, added, unchanged, new_versions, skipped) and
    #: ``clustered`` articles / ``storylines`` once the corpus stages ran
    stats: dict[str, int]
    skips: list[dict[str, str]]
    error: str | None


class HealthOut(BaseModel):
    #: "starting" (with 503) until the start-up warm-up has finished
    status: Literal["ok", "starting"]
    ready: bool = Field(description="start-up finished: models loaded when the server warms "
                        "them (newsloom serve does)")
    search_warm: bool = Field(description="the search models and index are loaded")
    version: str
    articles: int
    writes_enabled: bool
    reads_protected: bool
