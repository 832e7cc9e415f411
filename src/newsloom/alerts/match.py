"""Watchlists matched against story changes: each match is an alert, stored with the story's
title, its summary sentences and their citations, and queued for delivery.

Which changes a watchlist hears: on an entity or a query, a new story about it, then each
new language or independent outlet the story reaches; on a story, all that happens to it;
on a storyline, each new story in it. ``--lang`` keeps changes that brought articles in one
of those languages; ``--min-sources`` keeps stories with that many independent outlets
(a story below it is heard when a new outlet lifts it there). Every alert has a key
(watchlist, story, kind and what is new), so the same change never alerts twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newsloom.alerts.changes import StoryChange, story_changes
from newsloom.model import SearchQuery
from newsloom.model.monitoring import ChangeKind, NewAlert, Watchlist
from newsloom.store.ports import AlertStore, CorpusRun, SearchingReader

log = logging.getLogger("newsloom")

_HEARS: dict[str, frozenset[ChangeKind]] = {
    "entity": frozenset({"new_story", "new_language", "new_source"}),
    "query": frozenset({"new_story", "new_language", "new_source"}),
    "story": frozenset({"grew", "new_language", "new_source", "merged", "split"}),
    "storyline": frozenset({"new_in_storyline"}),
}
#: Story events read per step (each step is one transaction with the cursor).
WINDOW = 2000


class AlertSource(AlertStore, SearchingReader, Protocol):
    """What raising alerts reads: the event log, the stories, search (query watchlists)."""


class AlertingCorpus(CorpusRun, AlertSource, Protocol):
    """A store whose corpus runs are followed by alerts (``newsloom analyze``)."""


@dataclass(slots=True)
class AlertRun:
    events: int = 0
    changes: int = 0
    alerts: int = 0
    too_old: int = 0  # changes of articles published before --since


def raise_alerts(store: AlertSource, now: str, since: str | None = None) -> AlertRun:
    """Match the story events after the cursor against every watchlist; store the alerts and
    move the cursor. Changes whose articles were all published before ``since`` (old news a
    first fetch brings in) alert nobody."""
    run = AlertRun()
    watches = store.watchlists()
    # events before every watchlist (all of them when there is none) are skipped unread
    skip_to = min((w.from_event for w in watches), default=store.last_event_id())
    if skip_to > store.alert_cursor():
        store.save_alerts([], skip_to, now)
    while True:
        cursor = store.alert_cursor()
        events = store.events_after(cursor, WINDOW)
        if not events:
            return run
        run.events += len(events)
        changes = story_changes(store, events)
        run.changes += len(changes)
        fresh = [c for c in changes if since is None or _is_recent(c, since)]
        run.too_old += len(changes) - len(fresh)
        alerts = [a for w in watches for a in _alerts_for(store, w, fresh, now)]
        run.alerts += len(store.save_alerts(alerts, events[-1].id, now))


def _is_recent(change: StoryChange, since: str) -> bool:
    """Whether the change is news at ``since``: one of its dated articles was published on
    or after it; a change with no dated article at all is not known to be old, so it is."""
    return not change.published or any(p >= since for p in change.published)


def _alerts_for(store: AlertSource, watch: Watchlist, changes: Sequence[StoryChange],
                now: str) -> list[NewAlert]:
    found: list[NewAlert] = []
    for change in changes:
        kind = change.kind
        # the cheap tests first: matching an entity or a query reads the store
        if change.first_event <= watch.from_event or kind not in _HEARS[watch.kind]:
            continue
        if watch.languages and not set(change.languages) & set(watch.languages):
            continue
        if not _watched(store, watch, change) or \
                _independent_outlets(store, change.story_id) < watch.min_sources:
            continue
        detail = "" if kind == "new_story" else (change.detail or "")
        key = f"{watch.name}|{change.story_id}|{kind}|{detail}"
        found.append(NewAlert(watch.name, key, kind, change.story_id, change.event_id, now,
                              alert_payload(store, watch, change)))
    return found


def _watched(store: AlertSource, watch: Watchlist, change: StoryChange) -> bool:
    if watch.kind == "story":
        return store.resolve_story(watch.target) == change.story_id
    if watch.kind == "storyline":
        line = store.resolve_storyline(watch.target) or watch.target
        return change.detail == line
    if watch.kind == "entity":
        entity = store.find_entity(watch.target)
        if entity is None:
            return False
        ids = [m.article_id for m in store.story_members([change.story_id])]
        return any(e.entity.id == entity.id for e in store.member_entities(ids))
    from newsloom.search import SearchError, search

    try:
        hits = search(store, SearchQuery(watch.target, story_id=change.story_id, limit=1,
                                         mode="keyword"))
    except SearchError as exc:  # a query that cannot run (punctuation only): matches nothing
        log.warning("watchlist %s: query %r cannot run: %s", watch.name, watch.target, exc)
        return False
    return hits.total > 0


def _independent_outlets(store: AlertSource, story_id: str) -> int:
    members = store.story_members([story_id])
    return len({m.outlet or m.article_id for m in members if m.duplicate_of is None})


def alert_payload(store: AlertSource, watch: Watchlist, change: StoryChange
                  ) -> dict[str, Any]:
    """What an alert carries: the story's title, summary sentences with their citations, and
    the articles that brought the change."""
    from newsloom.timeline import summarize_story, summary_to_json

    summary = summary_to_json(summarize_story(store, change.story_id))
    articles = []
    for article_id in change.article_ids:
        article = store.get_article(article_id)
        if article is not None:
            articles.append({"id": article.id, "title": article.title, "url": article.url,
                             "language": article.language,
                             "outlet": article.outlet,
                             "published": article.published.value if article.published
                             else None})
    urls = {a.id: a.url for a in (store.get_article(s["article_id"])
                                  for s in summary["sentences"]) if a is not None}
    for sentence in summary["sentences"]:
        sentence["url"] = urls.get(sentence["article_id"])
    return {"watchlist": watch.name, "change": change.kind, "detail": change.detail,
            "story_id": change.story_id, "title": summary["title"],
            "summary": summary["sentences"], "articles": articles,
            "languages": sorted({m.language for m in store.story_members([change.story_id])
                                 if m.language})}
