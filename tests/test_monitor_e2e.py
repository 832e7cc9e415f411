"""End to end through the real CLI, against loopback servers only (a news site, a webhook
receiver, an SMTP server): old news does not alert, one new event about a watched entity in
two languages gives exactly one "new story" alert, delivered by webhook, by e-mail and in the
Atom feed with citations; a run with nothing new sends nothing."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

import pg_server
from monitor_news import NEW, OLD, page_html, rfc822
from monitor_server import Site, rss, serve_site
from newsloom.api import ApiSettings, create_app
from newsloom.cli.options import StoreLocation

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
SECRET = "loopback-secret"
SRC = Path(__file__).resolve().parents[1] / "src"
ATOM = "{http://www.w3.org/2005/Atom}"


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[_Mailbox, int]]:
    box, port = _Mailbox(), _free_port()
    controller = aiosmtpd_controller.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def _feed(site: Site, pages: dict[str, tuple[str, str, str, list[str]]]) -> None:
    site.put("/feed.xml", rss("Example News", [(site.url + path, title, rfc822(date))
                                               for path, (_, date, title, _) in pages.items()]),
             content_type="application/rss+xml")


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """A new store: a SQLite file, or a PostgreSQL schema on the session's test server."""
    if request.param == "sqlite":
        yield tmp_path / "news.db"
        return
    with pg_server.temporary_store("monitor") as url:
        yield url


def test_a_new_event_about_a_watched_entity_alerts_once_everywhere(
        tmp_path: Path, db: Path | str, mailbox: tuple[_Mailbox, int]) -> None:
    box, smtp_port = mailbox
    env = {**os.environ, "NEWSLOOM_DB": str(db), "NEWSLOOM_WORKERS": "1",
           "NEWSLOOM_WEBHOOK_SECRET": SECRET, "NEWSLOOM_SMTP_HOST": "127.0.0.1",
           "NEWSLOOM_SMTP_PORT": str(smtp_port), "NEWSLOOM_FETCH_RATE": "20",
           # these sources, whatever the working directory (the run's cwd is tmp_path)
           "PYTHONPATH": os.pathsep.join(filter(None, (str(SRC), os.environ.get("PYTHONPATH"))))}

    def newsloom(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=600,
                                check=False)
        assert result.returncode == 0, result.stderr
        return result

    def alerts() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(newsloom("alerts", "--json").stdout)
        return found

    with serve_site() as site:
        site.put("/hook", b"", content_type="text/plain")
        for path, (lang, date, title, paragraphs) in {**OLD, **NEW}.items():
            site.put(path, page_html(lang, date, title, paragraphs))
        _feed(site, OLD)
        newsloom("sources", "add", f"{site.url}/feed.xml")
        newsloom("watch", "add", "airbus", "--entity", "Airbus", "--webhook",
                 f"{site.url}/hook", "--email", "analyst@example.org")

        # 1: the old news is stored, and alerts nobody
        newsloom("fetch", "--once", "--since", "2026-03-01")
        stored = json.loads(newsloom("export", "articles", "--format", "json").stdout)
        assert len(stored["articles"]) == len(OLD)
        assert alerts() == [] and box.messages == [] and "/hook" not in site.paths()

        # 2: two articles in two languages on a new event about Airbus
        _feed(site, {**OLD, **NEW})
        newsloom("fetch", "--once", "--since", "2026-03-01")
        (alert,) = alerts()
        new_urls = {site.url + path for path in NEW}
        assert alert["kind"] == "new_story" and alert["watchlist"] == "airbus"
        assert "Airbus" in alert["title"] and set(alert["languages"]) == {"en", "fr"}
        assert {a["url"] for a in alert["articles"]} == new_urls
        cited = {s["url"] for s in alert["summary"]}
        assert cited == new_urls  # sentences of both articles, each citing its page
        assert all(s["article_id"] and s["outlet"] for s in alert["summary"])

        (hook,) = [h for h in site.hits if h.path == "/hook"]
        expected = hmac.new(SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
        assert hook.headers["x-newsloom-signature"] == f"sha256={expected}"
        assert json.loads(hook.body)["id"] == alert["id"]
        assert hook.headers["x-newsloom-delivery"] == str(alert["id"])

        (raw,) = box.messages
        message = email.message_from_bytes(raw)
        assert message["To"] == "analyst@example.org" and "new story" in message["Subject"]
        body = message.get_payload(decode=True)
        assert isinstance(body, bytes)
        text = body.decode()
        assert all(url in text for url in new_urls)

        with TestClient(create_app(ApiSettings(db=StoreLocation(str(db))))) as client:
            response = client.get("/feeds/watch/airbus.atom")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        (entry,) = ET.fromstring(response.content).findall(f"{ATOM}entry")
        assert "Airbus" in (entry.findtext(f"{ATOM}title") or "")
        content = entry.findtext(f"{ATOM}content") or ""
        assert all(url in content for url in new_urls)

        # 3: nothing new: nothing sent
        hits = len(site.hits)
        newsloom("fetch", "--once", "--since", "2026-03-01")
        assert "/hook" not in [h.path for h in site.hits[hits:]]
        assert len(box.messages) == 1 and len(alerts()) == 1
