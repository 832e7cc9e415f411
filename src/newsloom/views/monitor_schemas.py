"""Request and response models of the monitoring endpoints and pages (issue 16)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, Field

from newsloom.model.monitoring import Watchlist


class SourceIn(BaseModel):
    url: str = Field(pattern=r"^https?://\S+$", max_length=2000,
                     description="a feed or news sitemap URL")


class SourceOut(BaseModel):
    url: str
    added_at: str
    kind: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_poll: str | None
    last_success: str | None
    last_error: str | None
    failures: int
    next_poll: str | None


class WatchlistIn(BaseModel):
    """Exactly one of entity, query, storyline, story."""

    entity: str | None = Field(None, max_length=500)
    query: str | None = Field(None, max_length=500)
    storyline: str | None = Field(None, max_length=100)
    story: str | None = Field(None, max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=20)
    min_sources: int = Field(1, ge=1, le=1000)
    webhook: str | None = Field(None, max_length=2000)
    email: str | None = Field(None, max_length=320)


class WatchlistOut(BaseModel):
    name: str
    kind: str
    target: str
    created_at: str
    languages: list[str]
    min_sources: int
    webhook: str | None
    email: str | None
    feed: str  # the path of its Atom feed


class AlertOut(BaseModel):
    id: int
    watchlist: str
    kind: str
    story_id: str
    created_at: str
    title: str | None = None
    change: str | None = None
    detail: str | None = None
    summary: list[dict[str, Any]] = Field(default_factory=list)
    articles: list[dict[str, Any]] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)


def watchlist_out(watch: Watchlist) -> WatchlistOut:
    values = asdict(watch)
    values.pop("from_event")
    return WatchlistOut(**{**values, "languages": list(watch.languages),
                           "feed": f"/feeds/watch/{watch.name}.atom"})
