"""kill -9 consistency of ``newsloom analyze`` (issue 11), as real processes of the CLI.

A clean run on a fresh store gives the reference. Then, N times, on a fresh store each:
start ``newsloom analyze``, SIGKILL its main process at a random moment (uniform over the
clean run's duration, so every stage is hit: ingest, features, clustering, storylines,
report), check that no worker process outlives it, rerun the same command to completion,
and compare the store with the reference: every current article's export record (text,
metadata, entities, duplicate, story and storyline ids), every story, every storyline and
every entity must be exactly equal.

    .venv/bin/python scripts/kill9_consistency.py --runs 10 --json /tmp/kill9.json
    .venv/bin/python scripts/kill9_consistency.py --runs 2 --src /tmp/old/src  # another tree

The corpus is ``--corpus PATH``, else ``../shared/data/events-dev/articles.jsonl`` (206 ECB+
news articles, 18 events) when present, else pages generated from the bundled seeds;
``--pages N`` adds N seed pages (more than one corpus batch of 256 articles).
Exit status 0 when every run is consistent and no worker survived.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsloom.eval.reliability import child_pids, process_alive, seed_pages

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT.parent / "shared" / "data" / "events-dev" / "articles.jsonl"


#: The newsloom source tree under test (``--src``).
SRC = ROOT / "src"


def analyze(corpus: Path, work: Path, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "newsloom", "analyze", str(corpus), "--db", str(work / "s.db"),
         "--no-print", "--workers", str(workers)],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def snapshot(db: Path) -> dict[str, object]:
    """What a user sees of the store, in a comparable form."""
    sys.path.insert(0, str(SRC))
    from newsloom.queries.stories import article_export_record, list_stories, list_storylines
    from newsloom.store import open_store

    store = open_store(db)
    try:
        articles = sorted((article_export_record(store, a) for a in store.articles()),
                          key=lambda r: str(r["id"]))
        stories = list_stories(store)
        return {
            "articles": articles,
            "stories": sorted((dataclasses.asdict(s) for s in stories), key=lambda s: s["id"]),
            "storylines": sorted((dataclasses.asdict(s) for s in list_storylines(
                store, stories=stories)), key=lambda s: s["id"]),
            "entities": sorted((dataclasses.asdict(e) for e in store.list_entities()),
                               key=lambda e: e["id"]),
        }
    finally:
        store.close()


def _stage(db: Path) -> str:
    """Roughly where the killed run was, from what it had committed."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            ingested = conn.execute(
                "SELECT COUNT(*) FROM runs WHERE status='done'").fetchone()[0]
            features = conn.execute("SELECT COUNT(*) FROM article_features").fetchone()[0]
            lines = conn.execute("SELECT COUNT(*) FROM storylines").fetchone()[0]
    except sqlite3.Error:
        return "before the store"
    if not ingested:
        return f"ingest ({docs} documents committed)"
    if lines:
        return "storylines/report"
    return f"corpus stages ({features} articles clustered)"


def _clustered(db: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return bool(conn.execute("SELECT COUNT(*) FROM article_features").fetchone()[0])
    except sqlite3.Error:
        return False


def trial(number: int, corpus: Path, base: Path, reference: dict[str, object],
          span: list[float], rng: random.Random, workers: int,
          after_commit: bool = False) -> dict[str, object]:
    """One kill and rerun. ``span`` holds the shortest run seen so far: the moment of the
    kill is drawn within it, and a run that finishes before it is retried on a fresh store
    (shortening the span), so that every trial kills a live run."""
    for attempt in range(1, 6):
        work = base / f"run{number:02d}-{attempt}"
        work.mkdir()
        delay = rng.uniform(0.5, span[0])
        proc = analyze(corpus, work, workers)
        started = time.monotonic()
        seen: set[int] = set()
        if after_commit:  # between corpus batches: wait for the first, then up to 1.5 s
            while not _clustered(work / "s.db") and proc.poll() is None:
                seen.update(child_pids(proc.pid))
                time.sleep(0.02)
            delay = time.monotonic() - started + rng.uniform(0.0, 1.5)
        while time.monotonic() - started < delay and proc.poll() is None:
            seen.update(child_pids(proc.pid))
            time.sleep(0.05)
        finished_first = proc.poll() is not None
        if not finished_first:
            break
        span[0] = min(span[0], time.monotonic() - started)
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    seen.update(child_pids(proc.pid))
    proc.kill()
    proc.wait()
    assert proc.stderr is not None
    proc.stderr.close()
    time.sleep(2.0)  # the parent-death signal is immediate; give the kernel a moment
    survivors = [pid for pid in seen if process_alive(pid)]
    for pid in survivors:  # do not leave them running, but count them
        os.kill(pid, signal.SIGKILL)
    stage = "after it finished" if finished_first else _stage(work / "s.db")
    rerun = analyze(corpus, work, workers)
    _, err = rerun.communicate()
    result: dict[str, object] = {
        "run": number, "attempts": attempt, "killed_after_s": round(delay, 2), "stage": stage,
        "workers_seen": len(seen), "workers_alive_after_kill": len(survivors),
        "rerun_exit": rerun.returncode,
    }
    if rerun.returncode != 0:
        result.update(consistent=False, detail=err.decode(errors="replace")[-2000:])
        return result
    got = snapshot(work / "s.db")
    differs = [part for part in reference if got[part] != reference[part]]
    result.update(consistent=not differs, differs=differs)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="Write the results here.")
    parser.add_argument("--pages", type=int, default=0,
                        help="Add this many pages made from the seeds to the corpus: over "
                        "256 articles the corpus stage commits several batches, so kills "
                        "also land between them.")
    parser.add_argument("--after-commit", action="store_true",
                        help="Kill within 1.5 s after the first corpus batch commits (with "
                        "--pages: between two corpus batches) instead of at a random time.")
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="newsloom source tree to run (a snapshot, while others edit).")
    args = parser.parse_args()
    global SRC  # one run, one tree
    SRC = args.src.resolve()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="newsloom-kill9-") as tmp:
        base = Path(tmp)
        corpus = (args.corpus.resolve() if args.corpus else
                  EVENTS if EVENTS.exists() else seed_pages(base / "pages"))
        if args.pages:
            mixed = seed_pages(base / "corpus" / "pages", args.pages)
            shutil.copy(corpus, mixed.parent / corpus.name)
            corpus = mixed.parent
        (base / "clean").mkdir()
        started = time.monotonic()
        proc = analyze(corpus, base / "clean", args.workers)
        _, err = proc.communicate()
        clean = time.monotonic() - started
        if proc.returncode != 0:
            print(err.decode(errors="replace"), file=sys.stderr)
            return 2
        reference = snapshot(base / "clean" / "s.db")
        sizes = {part: len(items) for part, items in reference.items()  # type: ignore[arg-type]
                 }
        print(f"corpus {corpus}; clean run {clean:.1f} s: {sizes}", flush=True)
        results = []
        span = [clean]
        for number in range(1, args.runs + 1):
            outcome = trial(number, corpus, base, reference, span, rng, args.workers,
                            args.after_commit)
            results.append(outcome)
            print(json.dumps(outcome), flush=True)
    consistent = sum(1 for r in results if r["consistent"])
    orphans = sum(int(r["workers_alive_after_kill"]) for r in results)  # type: ignore[call-overload]
    summary = {"corpus": str(corpus), "clean_run_s": round(clean, 1), "reference": sizes,
               "runs": len(results), "consistent": consistent,
               "workers_alive_after_kill": orphans, "results": results}
    print(f"{len(results)} runs, {consistent} consistent; {orphans} workers outlived the kill")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0 if consistent == len(results) and orphans == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
