"""End to end in a real browser: ``newsloom analyze`` the seeds, ``newsloom serve`` them, and
drive Debian's Chromium with Playwright (no downloaded browser, no network).

Screenshots go to a temporary folder, or to ``NEWSLOOM_SCREENSHOT_DIR`` when set (the README's
images come from ``NEWSLOOM_SCREENSHOT_DIR=docs/screenshots``).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
#: A count of one with a plural noun: what the pages must never print.
WRONG_PLURAL = re.compile(r"\b1 (?:[a-z]+ )?(?:articles|stories|sources|duplicates|entities"
                          r"|results|lines|entries|storylines)\b")
#: A one-day "span" ("2019-08-14 – 2019-08-14"): one date must read as one date.
SAME_DAY_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2}) – \1")

if not CHROMIUM.exists():
    if os.environ.get("CI"):  # CI installs Chromium (.ci/run): missing there is a failure
        raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs the chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(work: Path, env: dict[str, str]) -> Iterator[str]:
    """``newsloom serve`` on a free loopback port, run from ``work``; its base URL once
    /api/health answers. The server's output goes to ``work/serve.log``."""
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
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "NEWSLOOM_DB": str(work / "seeds.db"), "NEWSLOOM_API_TOKEN": TOKEN}
    analyzed = subprocess.run(
        [sys.executable, "-m", "newsloom", "analyze", str(ROOT / "examples"), "--no-print"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert analyzed.returncode == 0, analyzed.stderr
    with serving(work, env) as base:
        yield base


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


def _fits_the_width(page: Page) -> bool:
    """No sideways scroll: the document is no wider than the viewport."""
    return bool(page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"))


def _single_date_card(page: Page) -> str:
    """The date on a one-date timeline's card, after checking the card holds the dated entry
    with its cited sentences instead of a chart."""
    card = page.locator("#timeline .date-card")
    expect(card).to_be_visible()
    assert page.locator("#timeline .chart").count() == 0
    assert card.locator(".entries li strong").count() >= 1  # the dated entry's headline
    assert card.locator("blockquote.cite footer a[href^='/articles/']").count() >= 1
    return card.locator("time").first.inner_text()


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
    # the seeds' only dated story: one date, so a card with it rather than an empty chart
    assert _single_date_card(page) == "2019-08-14"
    text = page.locator("main").inner_text()
    assert re.search(r"\b1 article\b", text) and WRONG_PLURAL.findall(text) == []
    page.screenshot(path=str(shots / "story.png"), full_page=True)


def test_storyline_page_ties_related_events(page: Page, server: str, shots: Path) -> None:
    page.goto(server + "/")
    pairs = page.locator("li", has=page.locator("a[href^='/storylines/']"),
                         has_text="2 stories")
    assert pairs.count() == 2  # the AT&T pair and the Russia pair
    assert WRONG_PLURAL.findall(page.locator("main").inner_text()) == []
    assert SAME_DAY_SPAN.findall(page.locator("main").inner_text()) == []
    pairs.first.locator("a").click()
    page.wait_for_url("**/storylines/**")
    assert page.locator(".story-card").count() == 2
    # at most one of a pair's stories has a stated date: a card naming it, or a note, no chart
    assert page.locator(".chart").count() == 0
    card = page.locator("#timeline .date-card")
    if card.count():
        assert card.locator("a[href^='/stories/']").count() == 1
        expect(card).to_contain_text("1 other story without a stated date")
    assert SAME_DAY_SPAN.findall(page.locator("main").inner_text()) == []
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
    assert _single_date_card(page) == "2019-08-14"
    page.screenshot(path=str(shots / "entity.png"), full_page=True)


def test_phone_layout_has_no_sideways_scroll(browser: Browser, server: str,
                                             shots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for url in ("/", "/stories", "/entities", "/entities/Huawei", "/search",
                "/search?q=Huawei+Russland+5G"):
        page.goto(server + url)
        assert _fits_the_width(page), url
    page.locator(".hit > a").first.click()  # the top hit's article page
    page.wait_for_url("**/articles/**")
    assert _fits_the_width(page)
    page.goto(server + "/")
    page.locator(".story-card h3 a").first.click()
    page.wait_for_url("**/stories/**")
    assert _single_date_card(page) == "2019-08-14"
    assert _fits_the_width(page)
    box = page.locator("#timeline .date-card").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
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


def test_search_ranks_fold_under_why_this_result(page: Page, server: str) -> None:
    page.goto(server + "/search?q=Huawei+Russland+5G")
    hits = page.locator(".hit")
    assert hits.count() >= 2
    text = page.locator("main").inner_text()
    assert "keyword #" not in text and "semantic #" not in text and "ranking" not in text
    assert WRONG_PLURAL.findall(text) == []
    why = hits.first.locator("details.why")
    assert why.locator("summary").inner_text() == "why this result"
    assert why.evaluate("d => d.open") is False
    assert not why.locator("li").first.is_visible()
    why.locator("summary").click()
    assert why.evaluate("d => d.open") is True
    reasons = why.locator("li").all_inner_texts()
    assert reasons and all(re.search(r"#\d+ in the (keyword|semantic) ranking|both", r)
                           for r in reasons)
    # toggling one result leaves the others folded
    assert hits.nth(1).locator("details.why").evaluate("d => d.open") is False


def test_date_filters_show_hints_not_values(page: Page, server: str) -> None:
    page.goto(server + "/search")
    for name in ("from", "to"):
        box = page.locator(f"input[name={name}]")
        assert box.input_value() == "" and box.get_attribute("placeholder") == "YYYY-MM-DD"
        hint, typed = box.evaluate(
            "el => [getComputedStyle(el, '::placeholder'), getComputedStyle(el)]"
            ".map(s => [s.color, s.fontStyle])")
        assert hint[1] == "italic" and typed[1] == "normal" and hint[0] != typed[0]
    box = page.locator("input[name=from]")
    box.fill("soon")  # the browser says so before the server's 422
    assert box.evaluate("el => el.validity.valid") is False
    page.goto(server + "/search?q=Huawei&from=2019-08&to=")
    assert page.locator("input[name=from]").input_value() == "2019-08"
    assert page.locator("input[name=to]").input_value() == ""


@pytest.mark.parametrize("path", ["/", "/stories", "/entities/Huawei", "/storylines"])
def test_entity_colours_have_a_legend(page: Page, server: str, path: str) -> None:
    if path == "/storylines":  # no listing page: the first storyline from home
        page.goto(server + "/")
        page.locator("a[href^='/storylines/']").first.click()
        page.wait_for_url("**/storylines/**")
    else:
        page.goto(server + path)
    legend = page.locator("#type-legend")
    expect(legend).to_be_visible()
    named = legend.locator(".chip").all_inner_texts()
    assert [n.split()[-1] for n in named] == ["PER", "ORG", "LOC", "MISC"]
    colours = page.evaluate("""() => {
        const bg = el => getComputedStyle(el).backgroundColor;
        const legend = {};
        document.querySelectorAll('#type-legend .chip').forEach(el => {
            legend[[...el.classList].find(c => c.startsWith('type-'))] = bg(el); });
        return [...document.querySelectorAll('main .chips .chip')].map(el =>
            [[...el.classList].find(c => c.startsWith('type-')), bg(el), legend]);
    }""")
    assert colours, "no entity chips on " + path
    for kind, colour, legend_colours in colours:  # each chip's colour is explained
        assert legend_colours[kind] == colour, (kind, colour)


def test_phone_chart_leaves_the_width_to_the_bars(browser: Browser, server: str,
                                                  shots: Path) -> None:
    """A second dated Huawei article (uploaded through the API, so last in this module) gives
    the entity a timeline over several dates: a chart, whose lane labels on a phone take
    well under a third of the width."""
    record = {"id": "huawei-mts-moscow", "url": "https://example.org/huawei-mts-moscow",
              "title": "Huawei and MTS switch on first 5G test network in Moscow",
              "published": "2019-09-03", "lang": "en",
              "text": "Huawei and the Russian operator MTS switched on a first 5G test network "
                      "in Moscow on Tuesday.\nHuawei has been barred from supplying 5G "
                      "equipment in the United States, and Russia welcomed its investment."}
    job = httpx.post(f"{server}/api/ingest/jsonl", content=json.dumps(record) + "\n",
                     headers={"Authorization": f"Bearer {TOKEN}",
                              "Content-Type": "application/x-ndjson"}, timeout=30).json()
    deadline = time.monotonic() + 180
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = httpx.get(f"{server}/api/jobs/{job['id']}", timeout=10).json()
    assert job["status"] == "done", job
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/entities/Huawei")
    assert _chart_items(page) >= 2
    assert page.locator("#timeline .date-card").count() == 0
    assert _fits_the_width(page)
    # where the plot starts: everything left of it is the lane labels and their margin
    labels = page.evaluate("""() => {
        const el = document.querySelector('.chart[data-rendered]');
        const chart = echarts.getInstanceByDom(el);
        const start = chart.convertToPixel({gridIndex: 0}, [chart.getOption().xAxis[0].min, 0]);
        return start[0]; }""")
    assert 0 < labels < 390 * 0.25, labels
    page.screenshot(path=str(shots / "entity-phone.png"), full_page=True)
    context.close()
