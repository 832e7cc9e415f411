"""A merged story's id works on every surface and gives its survivor's result (issue 12).

The store is the seeds store with one merge recorded the way the corpus stage records the
clusterer's merges (``save_corpus_batch`` with a ``merge`` event): the German story of seed 000
(Huawei and Russia against the USA, one dated sentence) merges into the Dutch MTS story (seed
004, Huawei builds MTS's 5G network in Russia). Every surface is asked for the merged id and
must answer as for the survivor: store, timelines, summaries, search filters, API, pages, CLI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsloom.api import ApiSettings, create_app
from newsloom.model import ClusterEvent, SearchQuery, TimelineRequest
from newsloom.search import search
from newsloom.store import open_store
from newsloom.timeline import build_timeline, summarize_story, summary_to_json, timeline_to_json
from test_api_support import MTS_SEED, copy_store, seeds_store

#: The seed whose story is merged away (it has a dated sentence, so its timeline is not empty).
MERGED_SEED = "000_04d8964427728e2c"


@dataclass(frozen=True)
class Merged:
    db: Path
    merged: str  # the id merged away
    survivor: str
    article: str  # the merged story's article, now in the survivor


def _story_of(db: Path, source_id: str) -> tuple[str, str]:
    with open_store(db) as store:
        article = store.get_article(source_id)
        assert article is not None
        _, story_id, _ = store.article_links(article.id)
        assert story_id is not None
        return article.id, story_id


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Merged:
    db = copy_store(seeds_store(tmp_path_factory),
                    tmp_path_factory.mktemp("merged") / "store.db")
    _, survivor = _story_of(db, MTS_SEED)
    article, gone = _story_of(db, MERGED_SEED)
    assert gone != survivor
    with open_store(db) as store:
        store.save_corpus_batch([], [], [], [ClusterEvent("merge", survivor, article, gone, 0.9)])
    return Merged(db, gone, survivor, article)


@pytest.fixture(scope="module")
def client(merged: Merged) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=merged.db))) as test_client:
        yield test_client


def _without_request(timeline: dict[str, Any]) -> dict[str, Any]:
    """A timeline without the echo of its request (which names the id that was asked for)."""
    return {k: v for k, v in timeline.items() if k != "request"}


def test_store_resolves_merged_ids_and_leaves_others(merged: Merged) -> None:
    with open_store(merged.db) as store:
        assert store.resolve_story(merged.merged) == merged.survivor
        assert store.resolve_story(merged.survivor) == merged.survivor
        assert store.resolve_story("no-such-story") == "no-such-story"


def test_store_follows_a_chain_of_merges(merged: Merged, tmp_path: Path) -> None:
    db = copy_store(merged.db, tmp_path / "chain.db")
    _, third = _story_of(db, "002_5a5445e0100195ec")
    with open_store(db) as store:
        # The survivor itself merges later: the first id now leads to the second survivor.
        store.save_corpus_batch([], [], [], [ClusterEvent("merge", third, merged.article,
                                                          merged.survivor, 0.9)])
        assert store.resolve_story(merged.merged) == third


def test_timeline_of_a_merged_id_is_the_survivors(merged: Merged) -> None:
    with open_store(merged.db) as store:
        survivor = build_timeline(store, TimelineRequest(story=merged.survivor))
        via_merged = build_timeline(store, TimelineRequest(story=merged.merged))
    assert survivor.entries  # the merged story's dated sentence is in it
    assert merged.article in {c for e in survivor.entries for c in e.citations}
    assert _without_request(timeline_to_json(via_merged)) == \
        _without_request(timeline_to_json(survivor))


def test_summary_of_a_merged_id_is_the_survivors(merged: Merged) -> None:
    with open_store(merged.db) as store:
        survivor = summary_to_json(summarize_story(store, merged.survivor))
        via_merged = summary_to_json(summarize_story(store, merged.merged))
    assert survivor["sentences"]
    assert via_merged == survivor  # it names the survivor too


def test_search_filter_follows_the_merge(merged: Merged) -> None:
    with open_store(merged.db) as store:
        query = SearchQuery("Huawei", story_id=merged.merged, mode="keyword")
        results = search(store, query)
    ids = {h.article_id for h in results.hits}
    assert merged.article in ids and len(ids) == 2  # both articles, now in one story
    assert {h.story_id for h in results.hits} == {merged.survivor}


def test_api_story_detail(client: TestClient, merged: Merged) -> None:
    via_merged = client.get(f"/api/stories/{merged.merged}")
    assert via_merged.status_code == 200, via_merged.text
    assert via_merged.json() == client.get(f"/api/stories/{merged.survivor}").json()
    assert via_merged.json()["story"]["id"] == merged.survivor


def test_api_timeline(client: TestClient, merged: Merged) -> None:
    via_merged = client.get("/api/timeline", params={"story": merged.merged})
    assert via_merged.status_code == 200, via_merged.text
    survivor = client.get("/api/timeline", params={"story": merged.survivor}).json()
    assert survivor["entries"]
    assert _without_request(via_merged.json()) == _without_request(survivor)


def test_api_summary(client: TestClient, merged: Merged) -> None:
    via_merged = client.get("/api/summary", params={"story": merged.merged})
    assert via_merged.status_code == 200, via_merged.text
    assert via_merged.json() == client.get("/api/summary",
                                           params={"story": merged.survivor}).json()


def test_api_article_listing_and_search_filter(client: TestClient, merged: Merged) -> None:
    def ids(path: str, **params: str) -> set[str]:
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        key = "items" if path == "/api/articles" else "hits"
        return {item["article_id" if key == "hits" else "id"] for item in response.json()[key]}

    listed = ids("/api/articles", story=merged.merged)
    assert merged.article in listed and listed == ids("/api/articles", story=merged.survivor)
    found = ids("/api/search", q="Huawei", story=merged.merged, mode="keyword")
    assert merged.article in found
    assert found == ids("/api/search", q="Huawei", story=merged.survivor, mode="keyword")


def test_story_page_redirects_to_the_survivor(client: TestClient, merged: Merged) -> None:
    response = client.get(f"/stories/{merged.merged}", params={"lang": "nl"},
                          follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith(f"/stories/{merged.survivor}?lang=nl")
    page = client.get(f"/stories/{merged.merged}")
    assert page.status_code == 200 and f"id {merged.survivor}<" in page.text


def _cli(*args: str, db: Path) -> str:
    from newsloom.cli.app import app

    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_timeline(merged: Merged) -> None:
    via_merged = json.loads(_cli("timeline", "--story", merged.merged, "-f", "json",
                                 db=merged.db))
    survivor = json.loads(_cli("timeline", "--story", merged.survivor, "-f", "json",
                               db=merged.db))
    assert survivor["entries"]
    assert _without_request(via_merged) == _without_request(survivor)


def test_cli_summary(merged: Merged) -> None:
    via_merged = _cli("summary", "--story", merged.merged, "-f", "json", db=merged.db)
    assert via_merged == _cli("summary", "--story", merged.survivor, "-f", "json", db=merged.db)


def test_cli_search_filter(merged: Merged) -> None:
    out = json.loads(_cli("search", "Huawei", "--story", merged.merged, "--mode", "keyword",
                          "-f", "json", db=merged.db))
    assert merged.article in {h["article_id"] for h in out["hits"]}
