"""Ingest throughput: build a realistic corpus, run the real pipeline, time it, measure memory.

The corpus recombines the benchmark pages (AEB + trafilatura-eval-dev HTML, their plain-text
renderings, the example seeds). Copies of one page must hash differently, otherwise ingest
would deduplicate them and we would time a no-op; so every copy gets a paragraph of *real*
text from another page inserted into its body, the way an updated article differs from its
first crawl. A counter comment would also change the hash but not the extraction work.

Each ingest runs in a fresh interpreter (``python -m newsloom.eval.throughput``) so its peak
RSS is its own and not inflated by corpus building or an earlier run.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from newsloom.ingest import read_path
from newsloom.model import RawDocument, content_id
from newsloom.settings import usable_cpus

#: Paragraphs shorter than this are usually menu items or captions, not article text.
_MIN_PARAGRAPH = 120


@dataclass(frozen=True, slots=True)
class Corpus:
    root: Path
    html_dir: Path
    text_dir: Path
    html_docs: int
    text_docs: int
    html_mib: float
    text_mib: float
    html_seeds: int
    text_seeds: int


@dataclass(frozen=True, slots=True)
class IngestRun:
    """One timed ``ingest`` call. ``seconds`` is wall clock for open store + ingest + close."""

    label: str
    workers: int
    documents: int
    added: int
    new_versions: int
    unchanged: int
    skipped: int
    seconds: float
    #: Peak RSS of the ingesting process itself, MiB (see :func:`_own_peak_kib`).
    self_peak_mib: float
    #: Peak RSS of its largest reaped worker (RUSAGE_CHILDREN reports the max, not the sum), MiB.
    worker_peak_mib: float
    store_mib: float
    skip_reasons: dict[str, int]

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def peak_total_mib(self) -> float:
        """Upper bound for the whole run: parent + every worker at its own peak at once."""
        return self.self_peak_mib + self.workers * self.worker_peak_mib if self.workers > 1 \
            else self.self_peak_mib


@dataclass(frozen=True, slots=True)
class ThroughputReport:
    corpus: Corpus
    runs: list[IngestRun]
    cores: int
    #: 1-minute load average before and after the runs: other jobs on the machine slow us down.
    load_before: float
    load_after: float


# ----------------------------------------------------------------------------- corpus --


def _documents(paths: Iterable[Path]) -> list[RawDocument]:
    docs: list[RawDocument] = []
    for path in paths:
        docs.extend(item for item in read_path(path) if isinstance(item, RawDocument))
    return docs


def _paragraphs(aeb: Path | None, text_docs: Sequence[RawDocument]) -> list[str]:
    """Real article paragraphs to splice into copies: AEB gold bodies and long text lines."""
    pool: list[str] = []
    truth = aeb / "ground-truth.json" if aeb else None
    if truth is not None and truth.is_file():
        for item in json.loads(truth.read_text(encoding="utf-8")).values():
            body = str(item.get("articleBody") or "")
            pool.extend(p.strip() for p in body.split("\n") if len(p.strip()) >= _MIN_PARAGRAPH)
    for doc in text_docs:
        pool.extend(ln.strip() for ln in doc.content.split("\n") if len(ln.strip()) >= 200)
    return sorted(set(pool))


def _inject_html(page: str, paragraph: str) -> str:
    """Insert the paragraph after the first ``</p>`` of the body, where the article usually is."""
    block = f"<p>{html.escape(paragraph)}</p>"
    body = page.lower().find("<body")
    close = page.lower().find("</p>", max(body, 0))
    if close >= 0:
        return page[:close + 4] + block + page[close + 4:]
    end = page.lower().rfind("</body>")
    return page[:end] + block + page[end:] if end >= 0 else page + block


def _inject_text(text: str, paragraph: str) -> str:
    lines = text.split("\n")
    middle = len(lines) // 2
    return "\n".join([*lines[:middle], paragraph, *lines[middle:]])


def _distinct_variant(content: str, pool: Sequence[str], start: int, seen: set[str],
                      html_pages: bool) -> str:
    """The seed with one donor paragraph spliced in (two when a small pool runs out)."""
    inject = _inject_html if html_pages else _inject_text
    size = len(pool)
    for attempt in range(size * size + size):
        paragraph = pool[(start + attempt) % size]
        if attempt >= size:  # every single paragraph is taken for this seed: add a second one
            paragraph += " " + pool[(attempt // size - 1) % size]
        variant = inject(content, paragraph)
        if content_id(variant) not in seen:
            return variant
    raise ValueError("not enough distinct paragraphs to vary the corpus; add seed documents")


def _variants(seeds: Sequence[RawDocument], pool: Sequence[str], count: int, html_pages: bool,
              out_dir: Path, progress: Progress | None, label: str) -> float:
    """Write ``count`` distinct documents to ``out_dir``; returns their size in MiB."""
    out_dir.mkdir(parents=True, exist_ok=True)
    task = progress.add_task(label, total=count) if progress else None
    seen: set[str] = set()
    size = 0
    step = 7919  # a prime stride spreads donor paragraphs across sources and languages
    for k in range(count):
        seed = seeds[k % len(seeds)]
        content = _distinct_variant(seed.content, pool, k * step, seen, html_pages)
        digest = content_id(content)
        seen.add(digest)
        suffix = ".html" if html_pages else ".txt"
        data = content.encode("utf-8")
        (out_dir / f"{k:05d}_{seed.source_id[:40]}{suffix}").write_bytes(data)
        size += len(data)
        if progress is not None and task is not None:
            progress.advance(task)
    return size / 2**20


def locate(dataset: Path, name: str) -> Path | None:
    """``dataset`` itself when it is the named dataset, else ``dataset/name`` if present."""
    if dataset.name == name:
        return dataset
    return dataset / name if (dataset / name).is_dir() else None


def build_corpus(dataset: Path, seeds_dir: Path | None, out_dir: Path, *, html_docs: int,
                 text_docs: int, progress: Progress | None = None) -> Corpus:
    aeb, tev = locate(dataset, "aeb"), locate(dataset, "trafilatura-eval-dev")
    html_paths = sorted((aeb / "html").glob("*.html.gz")) if aeb else []
    html_paths += sorted((tev / "html").glob("*.html")) if tev else []
    text_paths = sorted((tev / "text").glob("*.txt")) if tev else []
    text_paths += sorted(seeds_dir.glob("*.txt")) if seeds_dir and seeds_dir.is_dir() else []
    html_seeds, text_seeds = _documents(html_paths), _documents(text_paths)
    if (html_docs and not html_seeds) or (text_docs and not text_seeds):
        raise ValueError(f"no seed pages under {dataset} (expected aeb/ and trafilatura-eval-dev/)")
    pool = _paragraphs(aeb, text_seeds)
    html_mib = _variants(html_seeds, pool, html_docs, True, out_dir / "html", progress,
                         "building HTML corpus") if html_docs else 0.0
    text_mib = _variants(text_seeds, pool, text_docs, False, out_dir / "text", progress,
                         "building text corpus") if text_docs else 0.0
    return Corpus(out_dir, out_dir / "html", out_dir / "text", html_docs, text_docs,
                  html_mib, text_mib, len(html_seeds), len(text_seeds))


# ---------------------------------------------------------------------------- measure --


def measure(corpus_dir: Path, store_path: Path, *, workers: int, label: str) -> IngestRun:
    """Run one ingest in a fresh interpreter; its progress bar shows on our stderr."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = Path(handle.name)
    try:
        subprocess.run(
            [sys.executable, "-m", "newsloom.eval.throughput", str(corpus_dir), str(store_path),
             "--workers", str(workers), "--label", label, "--result", str(result_path)],
            check=True,
        )
        data = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    return IngestRun(**data)


def run_throughput(dataset: Path, seeds_dir: Path | None, *, html_docs: int, text_docs: int,
                   workers: int, work_dir: Path | None = None,
                   console: Console | None = None) -> ThroughputReport:
    """Build the corpus, then for HTML and text separately: fresh ingest, then re-ingest."""
    with tempfile.TemporaryDirectory(prefix="newsloom-throughput-", dir=work_dir) as tmp:
        root = Path(tmp)
        # The corpus bar must be gone before a measuring child draws its own on the terminal.
        with Progress(console=console, transient=True, disable=console is None) as progress:
            corpus = build_corpus(dataset, seeds_dir, root / "corpus", html_docs=html_docs,
                                  text_docs=text_docs, progress=progress)
        runs: list[IngestRun] = []
        load_before = os.getloadavg()[0]
        for kind, directory, count in (("html", corpus.html_dir, html_docs),
                                       ("text", corpus.text_dir, text_docs)):
            if not count:
                continue
            store = root / f"{kind}.sqlite"
            runs.append(measure(directory, store, workers=workers, label=f"{kind} ingest"))
            runs.append(measure(directory, store, workers=workers, label=f"{kind} re-ingest"))
    return ThroughputReport(corpus, runs, usable_cpus(), load_before, os.getloadavg()[0])


def _child_main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the measuring interpreter (not a user command)."""
    parser = argparse.ArgumentParser(prog="python -m newsloom.eval.throughput")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="ingest")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    # Each skipped page would log a warning; the count and reasons are reported instead.
    logging.getLogger("newsloom").setLevel(logging.CRITICAL)

    from newsloom.pipeline.ingest import PipelineOptions, ingest
    from newsloom.store import open_store

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(args.label, total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        start = time.perf_counter()
        store = open_store(args.store)
        try:
            stats = ingest([args.corpus], store, PipelineOptions(workers=args.workers),
                           on_progress=on_progress)
        finally:
            store.close()
        seconds = time.perf_counter() - start
    kib = 1024.0  # ru_maxrss is in KiB on Linux
    run = IngestRun(
        label=args.label, workers=args.workers, documents=stats.documents, added=stats.added,
        new_versions=stats.new_versions, unchanged=stats.unchanged, skipped=stats.skipped,
        seconds=seconds,
        self_peak_mib=_own_peak_kib() / kib,
        worker_peak_mib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib,
        store_mib=args.store.stat().st_size / 2**20,
        skip_reasons=dict(Counter(s.reason.split(":")[0] for s in stats.skips).most_common(5)),
    )
    args.result.write_text(json.dumps(asdict(run)), encoding="utf-8")


def _own_peak_kib() -> float:
    """Peak RSS of this process since it started, in KiB.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` survives ``execve``: a child started by a 250 MiB
    parent reports at least 250 MiB (checked on this kernel). ``VmHWM`` is the high-water mark
    of the current address space only, so it is used where Linux provides it. Worker processes
    are forked *by* this process, so RUSAGE_CHILDREN needs no such correction.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def report_to_json(report: ThroughputReport) -> dict[str, object]:
    corpus = asdict(report.corpus)
    corpus = {k: (str(v) if isinstance(v, Path) else v) for k, v in corpus.items()}
    return {
        "cores": report.cores, "load_before": report.load_before,
        "load_after": report.load_after, "corpus": corpus,
        "runs": [asdict(run) | {"docs_per_second": run.docs_per_second,
                                "peak_total_mib": run.peak_total_mib} for run in report.runs],
    }


if __name__ == "__main__":
    _child_main()
