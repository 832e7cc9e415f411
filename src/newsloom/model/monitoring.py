"""Records of the monitoring side (issue 16): polled sources, the feed entries seen, watchlists,
the alerts they raise and the deliveries of each alert. They cross the store's
:class:`newsloom.store.ports.MonitorStore` port, so they live here, below every package."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

WatchKind = Literal["entity", "query", "storyline", "story"]
WATCH_KINDS: tuple[WatchKind, ...] = ("entity", "query", "storyline", "story")
#: What the corpus stage reports about a story after a committed batch (alerts/changes.py).
ChangeKind = Literal["new_story", "grew", "new_language", "new_source", "merged", "split",
                     "new_in_storyline"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("new_story", "grew", "new_language", "new_source",
                                        "merged", "split", "new_in_storyline")
Channel = Literal["webhook", "email"]


@dataclass(frozen=True, slots=True)
class Source:
    """A polled feed or news sitemap, with its conditional-GET validators and its state."""

    url: str
    added_at: str
    kind: str = "feed"  # "feed" or "sitemap", as found on the last successful poll
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_poll: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed polls (the back-off grows with them)
    next_poll: str | None = None


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll of a source found, saved as its new state."""

    url: str
    at: str
    next_poll: str
    ok: bool
    kind: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SeenEntry:
    """An article URL met in a source's feed, with the fingerprint of its entry (id and
    updated date): the page is fetched again only when the fingerprint changes."""

    url: str
    source_url: str
    fingerprint: str
    fetched_at: str
    status: str  # "fetched" (handed to the pipeline), or why not ("http 404", …)
    document_id: str | None = None


@dataclass(frozen=True, slots=True)
class Watchlist:
    name: str
    kind: WatchKind
    target: str
    created_at: str
    languages: tuple[str, ...] = ()
    min_sources: int = 1
    webhook: str | None = None
    email: str | None = None
    #: Story events up to this id happened before the watchlist: they never alert it.
    from_event: int = 0


@dataclass(frozen=True, slots=True)
class StoryEventRow:
    """One row of the story event log (``story_events``), with the article it names."""

    id: int
    kind: str  # create | join | merge | split
    story_id: str
    article_id: str | None
    other_story_id: str | None
    language: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert to store: ``key`` makes it unique (the same change never alerts twice)."""

    watchlist: str
    key: str
    kind: ChangeKind
    story_id: str
    event_id: int
    created_at: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    watchlist: str
    kind: ChangeKind
    story_id: str
    event_id: int
    created_at: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One alert to send on one channel (the outbox): pending until sent, retried on failure."""

    alert_id: int
    channel: Channel
    target: str
    state: str  # pending | sent | failed (gave up after the last attempt)
    attempts: int
    next_attempt: str
    last_error: str | None = None
    sent_at: str | None = None
