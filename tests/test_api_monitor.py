"""The monitoring API: sources and watchlists CRUD (writes need the token), alerts, the Atom
feed of a watchlist, and all of it in the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsloom.alerts.match import raise_alerts
from newsloom.api import ApiSettings, create_app
from newsloom.store import open_store
from store_contract.records import clustered

TOKEN = "monitor-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=db, api_token=TOKEN))) as test_client:
        yield test_client


def test_sources_crud_needs_the_token_to_write(client: TestClient) -> None:
    body = {"url": "http://news.example/feed.xml"}
    assert client.post("/api/sources", json=body).status_code == 401
    assert client.post("/api/sources", json=body,
                       headers={"Authorization": "Bearer wrong"}).status_code == 403
    created = client.post("/api/sources", json=body, headers=AUTH)
    assert created.status_code == 201 and created.json()["last_success"] is None
    assert client.post("/api/sources", json=body, headers=AUTH).status_code == 409
    assert client.post("/api/sources", json={"url": "file:///etc/passwd"},
                       headers=AUTH).status_code == 422
    assert [s["url"] for s in client.get("/api/sources").json()] == [body["url"]]
    assert client.delete("/api/sources", params=body).status_code == 401
    assert client.delete("/api/sources", params=body, headers=AUTH).status_code == 204
    assert client.delete("/api/sources", params=body, headers=AUTH).status_code == 404


def test_watchlists_crud(client: TestClient) -> None:
    body = {"entity": "Ada Lovelace", "languages": ["en", "fr"], "min_sources": 2}
    assert client.post("/api/watchlists/ada", json=body).status_code == 401
    created = client.post("/api/watchlists/ada", json=body, headers=AUTH)
    assert created.status_code == 201
    assert created.json() | {"created_at": None} == {
        "name": "ada", "kind": "entity", "target": "Ada Lovelace", "created_at": None,
        "languages": ["en", "fr"], "min_sources": 2, "webhook": None, "email": None,
        "feed": "/feeds/watch/ada.atom"}
    assert client.post("/api/watchlists/ada", json=body, headers=AUTH).status_code == 409
    both = {"entity": "A", "query": "b"}
    assert client.post("/api/watchlists/two", json=both, headers=AUTH).status_code == 422
    assert client.post("/api/watchlists/bad%20name", json=body, headers=AUTH
                       ).status_code == 422
    edited = client.put("/api/watchlists/ada", json={"query": "engine hall"}, headers=AUTH)
    assert edited.status_code == 200 and edited.json()["kind"] == "query"
    assert client.put("/api/watchlists/nope", json=body, headers=AUTH).status_code == 404
    assert [w["name"] for w in client.get("/api/watchlists").json()] == ["ada"]
    assert client.delete("/api/watchlists/ada").status_code == 401
    assert client.delete("/api/watchlists/ada", headers=AUTH).status_code == 204
    assert client.get("/api/watchlists").json() == []


def test_alerts_and_the_atom_feed(db: Path, client: TestClient) -> None:
    assert client.post("/api/watchlists/ada", json={"entity": "Ada Lovelace"},
                       headers=AUTH).status_code == 201
    with open_store(db) as store:
        clustered(store)
        raise_alerts(store, "2026-03-02T12:00:00+00:00")
    alerts = client.get("/api/alerts").json()
    assert sorted(a["story_id"] for a in alerts) == ["s1", "s2"]
    assert all(a["kind"] == "new_story" and a["title"] for a in alerts)
    assert client.get("/api/alerts", params={"since": "2027"}).json() == []
    assert client.get("/api/alerts", params={"watchlist": "other"}).json() == []
    feed = client.get("/feeds/watch/ada.atom")
    assert feed.status_code == 200 and feed.text.count("<entry>") == 2
    assert client.get("/feeds/watch/nobody.atom").status_code == 404


def test_the_monitoring_endpoints_are_in_the_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/sources", "/api/watchlists", "/api/watchlists/{name}", "/api/alerts",
            "/feeds/watch/{name}.atom"} <= set(paths)
    assert set(paths["/api/watchlists/{name}"]) == {"post", "put", "delete"}


def test_the_watchlists_page_shows_the_sources_state(db: Path, client: TestClient) -> None:
    from newsloom.model.monitoring import PollOutcome

    with open_store(db) as store:
        store.add_source("http://news.example/feed.xml", "T0")
        store.save_poll(PollOutcome("http://news.example/feed.xml", "T1", "T9", False,
                                    error="http 503"))
    page = client.get("/watchlists").text
    assert "http://news.example/feed.xml" in page and "http 503" in page and "never" in page
