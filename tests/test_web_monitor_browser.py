"""In a real browser (Debian's Chromium through Playwright, loopback only): create a watchlist
on the watchlists page with the token, upload two articles (English, French) on a new event
about the watched entity, and see the alert on the alerts page and the "new since your last
visit" line on the home page; then edit and delete the watchlist."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from monitor_news import NEW, page_html
from newsloom.store import open_store
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, serving

TOKEN = "watch-browser-token"
SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "news.db"
    open_store(db).close()
    env = {**os.environ, "NEWSLOOM_DB": str(db), "NEWSLOOM_API_TOKEN": TOKEN,
           "PYTHONPATH": os.pathsep.join(filter(None, (str(SRC), os.environ.get("PYTHONPATH"))))}
    with serving(tmp_path, env) as base:
        yield base


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_a_watchlist_made_in_the_browser_shows_its_alert(
        served: str, page: Page, tmp_path: Path) -> None:
    base = served
    page.goto(f"{base}/")  # the first visit: remembered by the browser
    expect(page.locator("#since-last-visit")).to_be_hidden()
    page.goto(f"{base}/watchlists")
    expect(page.locator("#no-watchlists")).to_be_visible()
    page.fill("#watch-name", "airbus")
    page.select_option("#watch-kind", "entity")
    page.fill("#watch-target", "Airbus")
    page.fill("#token", "wrong")
    page.click("#watch-form button")
    expect(page.locator("#watch-status")).to_contain_text("Refused (403)")
    page.fill("#token", TOKEN)
    page.click("#watch-form button")
    expect(page.locator("#watchlists tr[data-name=airbus]")).to_contain_text("Airbus")

    # the news arrives: two pages (English, French) on a new event, uploaded in the browser
    files = []
    for path, (lang, date, title, paragraphs) in NEW.items():
        file = tmp_path / Path(path).name
        file.write_text(page_html(lang, date, title, paragraphs), encoding="utf-8")
        files.append(str(file))
    page.goto(f"{base}/upload")
    page.fill("#token", TOKEN)
    page.set_input_files("#files", files)
    page.click("#upload-form button")
    expect(page.locator("#upload-status")).to_contain_text("Done", timeout=240_000)

    page.goto(f"{base}/alerts")
    (alert,) = page.locator("li.alert").all()
    expect(alert).to_contain_text("new story")
    expect(alert.locator("h2")).to_contain_text("Airbus")
    expect(alert.locator("cite")).to_have_count(len(alert.locator("ul li").all()))
    page.goto(f"{base}/")
    expect(page.locator("#since-last-visit")).to_have_text("1 new alert since your last visit")
    page.goto(f"{base}/")  # seen now
    expect(page.locator("#since-last-visit")).to_be_hidden()

    page.goto(f"{base}/watchlists")  # edit, then delete, in the browser
    page.click("#watchlists tr[data-name=airbus] .edit")
    page.fill("#watch-languages", "fr")
    page.click("#watch-form button")
    expect(page.locator("#watchlists tr[data-name=airbus]")).to_contain_text("fr")
    page.click("#watchlists tr[data-name=airbus] .delete")
    expect(page.locator("#watchlists tr[data-name=airbus]")).to_have_count(0)
    assert httpx.get(f"{base}/api/watchlists").json() == []
