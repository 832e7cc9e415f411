"""CPU seconds of ``newsloom analyze`` against the USE-m3 encoder alone on the same texts
(issue 14's second throughput target, docs/benchmarks.md "Analyze CPU against the encoder").

    .venv/bin/python scripts/bench_cpu_ratio.py [--data ../shared/data] [--runs 1]
    git worktree add /tmp/before REV && .venv/bin/python scripts/bench_cpu_ratio.py \
        --before /tmp/before/src      # also analyze with that tree, interleaved

The corpus is issue 14's 303 real articles: semeval-pairs-dev plus the first 60 of
timeline17-dev's MJ_bbc, haiti_bbc and bpoil_bbc, written as one JSONL file.

- encoder alone: one process, one thread, embeds title + the first 2,000 characters of
  each text; its CPU seconds are reported with and without loading the model.
- analyze: ``newsloom analyze`` on a fresh store in a child process; CPU is user + system of
  that process and every process it waited for (its feature workers), start-up included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cli_startup import bench_env

ROOT = Path(__file__).resolve().parent.parent
TIMELINE_COLLECTIONS = ("MJ_bbc", "haiti_bbc", "bpoil_bbc")
TIMELINE_ARTICLES = 60
ENCODER_CHARS = 2000


def corpus_records(data: Path) -> list[dict[str, object]]:
    """The 303 records: every semeval-pairs-dev article, then 60 of each collection."""
    records: list[dict[str, object]] = []
    with (data / "semeval-pairs-dev" / "articles.jsonl").open(encoding="utf-8") as stream:
        records.extend(json.loads(line) for line in stream if line.strip())
    for name in TIMELINE_COLLECTIONS:
        path = data / "timeline17-dev" / name / "articles.jsonl"
        with path.open(encoding="utf-8") as stream:
            lines = [line for line in stream if line.strip()][:TIMELINE_ARTICLES]
        for line in lines:
            record = json.loads(line)
            record["id"] = f"{name}-{record.get('id')}"
            records.append(record)
    return records


def encoder_texts(records: list[dict[str, object]]) -> list[str]:
    return [f"{record.get('title') or ''}\n{str(record.get('text') or '')[:ENCODER_CHARS]}"
            for record in records]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def encoder_child(path: Path) -> None:
    """Run in a fresh process: print the encoder's CPU seconds (load, embed) as JSON."""
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    texts = encoder_texts(records)
    start = _cpu()
    from newsloom.represent.embed import USEEmbedder

    embedder = USEEmbedder(threads=1)
    embedder.embed(texts[:1])  # loads the model
    loaded = _cpu()
    embedder.embed(texts)
    print(json.dumps({"load": loaded - start, "embed": _cpu() - loaded}))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_encoder(path: Path) -> dict[str, float]:
    before = _children_cpu()
    out = subprocess.run([sys.executable, __file__, "--encoder-child", str(path)],
                         check=True, capture_output=True, text=True,
                         env=bench_env(ROOT / "src"))
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = _children_cpu() - before
    return result


def measure_analyze(corpus: Path, workdir: Path, src: Path) -> dict[str, float]:
    store = workdir / "store.db"
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsloom", "analyze", str(corpus), "--db",
                    str(store)], check=True, capture_output=True, env=bench_env(src))
    return {"cpu": _children_cpu() - before, "wall": time.perf_counter() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--before", type=Path, help="another tree's src/ to time as well")
    parser.add_argument("--encoder-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.encoder_child:
        encoder_child(args.encoder_child)
        return
    with tempfile.TemporaryDirectory(prefix="cpu-ratio-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        records = corpus_records(args.data)
        path = corpus / "articles.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        for run in range(args.runs):
            encoder = measure_encoder(path)
            work = Path(tmp) / f"run{run}"
            work.mkdir()
            if args.before:
                (work / "before").mkdir()
                old = measure_analyze(corpus, work / "before", args.before.resolve())
                print(f"run {run + 1}: analyze with {args.before}: {old['cpu']:.1f} CPU s "
                      f"({old['wall']:.1f} s wall)")
            analyze = measure_analyze(corpus, work, ROOT / "src")
            print(f"{len(records)} articles, run {run + 1}: encoder alone "
                  f"{encoder['embed']:.1f} CPU s embedding (+{encoder['load']:.1f} s loading, "
                  f"process {encoder['process']:.1f} s); analyze {analyze['cpu']:.1f} CPU s "
                  f"({analyze['wall']:.1f} s wall); ratio {analyze['cpu'] / encoder['embed']:.2f}"
                  f" (to the whole encoder process {analyze['cpu'] / encoder['process']:.2f}); "
                  f"cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
