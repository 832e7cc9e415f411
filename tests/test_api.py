"""HTTP API reads over a store built from the example corpus and the test fixtures, on each
store backend (a SQLite file; a PostgreSQL schema on the session's test server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

import pg_server
from newsloom.api import ApiSettings, create_app
from newsloom.cli.options import StoreLocation
from test_api_support import FIXTURES, MTS_SEED, SEEDS, build_store, seeds_store
from timeline_corpus import CORE, STATED, expected_citations, write_jsonl

TOKEN = "test-token-1234"


@contextmanager
def _store(backend: str, sqlite_file: Path) -> Iterator[Path]:
    """Where a test store of ``backend`` goes: ``sqlite_file``, or a new PostgreSQL store."""
    if backend == "sqlite":
        yield sqlite_file
        return
    with pg_server.temporary_store("api") as url:
        yield StoreLocation(url)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeds_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Path]:
    if request.param == "sqlite":
        yield seeds_store(tmp_path_factory)  # built once per session, shared read-only
        return
    with pg_server.temporary_store("api") as url:
        yield build_store(StoreLocation(url), SEEDS, FIXTURES)


@pytest.fixture(scope="module")
def client(seeds_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=seeds_db, api_token=TOKEN))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def story_id(client: TestClient) -> str:
    """The story the Dutch MTS seed belongs to (the MTS deal; one event, one story)."""
    story = client.get(f"/api/articles/{MTS_SEED}").json()["story_id"]
    assert story
    return str(story)


def _error(response: Response, code: int) -> dict[str, object]:
    assert response.status_code == code, response.text
    body: dict[str, object] = response.json()
    assert body["status"] == code and body["detail"]
    return body


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/stories",
                 "/api/stories/{story_id}", "/api/storylines", "/api/storylines/{line_id}",
                 "/api/entities", "/api/entities/{ref}", "/api/timeline", "/api/summary",
                 "/api/search", "/api/search/stories", "/api/ingest", "/api/ingest/jsonl",
                 "/api/jobs", "/api/jobs/{job_id}", "/api/health"):
        assert path in paths, path
    assert not any(p.startswith("/stories") for p in paths)  # pages stay out of the schema


def test_health_counts_articles_and_reports_auth(client: TestClient) -> None:
    body = client.get("/api/health").json()
    listed = client.get("/api/articles", params={"limit": 1}).json()["total"]
    assert body["articles"] == listed > 0
    assert body["writes_enabled"] is True and body["reads_protected"] is False


def test_articles_paginate_without_overlap(client: TestClient) -> None:
    first = client.get("/api/articles", params={"limit": 3}).json()
    second = client.get("/api/articles", params={"limit": 3, "offset": 3}).json()
    assert first["total"] == second["total"] >= 6
    assert len(first["items"]) == 3 and first["limit"] == 3 and second["offset"] == 3
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    past = client.get("/api/articles", params={"offset": first["total"]}).json()
    assert past["items"] == [] and past["total"] == first["total"]


def test_article_filters(client: TestClient, story_id: str) -> None:
    dutch = client.get("/api/articles", params={"lang": "nl", "limit": 200}).json()
    assert dutch["items"] and all(a["language"] == "nl" for a in dutch["items"])
    both = client.get("/api/articles", params=[("lang", "nl"), ("lang", "de")]).json()
    assert both["total"] > dutch["total"]
    in_story = client.get("/api/articles", params={"story": story_id, "limit": 200}).json()
    members = client.get(f"/api/stories/{story_id}").json()["story"]["article_ids"]
    assert in_story["total"] == len(members) >= 1
    assert all(a["story_id"] == story_id for a in in_story["items"])
    dated = client.get("/api/articles", params={"from": "2019-08", "to": "2019-08-31"}).json()
    assert dated["items"] and all(a["published"].startswith("2019-08") for a in dated["items"])
    huawei = client.get("/api/articles", params={"entity": "Huawei", "limit": 200}).json()
    assert huawei["total"] >= 5 and MTS_SEED in {a["source_id"] for a in huawei["items"]}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1},
                                    {"limit": "many"}, {"from": "14.08.2019"},
                                    {"to": "2019-8"}, {"lang": "dutch"}])
def test_article_listing_rejects_bad_parameters(client: TestClient,
                                                params: dict[str, object]) -> None:
    body = _error(client.get("/api/articles", params=params), 422)
    assert isinstance(body["detail"], list | str)


def test_article_by_id_prefix_or_source_id(client: TestClient) -> None:
    by_source = client.get(f"/api/articles/{MTS_SEED}").json()
    assert by_source["language"] == "nl" and "MTS" in by_source["text"]
    by_id = client.get(f"/api/articles/{by_source['id']}").json()
    assert by_id == by_source
    assert client.get(f"/api/articles/{by_source['id'][:8]}").json()["id"] == by_source["id"]
    names = {e["name"] for e in by_id["entities"]}
    assert "Huawei" in names and by_id["removed_lines"]  # boilerplate audit travels along


def test_unknown_ids_are_404_with_error_body(client: TestClient) -> None:
    for url in ("/api/articles/nope-nope", "/api/stories/s000000000", "/api/storylines/l0",
                "/api/entities/no-such-entity-anywhere", "/api/jobs/abc"):
        body = _error(client.get(url), 404)
        assert "no " in str(body["detail"])
    _error(client.get("/api/articles", params={"entity": "no-such-entity-anywhere"}), 404)


def test_stories_list_and_language_filter(client: TestClient, story_id: str) -> None:
    stories = client.get("/api/stories").json()
    ids = [s["id"] for s in stories["items"]]
    assert story_id in ids and stories["total"] == len(ids)
    sizes = [len(s["article_ids"]) for s in stories["items"]]
    assert sizes == sorted(sizes, reverse=True)  # largest first
    dutch = client.get("/api/stories", params={"lang": "nl"}).json()["items"]
    assert dutch and all("nl" in s["languages"] for s in dutch)
    latest = client.get("/api/stories", params={"sort": "latest"}).json()["items"]
    assert sorted(s["id"] for s in latest) == sorted(ids)
    _error(client.get("/api/stories", params={"sort": "random"}), 422)


def test_story_detail_groups_articles_with_entities(client: TestClient, story_id: str) -> None:
    body = client.get(f"/api/stories/{story_id}").json()
    assert body["story"]["id"] == story_id
    assert set(body["story"]["languages"]) == {a["article"]["language"] for a in body["articles"]}
    assert "nl" in body["story"]["languages"]
    listed = [a["article"]["id"] for a in body["articles"]]
    listed += [d["id"] for a in body["articles"] for d in a["duplicates"]]
    assert sorted(listed) == sorted(body["story"]["article_ids"])
    names = [e["name"] for e in body["entities"]]
    assert "Huawei" in names and len(names) >= len(body["story"]["key_entities"])
    assert body["entities_counted"] == body["articles_total"] == len(body["articles"])


def test_story_articles_paginate(client: TestClient, story_id: str) -> None:
    whole = client.get(f"/api/stories/{story_id}").json()
    pages = [client.get(f"/api/stories/{story_id}", params={"limit": 2, "offset": o}).json()
             for o in range(0, whole["articles_total"], 2)]
    assert all(p["articles_total"] == whole["articles_total"] for p in pages)
    assert [a for p in pages for a in p["articles"]] == whole["articles"]
    _error(client.get(f"/api/stories/{story_id}", params={"limit": 0}), 422)


def test_storylines(client: TestClient, story_id: str) -> None:
    lines = client.get("/api/storylines").json()
    assert lines["total"] == len(lines["items"]) >= 1
    line = next(x for x in lines["items"] if story_id in x["story_ids"])
    detail = client.get(f"/api/storylines/{line['id']}").json()
    assert detail["storyline"]["label"] == line["label"]
    assert [s["id"] for s in detail["stories"]] == line["story_ids"]


def test_entities_search_and_detail(client: TestClient) -> None:
    found = client.get("/api/entities", params={"q": "huawei"}).json()
    assert found["items"] and found["items"][0]["name"] == "Huawei"
    places = client.get("/api/entities", params={"type": "LOC", "limit": 200}).json()
    assert places["items"] and all(e["type"] == "LOC" for e in places["items"])
    _error(client.get("/api/entities", params={"type": "ANIMAL"}), 422)
    detail = client.get("/api/entities/Huawei").json()
    assert {"de", "nl"} <= set(detail["entity"]["aliases"])
    assert detail["cooccurrence_counted"] == detail["entity"]["articles"]
    partners = {c["entity"]["name"]: c["articles"] for c in detail["cooccurring"]}
    assert "Huawei" not in partners and partners
    assert max(partners.values()) <= detail["entity"]["articles"]
    recent = detail["recent_articles"]
    assert 2 <= len(recent) <= detail["entity"]["articles"]
    assert all("Huawei" in client.get(f"/api/articles/{a['id']}").text for a in recent[:2])
    by_alias = client.get("/api/entities/Verenigde Staten").json()["entity"]
    assert by_alias["name"] == "United States"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bridge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[TestClient, dict[str, dict[str, Any]]]]:
    """A store of the fixtures_timeline articles, whose bridge story has several dates; with
    its articles by source id."""
    work = tmp_path_factory.mktemp("api-bridge")
    with (_store(request.param, work / "bridge.db") as location,
          TestClient(create_app(ApiSettings(
              db=build_store(location, write_jsonl(work)), api_token=TOKEN))) as test_client):
        listed = test_client.get("/api/articles", params={"limit": 200}).json()["items"]
        yield test_client, {a["source_id"]: a for a in listed}


def test_timeline_of_a_story(bridge: tuple[TestClient, dict[str, dict[str, Any]]]) -> None:
    client, articles = bridge
    story_id = articles["a1"]["story_id"]
    members = {source for source, a in articles.items() if a["story_id"] == story_id}
    assert members >= CORE
    ids = {source: a["id"] for source, a in articles.items()}
    full = client.get("/api/timeline", params={"story": story_id}).json()
    assert full["request"]["story"] == story_id and full["story_ids"] == [story_id]
    assert full["articles"] == len(members)
    assert {c for e in full["entries"] + full["undated"] for c in e["citations"]} == {
        ids[source] for source in members}
    dates = [e["date"] for e in full["entries"]]
    assert set(STATED) <= set(dates) and dates == sorted(dates)
    # Two dates, one sentence each: the two dates most articles state, in date order.
    body = client.get("/api/timeline", params={"story": story_id, "max_dates": 2,
                                               "sentences_per_date": 1}).json()
    assert (body["request"]["max_dates"], body["request"]["sentences_per_date"]) == (2, 1)
    assert [e["date"] for e in body["entries"]] == ["2024-03-18", "2024-03-20"]
    for entry in body["entries"]:
        assert set(entry["citations"]) == expected_citations(entry["date"], members, ids)
        [sentence] = entry["sentences"]
        assert sentence["article_id"] in entry["citations"]


def test_entities_listed_are_confirmed_and_the_rest_on_request(client: TestClient) -> None:
    listed = client.get("/api/entities", params={"limit": 200}).json()
    everything = client.get("/api/entities", params={"limit": 200, "unconfirmed": True}).json()
    assert listed["items"] and all(e["confirmed"] for e in listed["items"])
    assert all(e["articles"] >= 2 or e["type"] == "PER" or e["vouched"]
               for e in listed["items"])
    hidden = [e for e in everything["items"] if not e["confirmed"]]
    assert hidden and everything["total"] == listed["total"] + len(hidden)
    assert {e["name"] for e in listed["items"]} >= {"MTS", "Alcatel", "Lucent"}  # vouched


def test_timeline_of_an_entity_by_name(client: TestClient) -> None:
    body = client.get("/api/timeline", params={"entity": "Huawei"}).json()
    assert body["request"]["entity"]  # resolved to the entity id
    assert body["articles"] >= 5


@pytest.mark.parametrize("params", [{}, {"story": "a", "entity": "b"}, {"story": "x",
                                    "max_dates": 0}, {"story": "x", "from": "yesterday"}])
def test_timeline_bad_requests(client: TestClient, params: dict[str, object]) -> None:
    _error(client.get("/api/timeline", params=params), 422)


def test_timeline_unknown_targets(client: TestClient) -> None:
    _error(client.get("/api/timeline", params={"story": "s-unknown"}), 404)
    _error(client.get("/api/timeline", params={"entity": "no-such-entity-anywhere"}), 404)


def test_summary(client: TestClient, story_id: str) -> None:
    body = client.get("/api/summary", params={"story": story_id}).json()
    assert body["kind"] == "story" and body["id"] == story_id
    assert 1 <= len(body["sentences"]) <= 5
    members = set(client.get(f"/api/stories/{story_id}").json()["story"]["article_ids"])
    assert {s["article_id"] for s in body["sentences"]} <= members
    _error(client.get("/api/summary", params={"story": "s-unknown"}), 404)
    _error(client.get("/api/summary"), 422)
    _error(client.get("/api/summary", params={"story": story_id, "storyline": "x"}), 422)


def test_cross_lingual_search_finds_the_dutch_mts_article(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Huawei Russland 5G"}).json()
    assert body["total"] >= 1 and body["q"] == "Huawei Russland 5G"
    top = body["hits"][0]  # first on both stores: bm25 with idf (store/postgres/bm25.py)
    assert top["language"] == "nl" and "Rusland" in (top["title"] or "")
    assert any(span["highlighted"] for span in top["snippet"])
    semantic = client.get("/api/search", params={"q": "Huawei Russland 5G", "mode": "semantic",
                                                 "lang": "nl"}).json()
    assert semantic["hits"] and all(h["language"] == "nl" for h in semantic["hits"])


def test_search_pages_and_stories(client: TestClient, story_id: str) -> None:
    first = client.get("/api/search", params={"q": "Huawei", "limit": 2}).json()
    second = client.get("/api/search", params={"q": "Huawei", "limit": 2, "offset": 2}).json()
    assert len(first["hits"]) == 2 and first["total"] == second["total"]
    assert not {h["article_id"] for h in first["hits"]} & {h["article_id"]
                                                           for h in second["hits"]}
    stories = client.get("/api/search/stories", params={"q": "Huawei Russland 5G"}).json()
    assert stories["stories"][0]["story_id"] == story_id


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x", "mode": "magic"},
                                    {"q": "x", "limit": 500}])
def test_search_bad_requests(client: TestClient, params: dict[str, object]) -> None:
    _error(client.get("/api/search", params=params), 422)


def test_search_unknown_entity_filter(client: TestClient) -> None:
    _error(client.get("/api/search", params={"q": "Huawei",
                                             "entity": "no-such-entity-anywhere"}), 404)


def test_load_test_refuses_other_hosts_and_ranks_percentiles() -> None:
    from newsloom.api.loadtest import check_loopback, percentile

    check_loopback("http://127.0.0.1:8000")
    check_loopback("http://localhost:1")
    for url in ("http://10.0.0.1:8000", "http://example.org"):
        with pytest.raises(SystemExit):
            check_loopback(url)
    sample = [float(v) for v in range(1, 101)]
    assert percentile(sample, 0.5) == 50 and percentile(sample, 0.95) == 95
    assert percentile([7.0], 0.99) == 7
