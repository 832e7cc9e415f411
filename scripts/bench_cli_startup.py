"""Wall time of ``newsloom --help`` and ``newsloom version``: this checkout against an older commit.

    .venv/bin/python scripts/bench_cli_startup.py --before 9e1a009 [--runs 5]

The ``--before`` commit's ``src/`` is extracted with ``git archive`` into a temporary folder
and run with ``PYTHONPATH`` pointing there; "after" runs this checkout's ``src/``. Both use
this interpreter (``python -m newsloom ...``), one warm-up run each (byte-code compiled), then
``--runs`` timed runs interleaved before/after so that load changes hit both alike. Prints the
medians as a Markdown table with the load average (issue 12, docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS: tuple[tuple[str, ...], ...] = (("--help",), ("version",))


def _extract(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def bench_env(src: Path) -> dict[str, str]:
    """The environment of a timed run of the code under ``src``: Python's default of keeping
    byte code, whatever this shell says. With PYTHONDONTWRITEBYTECODE set (as on the
    machine these benchmarks ran on) every run compiles newsloom's ~100 modules from source
    again, 0.1-0.3 s that no installed copy pays."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _time(src: Path, args: tuple[str, ...]) -> float:
    env = bench_env(src)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsloom", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="Commit (or ref) to compare with.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command and side.")
    options = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="newsloom-bench-") as tmp:
        sides = {"before": _extract(options.before, Path(tmp)), "after": ROOT / "src"}
        times: dict[tuple[str, tuple[str, ...]], list[float]] = {}
        for args in COMMANDS:
            for src in sides.values():
                _time(src, args)  # warm-up: byte-code, file cache
            for _ in range(options.runs):
                for side, src in sides.items():
                    times.setdefault((side, args), []).append(_time(src, args))
    load_after = os.getloadavg()[0]
    print(f"| command | before ({options.before}) | after | runs |")
    print("|---|---|---|---|")
    for args in COMMANDS:
        before = statistics.median(times["before", args])
        after = statistics.median(times["after", args])
        print(f"| `newsloom {' '.join(args)}` | {before:.2f} s | {after:.2f} s "
              f"| median of {options.runs} |")
    print(f"\n{os.cpu_count()} cores; 1-minute load average {load_before:.2f} before the runs, "
          f"{load_after:.2f} after.")
    for (side, args), values in sorted(times.items()):
        print(f"  {side:6} {' '.join(args):8} " + " ".join(f"{v:.2f}" for v in values),
              file=sys.stderr)


if __name__ == "__main__":
    main()
