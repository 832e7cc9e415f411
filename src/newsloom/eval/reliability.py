"""Helpers shared by the reliability scripts (``scripts/concurrent_writers.py``,
``scripts/kill9_consistency.py``) and their tests: a corpus that keeps ingest and clustering
busy for many seconds, and the store counts a trial is judged by."""

from __future__ import annotations

import random
import subprocess
from dataclasses import asdict
from pathlib import Path

from newsloom.store import open_store

SEEDS = Path(__file__).resolve().parents[3] / "examples" / "seeds"


def seed_pages(folder: Path, count: int = 200, seed: int = 11, seeds: Path = SEEDS) -> Path:
    """``count`` scraped-text pages made from the seeds (headline numbered, paragraphs
    shuffled): distinct documents that read like the real ones."""
    rng = random.Random(seed)
    texts = [p.read_text(encoding="utf-8").splitlines() for p in sorted(seeds.glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        head, *body = texts[i % len(texts)]
        rng.shuffle(body)
        (folder / f"doc{i:04d}.txt").write_text("\n".join([f"{head} ({i})", *body]) + "\n",
                                                encoding="utf-8")
    return folder


def store_counts(db: str | Path) -> dict[str, int]:
    """Documents stored, current documents, clustered articles, and current articles still
    waiting for the corpus stage (:class:`newsloom.store.ports.StoreCounts`)."""
    with open_store(db) as store:
        return asdict(store.counts())


def child_pids(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (its worker processes)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True,
                           check=False)
    return [int(p) for p in found.stdout.split()]


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
