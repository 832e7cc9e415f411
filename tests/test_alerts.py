"""Story changes from the event log, watchlists matched against them, and the delivery
outbox (retried until sent, never sent twice), on a small corpus written as the corpus stage
writes it (tests/store_contract/records.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor_server import serve_site
from newsloom.alerts.atom import watch_feed
from newsloom.alerts.changes import story_changes
from newsloom.alerts.deliver import DeliveryFailed, deliver_due, send_email, send_webhook
from newsloom.alerts.match import raise_alerts
from newsloom.alerts.watchlists import WatchlistError, make_watchlist
from newsloom.model import ClusterEvent
from newsloom.model.monitoring import Alert
from newsloom.settings import reset_settings
from newsloom.store import open_store
from newsloom.store.ports import Backend
from store_contract.records import Corpus, clustered, feature, mention, page

NOW = "2026-03-02T12:00:00+00:00"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Backend]:
    opened = open_store(tmp_path / "news.db")
    yield opened
    opened.close()


def _grow(store: Backend, corpus: Corpus) -> str:
    """A French article of another outlet joins story s1 in a second batch."""
    doc = page("e", "Ada Lovelace ouvre la salle des machines à Londres.", language="fr",
               outlet="Matin", published="2024-03-02")
    store.add([doc])
    (seq, article_id), = store.pending_articles(10)
    store.save_corpus_batch([feature(article_id, seq, "s1", (1, 0, 0, 0),
                                     mentions=[mention(corpus.ada.id, corpus.ada.name)])],
                            [], [], [ClusterEvent("join", "s1", article_id)])
    return str(article_id)


def test_a_window_of_events_is_told_per_story(store: Backend) -> None:
    corpus = clustered(store)
    first = story_changes(store, store.events_after(0, 100))
    assert sorted((c.kind, c.story_id) for c in first) == [
        ("new_story", "s1"), ("new_story", "s2"), ("new_story", "s3")]
    (s1,) = [c for c in first if c.story_id == "s1"]
    assert set(s1.article_ids) == {corpus.ids["a"], corpus.ids["b"]}  # the join is part of it
    cursor = store.last_event_id()
    added = _grow(store, corpus)
    later = story_changes(store, store.events_after(cursor, 100))
    assert sorted((c.kind, c.detail) for c in later if c.kind != "grew") == [
        ("new_language", "fr"), ("new_source", "Matin")]
    assert all(c.article_ids == (added,) and c.story_id == "s1" for c in later)
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s1", corpus.ids["c"], "s2")])
    (merged,) = story_changes(store, store.events_after(store.last_event_id() - 1, 10))
    assert (merged.kind, merged.story_id, merged.detail) == ("merged", "s1", "s2")


def test_watchlists_hear_their_changes_once(store: Backend) -> None:
    early = make_watchlist(store, "before", entity="Ada Lovelace")
    store.save_watchlist(early)
    corpus = clustered(store)
    for watch in (make_watchlist(store, "ada", entity="Ada Lovelace"),
                  make_watchlist(store, "ada-fr", entity="Ada Lovelace", languages=["fr"]),
                  make_watchlist(store, "ada-2", entity="Ada Lovelace", min_sources=2),
                  make_watchlist(store, "s1", story="s1"),
                  make_watchlist(store, "nobody", entity="Grace Hopper")):
        store.save_watchlist(watch)
    run = raise_alerts(store, NOW)
    # only "before" existed when the first batch was committed
    assert {(a.watchlist, a.story_id, a.kind) for a in store.alerts()} == {
        ("before", "s1", "new_story"), ("before", "s2", "new_story")}
    assert run.events == 4 and run.alerts == 2
    _grow(store, corpus)
    raise_alerts(store, NOW)
    latest = {(a.watchlist, a.kind, a.payload["detail"]) for a in store.alerts()
              if a.watchlist != "before"}
    assert latest == {
        ("ada", "new_language", "fr"), ("ada", "new_source", "Matin"),
        ("ada-fr", "new_language", "fr"), ("ada-fr", "new_source", "Matin"),
        # s1 had one outlet (its duplicate is not independent); Matin makes two
        ("ada-2", "new_language", "fr"), ("ada-2", "new_source", "Matin"),
        ("s1", "grew", str(store.last_event_id())), ("s1", "new_language", "fr"),
        ("s1", "new_source", "Matin")}
    count = len(store.alerts())
    store.save_alerts([], 0, NOW)  # the cursor back at the start: every change seen again
    assert raise_alerts(store, NOW).alerts == 0 and len(store.alerts()) == count
    alert = store.alerts("ada")[0]
    assert alert.payload["title"] and alert.payload["articles"][0]["language"] == "fr"


def test_old_news_alerts_nobody(store: Backend) -> None:
    store.save_watchlist(make_watchlist(store, "ada", entity="Ada Lovelace"))
    corpus = clustered(store)
    run = raise_alerts(store, NOW, since="2026-01-01")  # "a" is dated 2024: old news
    assert [a.story_id for a in store.alerts()] == ["s2"]  # undated "c" is not known to be old
    assert run.too_old == 1  # s1 (s3 is undated, and not about Ada)
    _grow(store, corpus)
    assert raise_alerts(store, NOW, since="2026-01-01").alerts == 0


def test_watchlists_are_checked(store: Backend) -> None:
    for bad in ({}, {"entity": "A", "query": "b"}, {"entity": "A", "languages": ["english"]},
                {"entity": "A", "webhook": "ftp://x"}, {"entity": "A", "email": "nobody"}):
        with pytest.raises(WatchlistError):
            make_watchlist(store, "w", **bad)
    with pytest.raises(WatchlistError):
        make_watchlist(store, "../etc", entity="A")


def _alert(store: Backend, webhook: str | None = None, email: str | None = None) -> Alert:
    store.save_watchlist(make_watchlist(store, "ada", entity="Ada Lovelace", webhook=webhook,
                                        email=email))
    clustered(store)
    raise_alerts(store, NOW)
    alert = store.alerts()[-1]
    return alert


def test_a_missed_delivery_is_retried_until_sent_and_sent_once(store: Backend) -> None:
    alert = _alert(store, webhook="http://hook.invalid/", email="a@example.org")
    sent: list[tuple[str, int]] = []
    failing = {"on": True}

    def webhook(a: Alert, target: str) -> None:
        if failing["on"]:
            raise DeliveryFailed("http 503")
        sent.append(("webhook", a.id))

    def mail(a: Alert, target: str) -> None:
        sent.append(("email", a.id))

    clock = datetime(2026, 3, 2, 12, tzinfo=UTC)
    senders = {"webhook": webhook, "email": mail}
    first = deliver_due(store, lambda: clock, senders)
    assert (first.sent, first.failed) == (2, 2)  # two alerts (s1, s2); the hooks failed
    assert deliver_due(store, lambda: clock, senders).sent == 0  # not due yet: no retry storm
    failing["on"] = False
    later = clock + timedelta(minutes=5)
    assert deliver_due(store, lambda: later, senders).sent == 2
    assert deliver_due(store, lambda: later + timedelta(days=1), senders).sent == 0
    assert sorted(sent) == sorted([("email", a.id) for a in store.alerts()]
                                  + [("webhook", a.id) for a in store.alerts()])
    (hook,) = [d for d in store.deliveries(alert.id) if d.channel == "webhook"]
    assert (hook.state, hook.attempts, hook.last_error) == ("sent", 2, None)


def test_webhooks_are_signed_and_failures_are_reported(
        store: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    alert = _alert(store)
    with serve_site() as site:
        site.put("/hook", b"")
        site.put("/broken", status=500)
        monkeypatch.delenv("NEWSLOOM_WEBHOOK_SECRET", raising=False)
        with pytest.raises(DeliveryFailed, match="WEBHOOK_SECRET"):
            send_webhook(alert, f"{site.url}/hook")  # never unsigned
        monkeypatch.setenv("NEWSLOOM_WEBHOOK_SECRET", "k")
        send_webhook(alert, f"{site.url}/hook")
        with pytest.raises(DeliveryFailed, match="http 500"):
            send_webhook(alert, f"{site.url}/broken")
    (hit,) = [h for h in site.hits if h.path == "/hook"]
    digest = hmac.new(b"k", hit.body, hashlib.sha256).hexdigest()
    assert hit.headers["x-newsloom-signature"] == f"sha256={digest}"
    assert json.loads(hit.body)["story_id"] == alert.story_id


def test_email_needs_a_configured_server(store: Backend,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    alert = _alert(store)
    monkeypatch.delenv("NEWSLOOM_SMTP_HOST", raising=False)
    reset_settings()
    with pytest.raises(DeliveryFailed, match="smtp_host"):
        send_email(alert, "a@example.org")


def test_the_atom_feed_is_valid_atom_with_one_entry_per_alert(store: Backend) -> None:
    from xml.etree import ElementTree as ET

    alert = _alert(store)
    (watch,) = store.watchlists()
    root = ET.fromstring(watch_feed(watch, store.alerts("ada"), "http://h"))
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed" and root.findtext(f"{atom}id")
    entries = root.findall(f"{atom}entry")
    assert len(entries) == len(store.alerts("ada"))
    assert entries[-1].findtext(f"{atom}id") == f"tag:newsloom,2026:alert/{alert.id}"


def test_query_watchlists_match_the_stories_their_words_are_in(store: Backend) -> None:
    store.save_watchlist(make_watchlist(store, "engine", query="engine hall"))
    store.save_watchlist(make_watchlist(store, "profits", query="profits"))
    store.save_watchlist(make_watchlist(store, "noise", query="!!!"))
    clustered(store)
    raise_alerts(store, NOW)
    assert sorted((a.watchlist, a.story_id) for a in store.alerts()) == [
        ("engine", "s1"), ("profits", "s3")]


def test_a_storyline_watchlist_hears_each_new_story_in_it(store: Backend) -> None:
    from newsloom.model import Storyline

    store.save_watchlist(make_watchlist(store, "line", storyline="l1"))
    clustered(store)
    store.save_storylines([Storyline("l1", ["s1", "s2"], []), Storyline("l2", ["s3"], [])],
                          {"l1": "Ada", "l2": "Acme"})
    raise_alerts(store, NOW)
    assert sorted((a.kind, a.story_id, a.payload["detail"]) for a in store.alerts()) == [
        ("new_in_storyline", "s1", "l1"), ("new_in_storyline", "s2", "l1")]
