"""Peak memory of ``newsloom ingest`` by JSONL input size (issue 11: memory must be bounded
by the document, not by the file).

Generates JSONL inputs of the given sizes (distinct synthetic news records of a few KB) in a
temporary folder, runs ``newsloom ingest`` on each into a fresh store, and samples the
resident set size of the ingest process (and of its whole process tree, extraction workers
included) from ``/proc`` every 50 ms. The seeds (``examples/``) give the baseline.

    .venv/bin/python scripts/measure_rss.py --sizes 20,200,1000 --workers 2

Linux only (reads ``/proc``). Prints a Markdown table and, with ``--json``, writes the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
_NEWSLOOM = Path(sys.executable).with_name("newsloom")
_PAGE = 4096

_WORDS = ("Regierung", "Minister", "Hafen", "Netz", "Huawei", "Bericht", "Wahl", "Stadt",
          "Bank", "Markt", "Zinsen", "Streik", "Polizei", "Gericht", "Urteil", "Klima",
          "Energie", "Preis", "Export", "Firma", "Vertrag", "Gipfel", "Sprecher", "Behörde",
          "Bürger", "Schule", "Bahn", "Strom", "Gas", "Ausbau", "Kritik", "Plan", "Haushalt",
          "Steuer", "Rat")


@dataclass(frozen=True, slots=True)
class Measurement:
    label: str
    input_mb: float
    records: int
    seconds: float
    peak_main_mb: float  # the ingest process itself: what grows if a file is held whole
    peak_tree_mb: float  # ingest process plus its extraction workers, sampled together
    exit_code: int
    summary: str  # the CLI's closing count line


def _record(rng: random.Random, index: int, extra_kb: int) -> dict[str, object]:
    sentences = []
    for _ in range(rng.randint(6, 20)):
        words = rng.choices(_WORDS, k=rng.randint(8, 18))
        sentences.append(" ".join(words).capitalize() + f" {rng.randint(1, 10**9)}.")
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return {"id": f"synthetic-{index}", "url": f"https://example.org/news/{index}",
            "title": " ".join(rng.choices(_WORDS, k=6)), "text": "\n\n".join(paragraphs),
            "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "lang": "de",
            # an unknown field, kept as metadata: the bulk of the bytes at little extraction
            # cost, so a 1 GB file finishes on a small machine (see --extra-kb)
            "crawl_snapshot": " ".join(rng.choices(_WORDS, k=extra_kb * 1024 // 7))}


def generate_jsonl(path: Path, megabytes: int, extra_kb: int, seed: int = 11) -> int:
    """Write about ``megabytes`` MB of distinct records to ``path``; returns the record count."""
    rng, target, written, records = random.Random(seed), megabytes * 1024 * 1024, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            line = json.dumps(_record(rng, records, extra_kb), ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            records += 1
    return records


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE // 1024
    except (OSError, IndexError, ValueError):
        return 0  # the process ended between listing and reading


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def measure(label: str, inputs: list[Path], workdir: Path, workers: int, records: int,
            input_mb: float) -> Measurement:
    db = workdir / f"{label}.db"
    command = [str(_NEWSLOOM), "ingest", *map(str, inputs), "--db", str(db),
               "--workers", str(workers)]
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, cwd=workdir)
    peak_main = peak_tree = 0
    while process.poll() is None:
        peak_main = max(peak_main, _rss_kb(process.pid))
        peak_tree = max(peak_tree, sum(_rss_kb(p) for p in _tree(process.pid)))
        time.sleep(0.05)
    _, stderr = process.communicate()
    lines = [line for line in stderr.splitlines() if " documents: " in line]
    return Measurement(label=label, input_mb=round(input_mb, 1), records=records,
                       seconds=round(time.monotonic() - start, 1),
                       peak_main_mb=round(peak_main / 1024, 1),
                       peak_tree_mb=round(peak_tree / 1024, 1),
                       exit_code=process.returncode, summary=lines[-1] if lines else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="20,200,1000", help="JSONL sizes in MB, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--extra-kb", type=int, default=24,
                        help="size of each record's metadata-only field (0: text only)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--workdir", type=Path, help="keep inputs and stores here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="newsloom-rss-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        seeds = sorted((_ROOT / "examples").rglob("*.*"))
        results = [measure("seeds", [_ROOT / "examples"], workdir, args.workers, len(seeds),
                           sum(p.stat().st_size for p in seeds) / 1024 / 1024)]
        _print(results[-1])
        for size in sizes:
            path = workdir / f"news-{size}mb.jsonl"
            records = generate_jsonl(path, size, args.extra_kb)
            results.append(measure(f"{size}mb", [path], workdir, args.workers, records,
                                   path.stat().st_size / 1024 / 1024))
            _print(results[-1])
            path.unlink()
    base = results[0].peak_main_mb
    print("\n| input | MB | records | seconds | peak RSS main (MB) | over seeds (MB) "
          "| peak RSS with workers (MB) | exit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.label} | {r.input_mb} | {r.records} | {r.seconds} | {r.peak_main_mb} | "
              f"{r.peak_main_mb - base:+.1f} | {r.peak_tree_mb} | {r.exit_code} |")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n",
                             encoding="utf-8")
    return 0 if all(r.exit_code == 0 for r in results) else 1


def _print(result: Measurement) -> None:
    print(f"{result.label}: {result.records} records, {result.seconds} s, peak RSS "
          f"{result.peak_main_mb} MB (tree {result.peak_tree_mb} MB) — {result.summary}",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
