"""In a real browser (Debian's Chromium through Playwright, loopback only): create a watchlist
on the watchlists page with the token, let a batch about the watched entity be committed and
its alerts raised, and see the alert on the alerts page and the "new since your last visit"
line on the home page."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from newsloom.alerts.match import raise_alerts
from newsloom.store import open_store
from store_contract.records import clustered
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port

TOKEN = "watch-browser-token"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "news.db"
    open_store(db).close()
    port = _free_port()
    env = {**os.environ, "NEWSLOOM_DB": str(db), "NEWSLOOM_API_TOKEN": TOKEN,
           "PYTHONPATH": os.pathsep.join(filter(None, (str(SRC), os.environ.get("PYTHONPATH"))))}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "newsloom", "serve", "--port", str(port)],
                               cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield base, db
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_a_watchlist_made_in_the_browser_shows_its_alert(
        served: tuple[str, Path], page: Page) -> None:
    base, db = served
    page.goto(f"{base}/")  # the first visit: remembered by the browser
    expect(page.locator("#since-last-visit")).to_be_hidden()
    page.goto(f"{base}/watchlists")
    expect(page.locator("#no-watchlists")).to_be_visible()
    page.fill("#watch-name", "ada")
    page.select_option("#watch-kind", "entity")
    page.fill("#watch-target", "Ada Lovelace")
    page.fill("#token", "wrong")
    page.click("#watch-form button")
    expect(page.locator("#watch-status")).to_contain_text("Refused (403)")
    page.fill("#token", TOKEN)
    page.click("#watch-form button")
    expect(page.locator("#watchlists tr[data-name=ada]")).to_contain_text("Ada Lovelace")

    with open_store(db) as store:  # a batch about Ada is committed; the fetch cycle's alerts
        clustered(store)
        raise_alerts(store, "2026-03-02T12:00:00+00:00")

    page.goto(f"{base}/alerts")
    alerts = page.locator("li.alert")
    expect(alerts).to_have_count(2)  # stories s1 and s2 name Ada
    expect(alerts.first).to_contain_text("new story")
    expect(alerts.first.locator("h2 a")).to_have_attribute("href", "/stories/s2")
    page.goto(f"{base}/")
    expect(page.locator("#since-last-visit")).to_have_text("2 new alerts since your last visit")
    page.goto(f"{base}/")  # seen now
    expect(page.locator("#since-last-visit")).to_be_hidden()

    page.goto(f"{base}/watchlists")  # edit, then delete, in the browser
    page.click("#watchlists tr[data-name=ada] .edit")
    page.fill("#watch-languages", "fr")
    page.click("#watch-form button")
    expect(page.locator("#watchlists tr[data-name=ada]")).to_contain_text("fr")
    page.click("#watchlists tr[data-name=ada] .delete")
    expect(page.locator("#watchlists tr[data-name=ada]")).to_have_count(0)
    assert httpx.get(f"{base}/api/watchlists").json() == []
