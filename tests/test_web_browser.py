"""End to end in a real browser: ``newsloom analyze`` the seeds, ``newsloom serve`` them, and
drive Debian's Chromium with Playwright (no downloaded browser, no network).

Screenshots go to a temporary folder, or to ``NEWSLOOM_SCREENSHOT_DIR`` when set (the README's
images come from ``NEWSLOOM_SCREENSHOT_DIR=docs/screenshots``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TOKEN = "browser-test-token"

if not CHROMIUM.exists():
    if os.environ.get("CI"):  # CI installs Chromium (.ci/run): missing there is a failure
        raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs the chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "NEWSLOOM_DB": str(work / "seeds.db"), "NEWSLOOM_API_TOKEN": TOKEN}
    analyzed = subprocess.run(
        [sys.executable, "-m", "newsloom", "analyze", str(ROOT / "examples"), "--no-print"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert analyzed.returncode == 0, analyzed.stderr
    port = _free_port()
    log = (work / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "newsloom", "serve", "--port", str(port)],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (work / "serve.log").read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("NEWSLOOM_SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A page that must stay on the server's origin and raise no CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    violations: list[str] = []
    elsewhere: list[str] = []
    opened.on("console", lambda m: violations.append(m.text)
              if "Content Security Policy" in m.text else None)
    opened.on("request", lambda r: elsewhere.append(r.url)
              if not r.url.startswith((server + "/", "data:", "blob:")) else None)
    yield opened
    context.close()
    assert violations == [], violations
    assert elsewhere == [], elsewhere


def test_first_search_after_start_is_warm(server: str) -> None:
    """The encoder loads before the server answers at all (first in this module: the
    server fixture has just started it, and nothing has searched yet)."""
    health = httpx.get(f"{server}/api/health", timeout=10).json()
    assert health["ready"] is True and health["search_warm"] is True
    started = time.perf_counter()
    found = httpx.get(f"{server}/api/search", params={"q": "Huawei Russland 5G"}, timeout=60)
    assert found.status_code == 200 and found.json()["hits"]
    assert time.perf_counter() - started < 3.0  # ~7 s when the encoder loaded on first use


def _chart_items(page: Page) -> int:
    """How many items the ECharts timeline drew (0 if it did not render)."""
    page.wait_for_selector(".chart[data-rendered] svg")
    drawn = page.evaluate(
        "() => { const el = document.querySelector('.chart[data-rendered]');"
        " return [Number(el.dataset.rendered), el.querySelectorAll('svg path').length]; }")
    items, paths = drawn
    assert paths > 0
    return int(items)


def test_home_story_and_timeline(page: Page, server: str, shots: Path) -> None:
    page.goto(server + "/")
    cards = page.locator(".story-card")
    # the five seeds report five different events: one card each, German and Dutch among them
    assert cards.count() == 5
    assert "5 articles in 5 stories" in page.locator("main").inner_text()
    languages = {card.locator(".lang").first.inner_text().upper()
                 for card in cards.all() if card.locator(".lang").count()}
    assert {"DE", "NL"} <= languages
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    first = cards.first
    title = first.locator("h3 a").inner_text()
    first.locator("h3 a").click()
    page.wait_for_url("**/stories/**")
    assert page.locator("h1").inner_text() == title
    assert page.locator("#articles li").count() >= 1
    assert page.locator("#summary blockquote").count() >= 1
    assert _chart_items(page) >= 1
    page.screenshot(path=str(shots / "story.png"), full_page=True)


def test_storyline_page_ties_related_events(page: Page, server: str, shots: Path) -> None:
    page.goto(server + "/")
    pairs = page.locator("li", has=page.locator("a[href^='/storylines/']"),
                         has_text="2 stories")
    assert pairs.count() == 2  # the AT&T pair and the Russia pair
    assert "1 stories" not in page.locator("main").inner_text()
    pairs.first.locator("a").click()
    page.wait_for_url("**/storylines/**")
    assert page.locator(".story-card").count() == 2
    page.screenshot(path=str(shots / "storyline.png"), full_page=True)


def test_cross_lingual_search_from_the_header(page: Page, server: str, shots: Path) -> None:
    page.goto(server + "/")
    box = page.locator("header input[name=q]")
    box.fill("Huawei Russland 5G")
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    top = page.locator(".hit").first
    assert top.locator(".lang").first.inner_text().lower() == "nl"
    assert "Rusland" in top.locator("a").first.inner_text()
    assert top.locator("mark").count() >= 1
    page.screenshot(path=str(shots / "search.png"), full_page=True)


def test_entity_page_with_aliases_and_timeline(page: Page, server: str,
                                               shots: Path) -> None:
    page.goto(server + "/")
    page.locator(".story-card .chip", has_text="Huawei").first.click()
    page.wait_for_url("**/entities/**")
    aliases = page.locator("#aliases").inner_text()
    assert "Huaweis" in aliases and "NL" in aliases.upper()
    assert page.locator("#cooccurring .chip").count() >= 1
    assert _chart_items(page) >= 1
    page.screenshot(path=str(shots / "entity.png"), full_page=True)


def test_phone_layout_has_no_sideways_scroll(browser: Browser, server: str,
                                             shots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for url in ("/", "/search?q=Huawei+Russland+5G"):
        page.goto(server + url)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.goto(server + "/")
    page.locator(".story-card h3 a").first.click()
    page.wait_for_url("**/stories/**")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert _chart_items(page) >= 1
    page.screenshot(path=str(shots / "story-phone.png"), full_page=True)
    context.close()


def test_upload_page_ingests_a_file(page: Page, server: str, tmp_path: Path) -> None:
    upload = tmp_path / "hafen.txt"
    upload.write_text("\n\n".join([
        "Hafenarbeiter in Hamburg legen erneut die Arbeit nieder",
        "Die Gewerkschaft Verdi hat die Beschäftigten der Hamburger Hafenbetriebe am Montag "
        "erneut zum Streik aufgerufen. Der Ausstand soll 24 Stunden dauern und betrifft alle "
        "großen Containerterminals, teilte die Gewerkschaft in Hamburg mit.",
        "Hintergrund sind die festgefahrenen Tarifverhandlungen mit dem Zentralverband der "
        "deutschen Seehafenbetriebe, deren Angebot die Inflation nicht ausgleiche."]),
        encoding="utf-8")
    before = httpx.get(f"{server}/api/health").json()["articles"]
    page.goto(server + "/upload")
    page.fill("#token", "wrong")
    page.set_input_files("#files", str(upload))
    page.click("#upload-form button")
    status = page.locator("#upload-status")
    expect(status).to_contain_text("Refused (403)")
    page.fill("#token", TOKEN)
    page.click("#upload-form button")
    expect(status).to_contain_text("Done: 1 added", timeout=120_000)
    assert httpx.get(f"{server}/api/health").json()["articles"] == before + 1


def test_api_docs_render_from_bundled_assets(page: Page, server: str, shots: Path) -> None:
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 15
    page.screenshot(path=str(shots / "docs.png"))
    page.goto(server + "/redoc")
    page.wait_for_selector(".api-content h1")
    assert "newsloom" in page.locator(".api-content h1").first.inner_text()


def test_pages_cannot_be_framed(browser: Browser, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text))
    page.set_content(f'<iframe src="{server}/"></iframe>')
    page.wait_for_timeout(1500)
    assert page.frames[-1].locator(".story-card").count() == 0
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refused)
    context.close()
