"""MonitorStore: polled sources and their state, seen entries, watchlists, alerts from the story
event log (deduplicated, with the cursor moved in the same transaction) and the outbox."""

from __future__ import annotations

from newsloom.model.monitoring import Delivery, NewAlert, PollOutcome, SeenEntry, Watchlist
from newsloom.store.ports import Backend

from .conftest import StoreFactory
from .records import clustered


def test_sources_are_added_once_and_keep_their_poll_state(make_store: StoreFactory) -> None:
    store = make_store("main")
    assert store.add_source("http://a/feed", "2026-01-01T00:00:00+00:00")
    assert not store.add_source("http://a/feed", "2026-01-02T00:00:00+00:00")
    store.add_source("http://b/sitemap.xml", "2026-01-03T00:00:00+00:00")
    store.save_poll(PollOutcome("http://a/feed", "T1", "T2", True, kind="feed", title="A",
                                etag='"v1"', last_modified="Mon"))
    store.save_poll(PollOutcome("http://b/sitemap.xml", "T1", "T9", False, error="http 500"))
    store.save_poll(PollOutcome("http://b/sitemap.xml", "T2", "T10", False, error="timeout"))
    a, b = make_store("main").sources()  # as another process sees them
    assert (a.url, a.title, a.etag, a.last_modified, a.last_success, a.next_poll) == (
        "http://a/feed", "A", '"v1"', "Mon", "T1", "T2")
    assert (b.last_error, b.failures, b.last_success, b.next_poll) == ("timeout", 2, None, "T10")
    # a success clears the error and the failure count; a poll without a title keeps it
    store.save_poll(PollOutcome("http://b/sitemap.xml", "T3", "T4", True, kind="sitemap"))
    b = store.sources()[1]
    assert (b.kind, b.last_error, b.failures, b.last_success) == ("sitemap", None, 0, "T3")
    assert store.remove_source("http://a/feed") and not store.remove_source("http://a/feed")
    assert [s.url for s in store.sources()] == ["http://b/sitemap.xml"]


def test_seen_entries_remember_the_fingerprint_they_were_fetched_with(store: Backend) -> None:
    store.save_entries([SeenEntry("http://a/1", "http://a/feed", "f1", "T1", "stored", "d1"),
                        SeenEntry("http://a/2", "http://a/feed", "f2", "T1", "http 404")])
    store.save_entries([SeenEntry("http://a/1", "http://a/feed", "f1b", "T2", "stored", "d2")])
    assert store.entry_fingerprints(["http://a/1", "http://a/2", "http://a/3"]) == {
        "http://a/1": "f1b", "http://a/2": "f2"}


def _watch(name: str, **extra: object) -> Watchlist:
    return Watchlist(name, "entity", "Ada Lovelace", "T0", **extra)  # type: ignore[arg-type]


def test_watchlists_are_added_edited_and_removed(store: Backend) -> None:
    assert store.save_watchlist(_watch("ada", languages=("en", "de"), min_sources=2,
                                       from_event=7))
    assert not store.save_watchlist(_watch("ada"))
    assert not store.save_watchlist(_watch("nobody"), replace=True)
    assert store.save_watchlist(_watch("ada", webhook="http://hook", from_event=99),
                                replace=True)
    (ada,) = store.watchlists()
    assert (ada.languages, ada.min_sources, ada.webhook, ada.from_event) == ((), 1,
                                                                            "http://hook", 7)
    assert store.remove_watchlist("ada") and store.watchlists() == []


def test_story_events_are_read_after_a_cursor_with_their_articles(store: Backend) -> None:
    corpus = clustered(store)
    events = store.events_after(0, 10)
    assert [(e.kind, e.story_id) for e in events] == [
        ("create", "s1"), ("join", "s1"), ("create", "s2"), ("create", "s3")]
    assert events[2].article_id == corpus.ids["c"]
    assert (events[2].language, events[2].outlet) == ("de", "Daily")
    assert events[0].published == "2024-03-01"
    assert store.last_event_id() == events[-1].id
    assert store.events_after(events[1].id, 1) == [events[2]]


def test_alerts_are_deduplicated_and_queue_one_delivery_per_target(
        make_store: StoreFactory) -> None:
    store = make_store("main")
    store.save_watchlist(_watch("ada", webhook="http://hook", email="a@example.org"))
    store.save_watchlist(_watch("quiet"))
    first = NewAlert("ada", "ada|s1|new_story", "new_story", "s1", 3, "T1", {"title": "Té"})
    assert store.alert_cursor() == 0
    ids = store.save_alerts([first, NewAlert("quiet", "quiet|s1|new_story", "new_story", "s1",
                                             3, "T1")], 3, "T1")
    assert len(ids) == 2 and store.alert_cursor() == 3
    assert store.save_alerts([first], 5, "T2") == []  # the same change never alerts twice
    assert make_store("main").alert_cursor() == 5
    (alert,) = store.alerts("ada")
    assert (alert.kind, alert.story_id, alert.payload) == ("new_story", "s1", {"title": "Té"})
    assert store.alert(alert.id) == alert and store.alerts(since="T2") == []
    assert [(d.channel, d.state) for d in store.due_deliveries("T1")] == [
        ("email", "pending"), ("webhook", "pending")]
    assert store.due_deliveries("T0") == []  # not due before its first attempt


def test_a_delivery_is_retried_until_sent(store: Backend) -> None:
    store.save_watchlist(_watch("ada", webhook="http://hook"))
    (alert_id,) = store.save_alerts(
        [NewAlert("ada", "k", "grew", "s1", 1, "T1")], 1, "T1")
    (due,) = store.due_deliveries("T1")
    store.save_delivery(Delivery(alert_id, "webhook", "http://hook", "pending", 1, "T5",
                                 "http 500"))
    assert store.due_deliveries("T4") == []
    (retry,) = store.due_deliveries("T5")
    assert (retry.attempts, retry.last_error) == (1, "http 500")
    store.save_delivery(Delivery(alert_id, "webhook", "http://hook", "sent", 2, "T5",
                                 None, "T6"))
    assert store.due_deliveries("T9") == []
    assert [(d.state, d.sent_at) for d in store.deliveries(alert_id)] == [("sent", "T6")]
    assert store.remove_watchlist("ada") and store.alerts() == [] and store.deliveries() == []
    assert due.state == "pending"
