"""Issue 13's CLI latency targets: wall and CPU time of three read commands, this checkout
against an older commit.

    .venv/bin/python scripts/bench_cli_latency.py --before 3bf7586 [--runs 5]

Commands (the stores are built with this checkout when missing):
``newsloom stories`` on the seeds store (``analyze examples/``), ``newsloom search "Huawei
Russland 5G"`` on the same store, ``newsloom timeline --query Iran`` on semeval-pairs-dev
(``analyze ../shared/data/semeval-pairs-dev/articles.jsonl``), and both queries with a new
random word in every run (``{fresh}``: a query whose vectors no run has kept). Each side
runs once untimed first (byte code, kept even where PYTHONDONTWRITEBYTECODE is set; file
cache; the files newsloom derives once: newsloom/cache.py), so every timed run is "warm" as
issue 13 means it; then ``--runs`` timed
runs interleaved before/after. Prints medians of wall time and of user+sys CPU (less
sensitive to other jobs on the machine than wall time) as a Markdown table, with the load
average.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli_startup import _extract, bench_env

ROOT = Path(__file__).resolve().parents[1]
SEMEVAL = ROOT.parent / "shared" / "data" / "semeval-pairs-dev" / "articles.jsonl"


#: Replaced by a new random word in every run: a query no run has embedded before.
FRESH = "{fresh}"


def _commands(seeds: Path, semeval: Path) -> list[tuple[str, ...]]:
    return [("stories", "--db", str(seeds)),
            ("search", "Huawei Russland 5G", "--db", str(seeds)),
            ("search", f"Huawei Russland 5G {FRESH}", "--db", str(seeds)),
            ("timeline", "--query", "Iran", "--db", str(semeval)),
            ("timeline", "--query", f"Iran {FRESH}", "--db", str(semeval))]


def _store(db: Path, source: Path) -> Path:
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "newsloom", "analyze", str(source), "--db",
                        str(db), "--report-dir", str(db) + ".report"], check=True,
                       stdout=subprocess.DEVNULL,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    return db


def _time(src: Path, args: tuple[str, ...]) -> tuple[float, float]:
    """Wall seconds and user+sys CPU seconds of ``python -m newsloom ARGS``."""
    env = {**bench_env(src), "NO_COLOR": "1"}
    args = tuple(a.replace(FRESH, f"x{secrets.token_hex(4)}") for a in args)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "newsloom", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"newsloom {' '.join(args)} failed ({process.returncode}) in {src}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="Commit (or ref) to compare with.")
    parser.add_argument("--after", help="Commit to measure instead of the work tree.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command and side.")
    parser.add_argument("--work", type=Path, default=Path("/tmp/lat"),
                        help="Folder for the two stores.")
    options = parser.parse_args()
    seeds = _store(options.work / "seeds.db", ROOT / "examples")
    semeval = _store(options.work / "semeval.db", SEMEVAL)
    commands = _commands(seeds, semeval)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="newsloom-bench-") as tmp:
        sides = {"before": _extract(options.before, Path(tmp) / "before"),
                 "after": (_extract(options.after, Path(tmp) / "after") if options.after
                           else ROOT / "src")}
        times: dict[tuple[str, tuple[str, ...]], list[tuple[float, float]]] = {}
        for args in commands:
            for src in sides.values():
                _time(src, args)  # warm-up
            for _ in range(options.runs):
                for side, src in sides.items():
                    times.setdefault((side, args), []).append(_time(src, args))
    load_after = os.getloadavg()
    after = options.after or "work tree"
    print(f"| command | before ({options.before}) wall / CPU | after ({after}) wall / CPU "
          "| runs |")
    print("|---|---|---|---|")
    for args in commands:
        cells = []
        for side in sides:
            runs = times[side, args]
            cells.append(f"{statistics.median(w for w, _ in runs):.2f} s / "
                         f"{statistics.median(c for _, c in runs):.2f} s")
        shown = " ".join(args[:args.index("--db")])
        print(f"| `newsloom {shown}` | {cells[0]} | {cells[1]} | median of {options.runs} |")
    print(f"\n{os.cpu_count()} cores; load average (1, 5, 15 min) "
          f"{' '.join(f'{x:.1f}' for x in load_before)} before the runs, "
          f"{' '.join(f'{x:.1f}' for x in load_after)} after.")
    for (side, args), values in sorted(times.items()):
        print(f"  {side:6} {' '.join(args[:args.index('--db')])[:40]:40} "
              + " ".join(f"{w:.2f}/{c:.2f}" for w, c in values),
              file=sys.stderr)


if __name__ == "__main__":
    main()
