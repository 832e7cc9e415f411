"""Issue 11, store side: concurrent writers, atomic derived files, versions by canonical
source. Concurrency runs real processes of the CLI where the failure was seen there.

The store tests take a ``make_store`` factory, parametrised over the store backends, so a
future backend runs the same suite.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest

import pg_server
from newsloom.cluster.index import VectorIndex, index_file_ok
from newsloom.eval.reliability import store_counts
from newsloom.extract import ExtractOptions
from newsloom.model import Article, RawDocument, SearchQuery, Skip
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.represent.embed import get_embedder
from newsloom.search import search
from newsloom.store import SQLiteStore, open_store
from newsloom.store.files import replace_atomically
from newsloom.store.ports import Backend
from newsloom.store.sqlite.lease import lease
from newsloom.store.versions import canonical_key

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLI = [sys.executable, "-m", "newsloom"]

StoreFactory = Callable[[Path], Backend]


def _postgres(path: Path) -> Backend:
    """A new store in a schema of its own on the session's test server (dropped with it)."""
    if (reason := pg_server.unavailable()) is not None:
        pytest.skip(reason)
    return open_store(pg_server.store_url(f"{pg_server.new_prefix()}_{path.stem}"))


BACKENDS: dict[str, StoreFactory] = {"sqlite": lambda path: SQLiteStore(path),
                                     "postgres": _postgres}


@pytest.fixture(params=sorted(BACKENDS))
def make_store(request: pytest.FixtureRequest) -> StoreFactory:
    return BACKENDS[request.param]


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the concurrency tests' store is, on each backend: a file, or a PostgreSQL
    store on the session's test server (tests/pg_server.py)."""
    with (pg_server.temporary_store("reliability") if request.param == "postgres"
          else nullcontext(str(tmp_path / "s.db"))) as db:
        yield db


TOWNS = ["Arnhem", "Bremen", "Leipzig", "Utrecht", "Kassel", "Delft", "Erfurt", "Gouda",
         "Trier", "Zwolle", "Mainz", "Breda"]
TOPICS = ["a new tram line", "the harbour expansion", "a school renovation",
          "the water tariffs", "a cycling bridge", "the hospital budget", "wind turbines",
          "the library opening hours"]


def write_jsonl(path: Path, start: int, count: int, seed: int = 0) -> None:
    """``count`` distinct English news records numbered from ``start`` (the same numbers give
    the same records, so two files may overlap)."""
    lines = []
    for n in range(start, start + count):
        rng = random.Random(n * 7919 + seed)
        town, topic = rng.choice(TOWNS), rng.choice(TOPICS)
        text = (f"The council of {town} voted on {topic} on Tuesday evening, record {n}. "
                f"{rng.randint(12, 40)} members supported the plan and "
                f"{rng.randint(1, 11)} opposed it after a debate of {rng.randint(2, 6)} hours. "
                f"The mayor said the work on {topic} would start in "
                f"{rng.choice(['spring', 'summer', 'autumn'])} and cost "
                f"{rng.randint(2, 90)} million euros.")
        lines.append(json.dumps({"id": f"r{n}", "title": f"{town} decides on {topic} ({n})",
                                 "text": text, "published": "2024-03-05", "lang": "en"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([*CLI, *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen[str], timeout: float = 600) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}: {err[-2000:]}"
    return out + err


# -- the write lease ---------------------------------------------------------------------------
def test_write_lease_excludes_other_threads_and_is_reentrant(tmp_path: Path) -> None:
    db, inside, overlaps = tmp_path / "s.db", [0], []

    def hold() -> None:
        with lease(db, "write"), lease(db, "write"):  # reentrant in one thread
            inside[0] += 1
            overlaps.append(inside[0])
            time.sleep(0.05)
            inside[0] -= 1

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1, 1, 1, 1]


def test_a_busy_writer_cannot_starve_another(tmp_path: Path) -> None:
    # A writer with its next batch always ready takes the lease back at once; the other
    # must still get its turn promptly, not wait out its timeout.
    db, stop, waited = tmp_path / "s.db", threading.Event(), []

    def busy() -> None:
        while not stop.is_set():
            with lease(db, "write"):
                time.sleep(0.02)

    def once() -> None:
        start = time.monotonic()
        with lease(db, "write", timeout=5):
            waited.append(time.monotonic() - start)

    hog = threading.Thread(target=busy)
    hog.start()
    time.sleep(0.1)
    other = threading.Thread(target=once)
    other.start()
    other.join()
    stop.set()
    hog.join()
    assert waited and waited[0] < 1.0


def test_a_killed_writer_leaves_no_lock_behind(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    code = ("import sys, time; from pathlib import Path\n"
            "from newsloom.store.sqlite.lease import lease\n"
            "with lease(Path(sys.argv[1]), 'write'):\n    print('held', flush=True)\n"
            "    time.sleep(600)")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    holder = subprocess.Popen([sys.executable, "-c", code, str(db)], env=env, text=True,
                              stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(sqlite3.OperationalError, match="another newsloom process"), \
            lease(db, "write", timeout=0.2):
        pass
    holder.kill()  # SIGKILL: no cleanup runs in the holder
    holder.wait()
    start = time.monotonic()
    with lease(db, "write", timeout=5):
        assert time.monotonic() - start < 1.0


def test_many_processes_open_a_new_store_at_once(tmp_path: Path) -> None:
    # Each creates the tables unless the migration re-reads the level under the lease.
    db = tmp_path / "new.db"
    code = "import sys; from newsloom.store import open_store; open_store(sys.argv[1]).close()"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db)], env=env, text=True,
                              stderr=subprocess.PIPE) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    with SQLiteStore(db) as store:
        assert store.schema_version > 0


def test_two_corpus_stages_at_once_cluster_every_article_once(location: str) -> None:
    # Seen: "UNIQUE constraint failed: article_features.seq" when two analyses cluster the
    # same pending articles. Two stores (two connections), as two processes would have.
    db = location
    with open_store(db) as store:
        ingest([EXAMPLES], store, PipelineOptions(workers=1))
    errors: list[BaseException] = []
    done: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with open_store(db) as store:
                start.wait()
                done.append(build_stories(store, workers=1))
                update_storylines(store)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(done) == [0, 5]  # the second stage found nothing left to do
    assert store_counts(db)["clustered"] == 5 and store_counts(db)["pending"] == 0


# -- real CLI processes ------------------------------------------------------------------------
def test_two_cli_ingests_at_once_store_everything_once(tmp_path: Path, location: str) -> None:
    write_jsonl(tmp_path / "a.jsonl", 0, 300)
    write_jsonl(tmp_path / "b.jsonl", 300, 300)
    db = location
    first = cli("ingest", "--db", str(db), "--workers", "1", "a.jsonl", "b.jsonl", cwd=tmp_path)
    second = cli("ingest", "--db", str(db), "--workers", "1", "b.jsonl", "a.jsonl",
                 cwd=tmp_path)
    finish(first)
    finish(second)
    assert store_counts(db)["documents"] == 600
    assert store_counts(db)["current"] == 600


def test_two_cli_analyzes_at_once_cluster_everything(tmp_path: Path, location: str) -> None:
    write_jsonl(tmp_path / "c.jsonl", 0, 40)
    db = location
    procs = [cli("analyze", "--db", str(db), "--workers", "1", "--no-print", "--report-dir",
                 str(tmp_path / f"report{i}"), str(EXAMPLES), "c.jsonl", cwd=tmp_path)
             for i in (1, 2)]
    for proc in procs:
        finish(proc)
    found = store_counts(db)
    assert found["documents"] == 45
    assert found["clustered"] == 45 and found["pending"] == 0


def test_cli_ingest_during_a_server_job(tmp_path: Path, location: str) -> None:
    # Seen: the CLI ingest died after 17 s while a server job wrote. The job runs here as the
    # server runs it (JobRunner in a thread of this process); the CLI is another process.
    from newsloom.api.jobs import JobRunner
    from newsloom.cli.options import StoreLocation

    db = location
    runner = JobRunner(StoreLocation(db), tmp_path / "uploads", workers=1)
    job_id, folder = runner.new_folder()
    write_jsonl(folder / "upload.jsonl", 0, 200)
    write_jsonl(tmp_path / "cli.jsonl", 1000, 300)
    job = runner.submit(job_id, folder, ["upload.jsonl"])
    while job.status == "queued":
        time.sleep(0.05)
    proc = cli("ingest", "--db", str(db), "--workers", "1", "cli.jsonl", cwd=tmp_path)
    finish(proc)
    runner.wait(timeout=600)
    runner.shutdown()
    assert job.status == "done", job.error
    assert store_counts(db)["documents"] == 500


# -- versions by canonical source --------------------------------------------------------------
SEEDS = sorted((EXAMPLES / "seeds").glob("*.txt"))
#: Five real scraped pages (German and Dutch) by name, as the text files newsloom reads.
PAGES = {f"p{i}.txt": path.read_text(encoding="utf-8") for i, path in enumerate(SEEDS[:5])}
EXTRA = "\n\nUpdate: Der Bericht wurde am Abend um eine Stellungnahme des Ministeriums ergänzt.\n"


def _ingest(store: Backend, path: Path) -> tuple[int, int, int]:
    stats = ingest([path], store, PipelineOptions(workers=1))
    return stats.added, stats.new_versions, stats.unchanged


def test_changed_file_ingested_by_relative_path_is_a_new_version(
        tmp_path: Path, make_store: StoreFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = make_store(tmp_path / "s.db")
    assert _ingest(store, folder.resolve()) == (5, 0, 0)
    (folder / "p2.txt").write_text(PAGES["p2.txt"] + EXTRA,
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _ingest(store, Path("news")) == (0, 1, 4)
    assert store.summary().articles == 5
    monkeypatch.chdir(folder)
    assert _ingest(store, Path(".")) == (0, 0, 5)  # a plain re-ingest changes nothing


def test_reverted_file_is_current_again_as_a_new_version(
        tmp_path: Path, make_store: StoreFactory) -> None:
    page = tmp_path / "p.txt"
    store = make_store(tmp_path / "s.db")
    old, new = PAGES["p0.txt"], PAGES["p0.txt"] + EXTRA
    page.write_text(old, encoding="utf-8")
    _ingest(store, page)
    first = next(store.articles())
    page.write_text(new, encoding="utf-8")
    assert _ingest(store, page) == (0, 1, 0)
    second = next(store.articles())
    page.write_text(old, encoding="utf-8")
    assert _ingest(store, page) == (0, 1, 0)
    current = list(store.articles())
    assert [a.id for a in current] == [first.id]
    assert store.versions(first.id) == [first.id, second.id, first.id]
    assert _ingest(store, page) == (0, 0, 1)  # re-ingesting the reverted page: unchanged


def test_two_versions_of_a_page_in_one_input_stay_put_on_reingest(
        tmp_path: Path, make_store: StoreFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSONL (or feed) that holds a page twice, changed: the last record is current, and
    re-ingesting it changes nothing (no back-and-forth "reverts"), while a later input with
    the first content alone is a revert, and the file again makes the last record current.
    Each content is extracted once: a stored earlier version is never extracted again."""
    import newsloom.pipeline.ingest as pipeline_ingest

    extracted: list[str] = []
    real_extract = pipeline_ingest.extract_or_skip

    def counting_extract(doc: RawDocument, options: ExtractOptions | None = None
                         ) -> Article | Skip:
        extracted.append(doc.id)
        return real_extract(doc, options)

    monkeypatch.setattr(pipeline_ingest, "extract_or_skip", counting_extract)
    first, second = PAGES["p0.txt"], PAGES["p0.txt"] + EXTRA
    both, only_first = tmp_path / "both.jsonl", tmp_path / "first.jsonl"
    records = [{"id": n, "url": "https://news.example/p0", "title": "p0", "text": text}
               for n, text in (("a", first), ("b", second))]
    both.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    only_first.write_text(json.dumps(records[0]) + "\n", encoding="utf-8")
    store = make_store(tmp_path / "s.db")
    assert _ingest(store, both) == (1, 1, 0)
    assert len(extracted) == 2
    current = [a.text for a in store.articles()]
    assert len(current) == 1 and "Stellungnahme" in current[0]
    for _ in range(2):
        assert _ingest(store, both) == (0, 0, 2)
    assert [a.text for a in store.articles()] == current
    assert _ingest(store, only_first) == (0, 1, 0)  # the page changed back: a revert
    assert "Stellungnahme" not in next(store.articles()).text
    assert _ingest(store, both) == (0, 1, 1)  # the file's last record is current again
    assert [a.text for a in store.articles()] == current
    assert len(extracted) == 2  # nothing after the first run was extracted again


def test_same_content_under_another_path_is_not_a_revert(
        tmp_path: Path, make_store: StoreFactory) -> None:
    store = make_store(tmp_path / "s.db")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(PAGES["p0.txt"], encoding="utf-8")
    _ingest(store, a)
    a.write_text(PAGES["p1.txt"], encoding="utf-8")
    _ingest(store, a)
    latest = [x.id for x in store.articles()]
    b.write_text(PAGES["p0.txt"], encoding="utf-8")  # a's old content, as another page
    assert _ingest(store, b) == (0, 0, 1)
    assert [x.id for x in store.articles()] == latest  # a was not changed back


def test_canonical_key_keeps_urls_record_fragments_and_unknown_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "feed.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path.resolve() / "feed.jsonl")
    assert canonical_key("feed.jsonl#L12") == absolute + "#L12"
    assert canonical_key("./sub/../feed.jsonl") == absolute
    assert canonical_key("feed.jsonl", "https://x.org/a") == "https://x.org/a"
    assert canonical_key("upload:feed.jsonl#L3") == "upload:feed.jsonl#L3"


def test_versions_stored_before_keys_were_canonical_are_still_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A store written by an older newsloom holds the path as typed ("p.txt"): SQLite only,
    # as no PostgreSQL store predates canonical keys.
    monkeypatch.chdir(tmp_path)
    store = SQLiteStore(tmp_path / "s.db")
    (tmp_path / "p.txt").write_text(PAGES["p0.txt"], encoding="utf-8")
    _ingest(store, Path("p.txt"))
    store._db.execute("UPDATE documents SET version_key='p.txt'")
    store._db.execute("UPDATE document_versions SET version_key='p.txt'")
    (tmp_path / "p.txt").write_text(PAGES["p1.txt"], encoding="utf-8")
    assert _ingest(store, Path("p.txt")) == (0, 1, 0)
    assert len(list(store.articles())) == 1


# -- derived files -----------------------------------------------------------------------------
def test_atomic_replace_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "index.bin"
    target.write_bytes(b"old")

    def broken(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        replace_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.bin"]


def test_vector_index_is_replaced_not_rewritten_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v.usearch"
    index = VectorIndex(4, path)
    index.add(1, np.ones(4, dtype=np.float32))
    index.save()
    before = path.stat().st_ino
    index.add(2, np.arange(4, dtype=np.float32) + 1)
    index.save()
    assert path.stat().st_ino != before  # a new file renamed over the old one
    assert len(VectorIndex.open(4, path)) == 2
    assert len(VectorIndex(4, path)) == 0  # the constructor reads nothing


@pytest.fixture(scope="module")
def clustered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("clustered") / "s.db"
    with SQLiteStore(db) as store:
        ingest([EXAMPLES], store, PipelineOptions(workers=1))
        build_stories(store, workers=1)
    return db


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_damaged_vector_index_is_rebuilt_with_a_warning(
        clustered: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
        ) -> None:
    db = tmp_path / "s.db"
    with sqlite3.connect(clustered) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    index = db.with_name(db.name + ".vectors.usearch")
    data = clustered.with_name(clustered.name + ".vectors.usearch").read_bytes()
    index.write_bytes({"garbage": os.urandom(len(data)), "truncated": data[:len(data) // 2],
                       "empty": b""}[damage])
    write_jsonl(tmp_path / "more.jsonl", 0, 3)
    caplog.set_level(logging.WARNING, logger="newsloom")
    with SQLiteStore(db) as store:
        hits = search(store, SearchQuery("Huawei Russland", mode="semantic"),
                      get_embedder("use-m3"))
        assert hits.hits  # from the stored vectors
        assert "cannot be read" in caplog.text
        caplog.clear()
        ingest([tmp_path / "more.jsonl"], store, PipelineOptions(workers=1))
        assert build_stories(store, workers=1) == 3
        assert "cannot be read" in caplog.text
    assert len(VectorIndex.open(512, index)) == 8  # rebuilt from the store, then saved whole


def test_damaged_index_is_rebuilt_even_with_nothing_to_cluster(
        clustered: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "s.db"
    with sqlite3.connect(clustered) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    index = db.with_name(db.name + ".vectors.usearch")
    data = clustered.with_name(clustered.name + ".vectors.usearch").read_bytes()
    index.write_bytes(data[:-100])  # cut short, as a crash mid-write used to leave it
    assert not index_file_ok(index, 5)
    caplog.set_level(logging.WARNING, logger="newsloom")
    with SQLiteStore(db) as store:
        assert build_stories(store, workers=1) == 0
    assert "cannot be read" in caplog.text
    assert index_file_ok(index, 5)


def test_a_dead_writers_temporary_file_is_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    stale, fresh = tmp_path / ".report.md.999-1.tmp", tmp_path / ".report.md.998-1.tmp"
    stale.write_text("half", encoding="utf-8")
    fresh.write_text("in progress", encoding="utf-8")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    replace_atomically(target, lambda temp: temp.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert not stale.exists() and fresh.exists()  # another writer's file may still be live
