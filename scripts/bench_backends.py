"""The scale benchmark side by side on every backend and runner, in one run (issue 14):

1. in process on SQLite, 2. in process on PostgreSQL, 3. Spark ``local[2]`` on PostgreSQL,
each ``newsloom eval scale`` on the same synthetic corpus into a fresh store (each
PostgreSQL run on a server of its own, ``newsloom db start``); then search latency on the
SQLite and the in-process PostgreSQL stores (``newsloom eval search``); then the concurrent
trial on PostgreSQL (a server job plus two CLI ingests, ``concurrent_writers.py --pg --kinds
mixed``). Prints one Markdown table and writes every report as JSON under ``--out``.

    .venv/bin/python scripts/bench_backends.py --articles 10000 --out /tmp/backends
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEWSLOOM = [sys.executable, "-m", "newsloom"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres(data: Path) -> Iterator[str]:
    """A fresh PostgreSQL server in ``data`` for the block; its URL."""
    started = subprocess.run([*NEWSLOOM, "db", "start", "--data", str(data), "--port",
                              str(_free_port())], text=True, capture_output=True, check=True)
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([*NEWSLOOM, "db", "stop", "--data", str(data)], capture_output=True,
                       check=False)


def scale(out: Path, name: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    work = out / name
    work.mkdir(parents=True, exist_ok=True)
    command = [*NEWSLOOM, "eval", "scale", "--articles", str(args.articles), "--batch-size",
               str(args.batch_size), "--storylines-every", "1", "--data", str(args.data),
               "--workdir", str(work), "--format", "json", *extra]
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {' '.join(command[2:])}", flush=True)
    with (out / f"{name}.log").open("w") as log:
        done = subprocess.run(command, text=True, stdout=subprocess.PIPE, stderr=log,
                              check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    (out / f"{name}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def search(out: Path, name: str, db: str) -> dict[str, Any]:
    done = subprocess.run([*NEWSLOOM, "eval", "search", "--db", db, "--queries", "200",
                           "--format", "json"], text=True, capture_output=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    (out / f"{name}-search.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def _p95(report: dict[str, Any], mode: str) -> str:
    for row in report.get("latency", {}).get("modes", []):
        if row.get("mode") == mode:
            return f"{row.get('p95_ms', 0):.0f} ms"
    return "—"


def _row(name: str, report: dict[str, Any], searched: dict[str, Any] | None) -> str:
    growth = report.get("growth", {})
    batches = report["batches"]
    return (f"| {name} | {report['articles_per_second']:.1f} | "
            f"{growth.get('first_cpu_ms_per_article', 0):.0f} → "
            f"{growth.get('last_cpu_ms_per_article', 0):.0f} | "
            f"{growth.get('slope_cpu_ms_per_10k', 0):+.1f} | "
            f"{report['main_peak_mib']:.0f} / {report['worker_peak_mib']:.0f} | "
            f"{batches[-1]['corpus']:,} / {batches[-1]['stories']:,} | "
            + (f"{_p95(searched, 'keyword')} / {_p95(searched, 'hybrid')} |"
               if searched else "— |"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=Path("/tmp/newsloom-backends"))
    parser.add_argument("--concurrent-records", type=int, default=2000)
    parser.add_argument("--runs", default="sqlite,postgresql,spark,concurrent",
                        help="which of sqlite, postgresql, spark, concurrent to run")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = set(args.runs.split(","))
    rows = []
    if "sqlite" in runs:
        lite = scale(args.out, "sqlite", args)
        rows.append(_row("in process, SQLite", lite, search(
            args.out, "sqlite", str(args.out / "sqlite" / "scale.db"))))
    if "postgresql" in runs:
        with postgres(args.out / "pg-inprocess") as url:
            report = scale(args.out, "postgresql", args, "--db", url)
            rows.append(_row("in process, PostgreSQL", report,
                             search(args.out, "postgresql", url)))
    if "spark" in runs:
        with postgres(args.out / "pg-spark") as url:
            report = scale(args.out, "spark", args, "--db", url, "--spark", "local[2]")
            rows.append(_row("Spark local[2], PostgreSQL", report, None))
    trial = None
    if "concurrent" in runs:
        print(f"[{time.strftime('%H:%M:%S')}] concurrent trial on PostgreSQL", flush=True)
        trial = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "concurrent_writers.py"), "--pg",
             "--kinds", "mixed", "--trials", "1", "--records", str(args.concurrent_records)],
            text=True, capture_output=True, check=False)
    print()
    print("| run | articles/s | CPU ms per article, first → last batches | CPU slope per "
          "10k stored | peak MiB main / largest other process | articles / stories | "
          "search p95 keyword / hybrid |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    if trial is not None:
        print()
        print(trial.stdout.strip())


if __name__ == "__main__":
    main()
