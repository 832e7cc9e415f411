"""Extraction benchmarks: run the real extractor over a labelled dataset and score it.

Two datasets are recognised by their layout:

* **AEB** (scrapinghub's Article Extraction Benchmark): ``ground-truth.json`` + ``html/*.html.gz``.
  Body text is scored with AEB's own shingle F1 (:mod:`newsloom.eval.scoring`).
* **trafilatura-eval-dev**: ``evaldata.json`` + ``html/`` + ``text/``. Scored with trafilatura's
  with/without snippet counts, plus title and date accuracy, for the HTML and plain-text paths.

Pages are read with the production readers (:func:`newsloom.ingest.read_path`) and extracted
with :func:`newsloom.extract.extract`, so the benchmark measures what ingest would store. A page
that cannot be read or extracted counts as empty output; it never stops the run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rich.progress import Progress

from newsloom.eval.extraction_baselines import BASELINE_NAMES, BaselineKind, run_baseline
from newsloom.eval.scoring import AebScore, DateTally, TitleTally, aeb_aggregate, aeb_match
from newsloom.extract import ExtractionError, ExtractOptions, MetadataOnly, extract
from newsloom.ingest import read_path
from newsloom.model import Article, RawDocument
from newsloom.training.scoring import Confusion, normalise_title, score_snippets

if TYPE_CHECKING:
    from newsloom.extract.boilerplate import BoilerplateModel

#: ``extract`` runs newsloom, ``visible``/``raw`` are naive baselines, the rest open tools.
JobKind = Literal["extract", "visible", "raw", "trafilatura", "htmldate-quick",
                  "htmldate-extensive"]
TextPath = Literal["html", "text"]
#: Which input a system read; the naive visible-text baseline is the same for both paths.
SystemPath = Literal["html", "text", "both"]
FOCUS_MODES: tuple[str, ...] = ("balanced", "precision", "recall")


@dataclass(frozen=True, slots=True)
class Job:
    """One page to turn into text (and title and date) with newsloom or a baseline."""

    path: Path
    kind: JobKind = "extract"
    url: str | None = None
    focus: str = "balanced"
    #: Boilerplate classifier weights replacing the shipped ones (plain-text path only).
    text_model: Path | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a job produced; ``text`` is None when the page failed (read or extraction)."""

    text: str | None
    title: str | None = None
    published: str | None = None
    error: str | None = None
    seconds: float = 0.0


def _read(job: Job) -> RawDocument | str:
    """The page as ingest would read it, or the reason it was skipped."""
    for item in read_path(job.path):
        if isinstance(item, RawDocument):
            if job.url:  # the crawler knows the URL it fetched; a text dump has none
                return replace(item, url=job.url, version_key=job.url)
            return item
        return f"unreadable: {item.reason}"
    return "unreadable: no document in file"


def run_job(job: Job) -> Outcome:
    """Never raises: any failure becomes an empty outcome carrying the reason."""
    doc = _read(job)
    if isinstance(doc, str):
        return Outcome(text=None, error=doc)
    if job.kind == "raw":
        return Outcome(text=doc.content, title=_first_line(doc.content))
    start = time.perf_counter()
    try:
        if job.kind in BASELINE_NAMES:
            kind: BaselineKind = job.kind
            text, title, published, seconds = run_baseline(kind, doc)
            return Outcome(text=text, title=title, published=published, seconds=seconds)
        if job.kind == "visible":
            import trafilatura

            return Outcome(text=trafilatura.html2txt(doc.content) or "")
        options = ExtractOptions(html_focus=job.focus)
        if job.text_model is not None and doc.content_type == "text":
            article = _extract_text_with(doc, options, job.text_model)
        else:
            article = extract(doc, options)
    except MetadataOnly as exc:  # no text, but ingest logs its title and date: score them
        page = exc.page
        return Outcome(text=None, title=page.title,
                       published=page.published.value if page.published else None,
                       error=f"MetadataOnly: {str(exc)[:120]}",
                       seconds=time.perf_counter() - start)
    except Exception as exc:  # benchmark must survive any single-page bug, like ingest does
        return Outcome(text=None, error=f"{type(exc).__name__}: {str(exc)[:120]}",
                       seconds=time.perf_counter() - start)
    return Outcome(
        text=article.text,
        title=article.title,
        published=article.published.value if article.published else None,
        seconds=time.perf_counter() - start,
    )


@lru_cache(maxsize=4)
def _load_text_model(path: Path) -> BoilerplateModel:
    from newsloom.extract.boilerplate import BoilerplateModel

    return BoilerplateModel.load(path)


def _extract_text_with(doc: RawDocument, options: ExtractOptions, model_path: Path) -> Article:
    """:func:`extract` for a text document, with other classifier weights."""
    from newsloom.extract.text import extract_text

    article = extract_text(doc, options, model=_load_text_model(model_path))
    if len(article.text.strip()) < options.min_text_chars:  # same rule as extract()
        raise ExtractionError("no article text")
    return article


def _first_line(text: str) -> str | None:
    return next((line.strip() for line in text.splitlines() if line.strip()), None)


def run_jobs(jobs: Sequence[Job], description: str, *, workers: int = 1,
             progress: Progress | None = None) -> list[Outcome]:
    """Outcomes in job order (deterministic regardless of ``workers``)."""
    task = progress.add_task(description, total=len(jobs)) if progress else None

    def advance(outcomes: Iterator[Outcome]) -> list[Outcome]:
        done = []
        for outcome in outcomes:
            done.append(outcome)
            if progress is not None and task is not None:
                progress.advance(task)
        return done

    if workers <= 1 or len(jobs) < 2:
        return advance(run_job(job) for job in jobs)
    # fork: workers inherit the already-imported extractor instead of re-importing it
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        return advance(pool.map(run_job, jobs, chunksize=2))


@dataclass(slots=True)
class Failures:
    count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        if outcome.text is None:
            self.count += 1
            self.reasons[(outcome.error or "unknown").split(":")[0]] += 1


# ------------------------------------------------------------------------------------ AEB --


@dataclass(frozen=True, slots=True)
class AebPage:
    id: str
    url: str | None
    body: str
    path: Path


@dataclass(frozen=True, slots=True)
class AebSystem:
    name: str
    score: AebScore
    failures: Failures
    seconds: float


@dataclass(frozen=True, slots=True)
class AebReport:
    dataset: Path
    pages: int
    systems: list[AebSystem]
    #: Pages where our extracted title is the first line of AEB's gold articleBody.
    headline_in_gold: int
    headline_checked: int


def is_aeb(dataset: Path) -> bool:
    return (dataset / "ground-truth.json").is_file() and (dataset / "html").is_dir()


def load_aeb(dataset: Path, limit: int | None = None) -> list[AebPage]:
    truth: dict[str, dict[str, Any]] = json.loads(
        (dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        AebPage(key, item.get("url"), item.get("articleBody") or "",
                dataset / "html" / f"{key}.html.gz")
        for key, item in sorted(truth.items())
    ]
    return pages[:limit] if limit is not None else pages


def _aeb_system(name: str, pages: Sequence[AebPage], outcomes: Sequence[Outcome],
                with_title: bool = False) -> AebSystem:
    failures = Failures()
    counts = []
    for page, outcome in zip(pages, outcomes, strict=True):
        failures.add(outcome)
        text = outcome.text
        if with_title and text is not None and outcome.title:
            text = f"{outcome.title}\n{text}"
        counts.append(aeb_match(page.body, text))
    return AebSystem(name, aeb_aggregate(counts), failures, sum(o.seconds for o in outcomes))


def evaluate_aeb(dataset: Path, *, focuses: Sequence[str] = ("balanced",), limit: int | None = None,
                 workers: int = 1, progress: Progress | None = None) -> AebReport:
    pages = load_aeb(dataset, limit)
    systems: list[AebSystem] = []
    first: list[Outcome] | None = None
    for focus in focuses:
        jobs = [Job(page.path, "extract", page.url, focus) for page in pages]
        outcomes = run_jobs(jobs, f"AEB html focus={focus}", workers=workers, progress=progress)
        systems.append(_aeb_system(f"newsloom html (focus={focus})", pages, outcomes))
        first = first or outcomes
    assert first is not None, "at least one focus mode is required"
    # AEB's articleBody may open with the headline; html.py moves it to the title field.
    systems.append(_aeb_system(f"newsloom html (focus={focuses[0]}) + title line", pages, first,
                               with_title=True))
    # AEB has no gold titles or dates: of the open tools, only trafilatura's body is scored
    tool = run_jobs([Job(page.path, "trafilatura", page.url) for page in pages],
                    "AEB trafilatura baseline", workers=workers, progress=progress)
    systems.append(_aeb_system(BASELINE_NAMES["trafilatura"], pages, tool))
    visible = run_jobs([Job(page.path, "visible") for page in pages], "AEB naive baseline",
                       workers=workers, progress=progress)
    systems.append(_aeb_system("naive: all visible text", pages, visible))
    checked = found = 0
    for page, outcome in zip(pages, first, strict=True):
        if outcome.title:
            checked += 1
            first_line = page.body.strip().split("\n", 1)[0]
            found += normalise_title(first_line) == normalise_title(outcome.title)
    return AebReport(dataset, len(pages), systems, found, checked)


# ------------------------------------------------------------------- trafilatura-eval-dev --


@dataclass(frozen=True, slots=True)
class TevPage:
    url: str
    file: str
    title: str
    date: str
    with_: tuple[str, ...]
    without: tuple[str, ...]
    html_path: Path
    text_path: Path


@dataclass(frozen=True, slots=True)
class TevSystem:
    path: SystemPath
    name: str
    pages: int
    failures: Failures
    snippets: Confusion | None  # None: a date-only baseline (htmldate)
    titles: TitleTally | None
    dates: DateTally | None
    seconds: float


@dataclass(frozen=True, slots=True)
class TevReport:
    dataset: Path
    pages: int
    systems: list[TevSystem]
    #: What the shipped plain-text classifier says it was trained on (None: text not run).
    text_model: str | None = None


def is_tev(dataset: Path) -> bool:
    return (dataset / "evaldata.json").is_file() and (dataset / "html").is_dir()


def load_tev(dataset: Path, limit: int | None = None) -> list[TevPage]:
    data: dict[str, dict[str, Any]] = json.loads(
        (dataset / "evaldata.json").read_text(encoding="utf-8"))
    pages = [
        TevPage(
            url=url, file=item["file"], title=item.get("title") or "",
            date=item.get("date") or "", with_=tuple(item.get("with") or ()),
            without=tuple(item.get("without") or ()),
            html_path=dataset / "html" / item["file"],
            text_path=dataset / "text" / f"{Path(item['file']).stem}.txt",
        )
        for url, item in sorted(data.items())
    ]
    return pages[:limit] if limit is not None else pages


def _tev_system(path: SystemPath, name: str, pages: Sequence[TevPage], outcomes: Sequence[Outcome],
                *, titles: bool = True, dates: bool = True, text: bool = True) -> TevSystem:
    failures, snippets = Failures(), Confusion() if text else None
    title_tally = TitleTally() if titles else None
    date_tally = DateTally() if dates else None
    for page, outcome in zip(pages, outcomes, strict=True):
        if snippets is None:  # a date-only tool fails only when it raises
            failures.count += outcome.error is not None
        else:
            failures.add(outcome)
            snippets.add(score_snippets(outcome.text, page.with_, page.without))
        if title_tally is not None and page.title.strip():
            title_tally.add(outcome.title, page.title)
        if date_tally is not None and page.date:
            date_tally.add(outcome.published, page.date)
    return TevSystem(path, name, len(pages), failures, snippets, title_tally, date_tally,
                     sum(o.seconds for o in outcomes))


def fold_models(directory: Path) -> dict[str, Path]:
    """URL → held-out classifier weights, from ``folds.json`` written by ``eval text-folds``."""
    manifest: dict[str, int] = json.loads((directory / "folds.json").read_text(encoding="utf-8"))
    return {url: directory / f"fold-{fold}.npz" for url, fold in manifest.items()}


def evaluate_tev(dataset: Path, *, paths: Sequence[TextPath] = ("html", "text"),
                 focuses: Sequence[str] = ("balanced",), limit: int | None = None,
                 workers: int = 1, progress: Progress | None = None,
                 text_models: Path | None = None) -> TevReport:
    pages = load_tev(dataset, limit)
    systems: list[TevSystem] = []

    def run(jobs: list[Job], label: str) -> list[Outcome]:
        return run_jobs(jobs, label, workers=workers, progress=progress)

    if "html" in paths:
        for focus in focuses:
            jobs = [Job(p.html_path, "extract", p.url, focus) for p in pages]
            outcomes = run(jobs, f"dev html focus={focus}")
            systems.append(_tev_system("html", f"newsloom html (focus={focus})", pages, outcomes))
        # trafilatura's own "everything" row: the page source itself, markup included
        raw = run([Job(p.html_path, "raw") for p in pages], "dev html raw source")
        systems.append(_tev_system("html", "naive: raw HTML source", pages, raw,
                                   titles=False, dates=False))
        for kind, name in BASELINE_NAMES.items():  # the open tools, on the same pages
            outcomes = run([Job(p.html_path, kind, p.url) for p in pages], f"dev {name}")
            systems.append(_tev_system("html", name, pages, outcomes,
                                       titles=kind == "trafilatura", text=kind == "trafilatura"))
    if "text" in paths:
        jobs = [Job(p.text_path, "extract") for p in pages]  # no URL: a text dump has none
        systems.append(_tev_system("text", "newsloom text (shipped model)", pages,
                                   run(jobs, "dev text")))
        if text_models is not None:
            # The shipped classifier was trained on these very pages; scores from models that
            # never saw a page's host are the honest measurement.
            held_out = fold_models(text_models)
            jobs = [Job(p.text_path, "extract", text_model=held_out[p.url]) for p in pages]
            systems.append(_tev_system("text", "newsloom text (out-of-fold models)", pages,
                                       run(jobs, "dev text out-of-fold")))
    # The naive scraper: everything visible on the page (the text/ rendering), first line as
    # title, no date. It is the same input for both paths, so it is scored once.
    naive = run([Job(p.text_path, "raw") for p in pages], "dev naive baseline")
    systems.append(_tev_system("both", "naive: all visible text", pages, naive, dates=False))
    return TevReport(dataset, len(pages), systems,
                     _shipped_text_model() if "text" in paths else None)


def _shipped_text_model() -> str | None:
    try:
        from newsloom.extract.boilerplate import default_model

        return default_model().description
    except Exception:  # a missing or stale model shows up as failed pages already
        return None
