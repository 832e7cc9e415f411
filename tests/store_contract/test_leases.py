"""The corpus lease: one corpus stage at a time per store, ingest unaffected, and a holder that
outstays the timeout reported as the backend-neutral :class:`StoreBusy`."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from newsloom.store.errors import StoreBusy, StoreUnavailable
from newsloom.store.ports import Backend

from .conftest import StoreFactory
from .records import page


@contextmanager
def held_elsewhere(store: Backend) -> Iterator[None]:
    """``store``'s corpus lease held by another thread (as by another stage) until exit."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.corpus_lease():
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(30)
    try:
        yield
    finally:
        release.set()
        holder.join(30)


def test_a_second_corpus_stage_waits_then_reports_the_store_busy(
        make_store: StoreFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSLOOM_LOCK_TIMEOUT", "0.3")
    first, second = make_store("main"), make_store("main")
    with held_elsewhere(first):
        start = time.monotonic()
        with pytest.raises(StoreBusy) as raised, second.corpus_lease():
            pytest.fail("the lease was granted while another stage held it")
        assert time.monotonic() - start >= 0.25  # it waited before giving up
    assert isinstance(raised.value, StoreUnavailable)
    with second.corpus_lease():  # released: the next stage goes ahead
        pass


def test_ingest_goes_on_while_a_corpus_stage_holds_its_lease(make_store: StoreFactory) -> None:
    first, second = make_store("main"), make_store("main")
    with held_elsewhere(first):
        assert second.add([page("a")]).added == 1
        assert second.count_pending_articles() == 1
