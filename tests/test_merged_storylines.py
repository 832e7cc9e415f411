"""An absorbed or replaced storyline's id works on every surface (issue 12).

The store is the seeds store with one storyline absorbed into another the way the incremental
update records it (``save_storyline_changes`` with ``retired``: line → the line that took its
stories): another line is absorbed into the line of the Dutch MTS story (seed 004, which holds
seed 000's dated sentence, so its timeline is not empty). Every surface is asked for the
absorbed id and must answer as for the survivor: store, timelines, summaries, API, pages, CLI.
A full recomputation must leave redirects too, for each line whose id it does not keep.
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
from newsloom.cluster.storyline_updates import relink
from newsloom.model import TimelineRequest
from newsloom.pipeline.corpus import recompute_storylines
from newsloom.store import SQLiteStore, open_store
from newsloom.store.ports import Backend
from newsloom.store.redirects import storyline_successors
from newsloom.timeline import build_timeline, summarize_storyline, summary_to_json, timeline_to_json
from test_api_support import MTS_SEED, copy_store, seeds_store
from test_storyline_updates import MemorySource, _profiles


@dataclass(frozen=True)
class Absorbed:
    db: Path
    absorbed: str  # the storyline id that is gone
    survivor: str


def _line_of(store: Backend, source_id: str) -> str:
    article = store.get_article(source_id)
    assert article is not None
    line = store.article_links(article.id)[2]
    assert line is not None
    return line


def _absorb(store: Backend, gone: str, into: str) -> None:
    """What the incremental update stores when ``into`` absorbs ``gone``."""
    lines = store.storyline_stories()
    labels = store.storyline_labels()
    store.save_storyline_changes({story: into for story in lines[gone]},
                                 {into: labels[into]}, {gone: into})


@pytest.fixture(scope="module")
def absorbed(tmp_path_factory: pytest.TempPathFactory) -> Absorbed:
    db = copy_store(seeds_store(tmp_path_factory),
                    tmp_path_factory.mktemp("absorbed") / "store.db")
    with open_store(db) as store:
        survivor = _line_of(store, MTS_SEED)
        gone = min(line for line in store.storyline_stories() if line != survivor)
        _absorb(store, gone, survivor)
    return Absorbed(db, gone, survivor)


@pytest.fixture(scope="module")
def client(absorbed: Absorbed) -> Iterator[TestClient]:
    with TestClient(create_app(ApiSettings(db=absorbed.db))) as test_client:
        yield test_client


def _without_request(timeline: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in timeline.items() if k != "request"}


# -- the store --------------------------------------------------------------------------------
def test_store_resolves_absorbed_lines_and_leaves_unknown_ids(absorbed: Absorbed) -> None:
    with open_store(absorbed.db) as store:
        assert absorbed.absorbed not in store.storyline_labels()  # the line itself is gone
        assert store.resolve_storyline(absorbed.absorbed) == absorbed.survivor
        assert store.resolve_storyline(absorbed.survivor) == absorbed.survivor
        assert store.resolve_storyline("no-such-line") is None
        assert isinstance(store, SQLiteStore)  # a file path opens SQLite
        assert store.storyline_redirects() == {absorbed.absorbed: absorbed.survivor}


def test_chains_resolve_and_a_revived_line_loses_its_redirect(absorbed: Absorbed,
                                                               tmp_path: Path) -> None:
    db = copy_store(absorbed.db, tmp_path / "chain.db")
    with open_store(db) as store:
        third = next(line for line in store.storyline_stories() if line != absorbed.survivor)
        _absorb(store, absorbed.survivor, third)  # the survivor is absorbed in its turn
        assert store.resolve_storyline(absorbed.absorbed) == third
        assert store.resolve_storyline(absorbed.survivor) == third
        # The first id comes back (as a recomputation or a new root story can bring it):
        # it is live again, and absorbing the line that held it cannot make a cycle.
        store.save_storyline_changes({}, {absorbed.absorbed: "back"}, {})
        assert store.resolve_storyline(absorbed.absorbed) == absorbed.absorbed
        _absorb(store, third, absorbed.absorbed)
        assert store.resolve_storyline(third) == absorbed.absorbed
        assert store.resolve_storyline(absorbed.survivor) == absorbed.absorbed
        assert isinstance(store, SQLiteStore)  # a file path opens SQLite
        assert absorbed.absorbed not in store.storyline_redirects()


def test_full_recomputation_redirects_the_ids_it_does_not_keep(absorbed: Absorbed,
                                                               tmp_path: Path) -> None:
    db = copy_store(absorbed.db, tmp_path / "recompute.db")
    with open_store(db) as store:
        # Rename the survivor's line: a recomputation gives it its root's id back, so the
        # renamed id vanishes and must lead to the line that holds its stories now.
        stories = store.storyline_stories()[absorbed.survivor]
        _absorb_as(store, absorbed.survivor, "renamed", stories)
        assert store.resolve_storyline(absorbed.absorbed) == "renamed"
        lines = recompute_storylines(store)
        assert "renamed" not in {line.id for line in lines}
        held = sorted((len(set(stories) & set(line.story_ids)), line.id) for line in lines)
        assert held[-1][0] > held[-2][0]  # one line holds most of them
        assert store.resolve_storyline("renamed") == held[-1][1]
        assert store.resolve_storyline(absorbed.absorbed) in {line.id for line in lines}


def _absorb_as(store: Backend, line: str, new_id: str, stories: list[str]) -> None:
    store.save_storyline_changes({story: new_id for story in stories},
                                 {new_id: store.storyline_labels()[line]}, {line: new_id})


def test_successor_is_the_line_that_took_most_stories() -> None:
    before = {"a": "L1", "b": "L1", "c": "L1", "d": "L2", "e": "L3", "f": "L3"}
    after = {"a": "N1", "b": "N2", "c": "N2", "d": "L2", "e": "N1", "f": "N2"}
    assert storyline_successors(before, after, {"N1", "N2", "L2"}) == {
        "L1": "N2",  # two of its three stories
        "L3": "N1",  # a tie: the smallest id, so the choice is reproducible
    }
    assert storyline_successors({"a": "L1"}, {}, {"N1"}) == {}  # nothing took it: unknown


def test_relink_names_the_line_that_absorbed_each_retired_line() -> None:
    profiles = _profiles()
    source = MemorySource()
    for profile in profiles:
        source.add(profile)
    # Every story has a line of its own but the last of theme 0, whose two earlier stories
    # sit in two lines; the last one links them.
    theme = [p.story_id for p in profiles if p.story_id.startswith("s0-")]
    source.line = {p.story_id: f"own-{p.story_id}" for p in profiles}
    source.line.update({theme[0]: "L-older", theme[1]: "L-younger"})
    del source.line[theme[2]]
    source.dirty = [theme[2]]
    changes = relink(source)
    assert changes.retired == {"L-younger": "L-older"}
    assert changes.assign == {theme[1]: "L-older", theme[2]: "L-older"}


# -- timelines and summaries -----------------------------------------------------------------
def test_timeline_and_summary_of_an_absorbed_id_are_the_survivors(absorbed: Absorbed) -> None:
    with open_store(absorbed.db) as store:
        survivor = build_timeline(store, TimelineRequest(storyline=absorbed.survivor))
        via_gone = build_timeline(store, TimelineRequest(storyline=absorbed.absorbed))
        summary = summary_to_json(summarize_storyline(store, absorbed.survivor))
        summary_via_gone = summary_to_json(summarize_storyline(store, absorbed.absorbed))
    assert survivor.entries
    assert _without_request(timeline_to_json(via_gone)) == \
        _without_request(timeline_to_json(survivor))
    assert summary["sentences"] and summary_via_gone == summary


# -- API and pages -----------------------------------------------------------------------------
def test_api_storyline_timeline_and_summary(client: TestClient, absorbed: Absorbed) -> None:
    detail = client.get(f"/api/storylines/{absorbed.absorbed}")
    assert detail.status_code == 200, detail.text
    assert detail.json() == client.get(f"/api/storylines/{absorbed.survivor}").json()
    assert detail.json()["storyline"]["id"] == absorbed.survivor
    for path in ("/api/timeline", "/api/summary"):
        via_gone = client.get(path, params={"storyline": absorbed.absorbed})
        assert via_gone.status_code == 200, via_gone.text
        survivor = client.get(path, params={"storyline": absorbed.survivor}).json()
        assert _without_request(via_gone.json()) == _without_request(survivor)
    assert client.get("/api/storylines/no-such-line").status_code == 404


def test_storyline_page_redirects_to_the_survivor(client: TestClient, absorbed: Absorbed) -> None:
    response = client.get(f"/storylines/{absorbed.absorbed}", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith(f"/storylines/{absorbed.survivor}")
    page = client.get(f"/storylines/{absorbed.absorbed}")
    assert page.status_code == 200 and str(page.url).endswith(f"/storylines/{absorbed.survivor}")
    assert page.text == client.get(f"/storylines/{absorbed.survivor}").text
    assert client.get("/storylines/no-such-line").status_code == 404


# -- CLI ---------------------------------------------------------------------------------------
def _cli(*args: str, db: Path) -> str:
    from newsloom.cli.app import app

    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_timeline_and_summary(absorbed: Absorbed) -> None:
    def timeline(line: str) -> dict[str, Any]:
        return _without_request(json.loads(_cli("timeline", "--storyline", line, "-f", "json",
                                                db=absorbed.db)))

    assert timeline(absorbed.survivor)["entries"]
    assert timeline(absorbed.absorbed) == timeline(absorbed.survivor)
    assert _cli("summary", "--storyline", absorbed.absorbed, "-f", "json", db=absorbed.db) == \
        _cli("summary", "--storyline", absorbed.survivor, "-f", "json", db=absorbed.db)
