"""The clusterer's neighbours from the database's own vector index (cluster/neighbours.py):
on PostgreSQL no index file is written or read, in-batch articles are found before their
batch commits, and stories come out exactly as SQLite's usearch file gives them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import pg_server
from newsloom.cli.app import app
from newsloom.cluster.index import VectorIndex
from newsloom.cluster.neighbours import StoreNeighbours
from newsloom.cluster.stories import StoryClusterer, cluster_all
from newsloom.model import ClusterEvent
from newsloom.settings import reset_settings
from newsloom.store import open_store
from newsloom.store.ports import Backend
from store_contract.records import clustered, feature, page, vector
from test_stories import DIM, _corpus

ROOT = Path(__file__).resolve().parent.parent
#: The Spark equivalence corpus without its WARC: seeds, HTML/RSS/JSONL and plain text.
FOLDERS = [ROOT / "examples", ROOT / "tests" / "fixtures", ROOT / "tests" / "fixtures_plaintext"]


class _Committing:
    """StoredNeighbours over a dict: what is "committed" is searched exactly."""

    def __init__(self) -> None:
        self.vectors: dict[int, np.ndarray] = {}

    def nearest_clustered(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        unit = query / np.linalg.norm(query)
        scored = [(key, float(v @ unit / np.linalg.norm(v))) for key, v in self.vectors.items()]
        return sorted(scored, key=lambda item: (-item[1], item[0]))[:k]


def test_a_batch_committed_every_few_articles_clusters_as_the_file_index_does() -> None:
    items = _corpus()
    on_file = cluster_all(items, VectorIndex(DIM))
    backing = _Committing()
    index = StoreNeighbours(backing)
    on_store = StoryClusterer(index=index)
    for start in range(0, len(items), 4):  # batches of four: later ones see earlier ones
        batch = items[start:start + 4]
        for key, evidence, duplicate_of in batch:
            on_store.add(key, evidence, duplicate_of)
        backing.vectors.update((key, evidence.vector) for key, evidence, _ in batch)
        index.committed()  # from now on found in the store only
        assert index.pending == 0
    assert on_store.story_of == on_file.story_of
    assert len(set(on_file.story_of.values())) < len(items)  # neighbours joined stories


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    location: AbstractContextManager[Any] = (
        pg_server.temporary_store("neighbours") if request.param == "postgres"
        else nullcontext(tmp_path / "s.db"))
    with location as db, open_store(db) as store:
        yield store


def test_an_article_added_earlier_in_the_uncommitted_batch_is_found(backend: Backend) -> None:
    ids = clustered(backend).ids  # four committed articles: (1,0,0,0) twice, then the axes
    backend.add([page("e", "Ada Lovelace tours the engine hall.")])
    (seq, article), = backend.pending_articles(10)
    index = StoreNeighbours(backend)
    index.add(seq, vector(0.9, 0.1, 0, 0))  # clustered in this batch, not committed
    found = index.search(vector(1, 0.2, 0, 0), 3)
    key = {a: k for k, a in backend.load_cluster_state().keys.items()}
    assert [k for k, _ in found] == [seq, *sorted([key[ids["a"]], key[ids["b"]]])]
    assert found[0][1] == pytest.approx(
        float(vector(0.9, 0.1, 0, 0) @ vector(1, 0.2, 0, 0))
        / float(np.linalg.norm(vector(0.9, 0.1, 0, 0)) * np.linalg.norm(vector(1, 0.2, 0, 0))),
        abs=1e-6)
    index.save()  # the end of a run writes nothing and forgets nothing
    assert index.pending == 1
    backend.save_corpus_batch([feature(article, seq, "s1", (0.9, 0.1, 0, 0))], [], [],
                              [ClusterEvent("join", "s1", article)])
    index.committed()
    assert index.pending == 0  # the database has it now, and finds it once
    again = index.search(vector(1, 0.2, 0, 0), 3)
    assert [k for k, _ in again] == [k for k, _ in found]
    assert [s for _, s in again] == pytest.approx([s for _, s in found], abs=1e-6)


def _stories(db: Path | str) -> dict[str, Any]:
    with open_store(db) as store:
        articles = list(store.articles())
        links = {a.id: store.article_links(a.id) for a in articles}
        return {"links": links, "storylines": store.storyline_labels(),
                "clustered": store.count_clustered_articles()}


def _cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsloom"


def _index_files(folder: Path) -> dict[Path, int]:
    """Every usearch file under ``folder``, with its modification time."""
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*.usearch")} if folder.exists() \
        else {}


def _analyze(db: Path | str, report: Path) -> None:
    for folders in (FOLDERS[:2], FOLDERS):
        result = CliRunner().invoke(app, ["analyze", *map(str, folders), "--db", str(db),
                                          "--no-print", "--report-dir", str(report)])
        assert result.exit_code == 0, result.output


def test_postgresql_analyze_writes_no_index_file_and_equals_sqlite(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = pg_server.unavailable()
    if reason is not None:
        pytest.skip(reason)
    # The user's cache folder, where the PostgreSQL store used to keep an index file.
    before = _index_files(_cache())
    # Small batches, and two runs (the second clusters the plain-text fixtures against the
    # stored corpus): neighbours come from the database (earlier batches and runs) and from
    # memory (the batch being clustered) alike.
    monkeypatch.setenv("NEWSLOOM_CORPUS_BATCH_SIZE", "4")
    reset_settings()
    try:
        sqlite_db = tmp_path / "local" / "s.db"
        _analyze(sqlite_db, tmp_path / "report-sqlite")
        on_sqlite = _stories(sqlite_db)
        index_file = sqlite_db.with_name(sqlite_db.name + ".vectors.usearch")
        assert len(VectorIndex.open(512, index_file)) == on_sqlite["clustered"]
        with pg_server.temporary_store("analyze") as url:
            _analyze(url, tmp_path / "report-postgres")
            on_postgres = _stories(url)
            with open_store(url) as store:
                assert store.vector_index_path() is None
    finally:
        reset_settings()
    assert _index_files(_cache()) == before  # none written (or rewritten) there
    assert sorted(p.name for p in tmp_path.rglob("*.usearch")) == [index_file.name]
    assert on_sqlite["clustered"] >= 20
    stories = [link[1] for link in on_sqlite["links"].values()]
    assert len(set(stories)) < len(stories)  # some stories have several members
    assert on_postgres == on_sqlite
