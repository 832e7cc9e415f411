"""IngestSink: documents with their articles, page versions, skips and runs."""

from __future__ import annotations

import pytest

from newsloom.model import Skip
from newsloom.store.ports import Backend

from .conftest import StoreFactory
from .records import page


def test_added_pages_are_known_and_a_second_add_is_unchanged(store: Backend) -> None:
    pages = [page("a"), page("b"), page("c")]
    first = store.add(pages)
    assert (first.added, first.unchanged, first.new_versions, first.reverts) == (3, 0, 0, [])
    ids = [doc.id for doc, _ in pages]
    assert store.known_ids([*ids, "not-stored"]) == set(ids)
    again = store.add(pages)
    assert (again.added, again.unchanged, again.new_versions) == (0, 3, 0)
    assert store.summary().documents == 3


def test_new_content_of_a_page_is_a_new_version_and_the_old_one_is_not_known(
        store: Backend) -> None:
    old, new = page("p", "First text."), page("p", "Second text.")
    store.add([old])
    result = store.add([new])
    assert (result.added, result.new_versions) == (0, 1)
    assert store.known_ids([old[0].id, new[0].id]) == {new[0].id}
    assert store.versions(old[0].id) == [old[0].id, new[0].id]
    assert [a.id for a in store.articles()] == [new[0].id]
    assert {a.id for a in store.articles(current_only=False)} == {old[0].id, new[0].id}


def test_earlier_content_again_is_a_revert_only_when_asked(store: Backend) -> None:
    old, new = page("p", "First text."), page("p", "Second text.")
    store.add([old])
    store.add([new])
    deferred = store.add([old], revert=False)
    assert deferred.reverts == [old[0].id] and deferred.new_versions == 0
    assert [a.id for a in store.articles()] == [new[0].id]  # left as it was
    reverted = store.add([old])
    assert reverted.new_versions == 1 and reverted.reverts == []
    assert [a.id for a in store.articles()] == [old[0].id]
    assert store.versions(new[0].id) == [old[0].id, new[0].id, old[0].id]
    assert store.add([old]).unchanged == 1  # current again: nothing to do


def test_an_earlier_version_is_stored_and_reverts_without_its_article(
        store: Backend) -> None:
    old, new = page("p", "First text."), page("p", "Second text.")
    store.add([old])
    store.add([new])
    assert store.stored_ids([old[0].id, new[0].id, "not-stored"]) == {old[0].id, new[0].id}
    assert store.add([(old[0], None)], revert=False).reverts == [old[0].id]
    assert store.add([(old[0], None)]).new_versions == 1  # the stored article serves
    assert [a.id for a in store.articles()] == [old[0].id]
    other = page("q", "Never stored.")
    with pytest.raises(ValueError, match="no article"):
        store.add([(other[0], None)])
    assert store.stored_ids([other[0].id]) == set()


def test_same_content_under_another_page_is_not_a_new_document(store: Backend) -> None:
    store.add([page("p", "Shared text.")])
    result = store.add([page("q", "Shared text.")])
    assert (result.added, result.unchanged, result.new_versions) == (0, 1, 0)
    assert len(list(store.articles())) == 1


def test_stored_document_comes_back_as_added(store: Backend) -> None:
    doc, _ = page("p", "Text with ünïcode — and dashes.")
    store.add([(doc, _)])
    back = store.get_document(doc.id)
    assert back is not None
    assert (back.id, back.source_id, back.source, back.content) == (
        doc.id, doc.source_id, doc.source, doc.content)
    assert store.get_document("missing") is None


def test_skips_are_recorded_once_per_source_and_counted(store: Backend) -> None:
    store.add_skips([Skip("x.html", "empty"), Skip("y.gz", "truncated gzip stream")])
    store.add_skips([Skip("x.html", "empty")])
    store.add_skips([])
    assert sorted(store.skipped(), key=lambda s: s.source) == [
        Skip("x.html", "empty"), Skip("y.gz", "truncated gzip stream")]
    assert store.summary().skipped == 2


def test_counts_add_up_over_a_mixed_ingest(store: Backend) -> None:
    results = [store.add([page("a"), page("b")]),
               store.add([page("a"), page("b", "b changed"), page("c")])]
    store.add_skips([Skip("bad.txt", "binary")])
    added = sum(r.added for r in results)
    versions = sum(r.new_versions for r in results)
    assert (added, versions, sum(r.unchanged for r in results)) == (3, 1, 1)
    summary = store.summary()
    assert summary.documents == added + versions
    assert summary.articles == added == len(list(store.articles()))
    counts = store.counts()
    assert (counts.documents, counts.current, counts.pending, counts.clustered) == (4, 3, 3, 0)


def test_runs_record_their_stats_and_the_latest_finished_one_is_found(
        make_store: StoreFactory) -> None:
    store = make_store("runs")
    assert store.last_run("ingest ") is None
    first = store.start_run("ingest a/")
    store.finish_run(first, "done", {"documents": 2})
    second = store.start_run("ingest b/")
    assert second != first
    store.finish_run(second, "failed", {"documents": 5, "added": 1})
    running = store.start_run("ingest c/")  # not finished: no stats yet
    other = store.start_run("report")
    store.finish_run(other, "done", {"pages": 1})
    assert running not in (first, second)
    again = make_store("runs")  # what another process reads
    latest = again.last_run("ingest ")
    assert latest is not None
    assert (latest.command, latest.status, latest.stats) == (
        "ingest b/", "failed", {"documents": 5, "added": 1})
    assert again.last_run("nothing") is None
