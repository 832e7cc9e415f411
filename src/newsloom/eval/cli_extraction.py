"""``newsloom eval extraction``, ``text-folds`` and ``throughput``: extraction quality on
labelled pages and ingest speed (registered on the eval app by :mod:`newsloom.eval.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from newsloom.eval.cli_common import (
    Focus,
    OutputFormat,
    PathChoice,
    TableOrJsonOption,
    default_seeds,
    emit_json,
    err_console,
    out_console,
)

if TYPE_CHECKING:
    # The benchmarks are imported when their command runs: ``newsloom --help`` stays fast.
    from newsloom.eval.extraction import AebReport, TevReport, TevSystem, TextPath
    from newsloom.eval.throughput import ThroughputReport


def extraction(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="AEB directory (ground-truth.json + html/) or trafilatura-eval-dev directory "
             "(evaldata.json + html/ + text/); the kind is detected from the layout.")],
    path: Annotated[PathChoice, typer.Option(
        "--path", help="Which extractor path to score on trafilatura-eval-dev: the HTML pages, "
                       "their plain-text renderings, or both. AEB has HTML only.")
    ] = PathChoice.both,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Score only the first N pages (in sorted order).")] = None,
    output_format: TableOrJsonOption = OutputFormat.table,
    focus: Annotated[list[Focus] | None, typer.Option(
        "--focus", help="trafilatura trade-off(s) for HTML pages; repeat to compare "
                        "(default: the production default, precision). "
                        "Does not affect the text path.")] = None,
    all_focus: Annotated[bool, typer.Option(
        "--all-focus", help="Run every focus mode: balanced, precision and recall.")] = False,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Extraction processes (results are identical for any N).")
    ] = 1,
    text_models: Annotated[Path | None, typer.Option(
        "--text-models", exists=True, file_okay=False,
        help="Directory from 'newsloom eval text-folds': also score the text path with "
             "held-out classifiers (the shipped one was trained on trafilatura-eval-dev).")
    ] = None,
) -> None:
    """Score newsloom's article extraction on a labelled dataset (AEB or trafilatura-eval-dev)."""
    from newsloom.eval.extraction import (
        FOCUS_MODES,
        AebReport,
        evaluate_aeb,
        evaluate_tev,
        is_aeb,
        is_tev,
    )
    from newsloom.extract import ExtractOptions

    default_focus = Focus(ExtractOptions().html_focus)
    focuses = list(FOCUS_MODES) if all_focus else [f.value for f in focus or [default_focus]]
    with Progress(console=err_console, transient=True) as progress:
        report: AebReport | TevReport
        if is_aeb(dataset):
            if path is PathChoice.text:
                raise typer.BadParameter("AEB has no plain-text renderings; use --path html",
                                         param_hint="--path")
            report = evaluate_aeb(dataset, focuses=focuses, limit=limit, workers=workers,
                                  progress=progress)
        elif is_tev(dataset):
            paths: tuple[TextPath, ...] = (
                ("html",) if path is PathChoice.html
                else ("text",) if path is PathChoice.text else ("html", "text"))
            report = evaluate_tev(dataset, paths=paths, focuses=focuses, limit=limit,
                                  workers=workers, progress=progress, text_models=text_models)
        else:
            raise typer.BadParameter(
                "not a known dataset: expected ground-truth.json (AEB) or evaldata.json "
                "(trafilatura-eval-dev)", param_hint="--dataset")
    if output_format is OutputFormat.json:
        emit_json(report_to_json(report))
    elif isinstance(report, AebReport):
        _print_aeb(report)
    else:
        _print_tev(report)



def report_to_json(report: AebReport | TevReport) -> dict[str, Any]:
    """The one loose dict: the ``--format json`` output, with derived metrics spelled out."""
    from newsloom.eval.extraction import AebReport

    if isinstance(report, AebReport):
        return {
            "dataset": str(report.dataset), "kind": "aeb", "pages": report.pages,
            "headline_in_gold_body": {"pages": report.headline_in_gold,
                                      "checked": report.headline_checked},
            "systems": [
                {"name": s.name, "documents": s.score.documents,
                 "precision": s.score.precision, "recall": s.score.recall, "f1": s.score.f1,
                 "precision_documents": s.score.precision_documents,
                 "failures": s.failures.count, "failure_reasons": dict(s.failures.reasons),
                 "seconds": round(s.seconds, 2)}
                for s in report.systems
            ],
        }
    return {
        "dataset": str(report.dataset), "kind": "trafilatura-eval", "pages": report.pages,
        "text_model": report.text_model,
        "systems": [_tev_json(s) for s in report.systems],
    }


def _tev_json(s: TevSystem) -> dict[str, Any]:
    c = s.snippets
    out: dict[str, Any] = {
        "path": s.path, "name": s.name, "pages": s.pages, "failures": s.failures.count,
        "failure_reasons": dict(s.failures.reasons), "seconds": round(s.seconds, 2),
    }
    if c is not None:
        out |= {"snippets": {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn},
                "with_kept": c.with_kept, "without_removed": c.without_removed,
                "precision": c.precision, "recall": c.recall, "accuracy": c.accuracy,
                "f_score": c.f_score}
    if s.titles is not None:
        out["title"] = {"pages": s.titles.pages, "correct": s.titles.correct,
                        "missing": s.titles.missing, "accuracy": s.titles.accuracy}
    if s.dates is not None:
        d = s.dates
        out["date"] = {"pages": d.pages, "correct": d.correct, "wrong": d.wrong,
                       "abstained": d.abstained, "off_by_one_day": d.off_by_one,
                       "accuracy": d.accuracy,
                       "precision": d.precision}
    return out


def _f(value: float) -> str:
    return f"{value:.3f}"


def _print_aeb(report: AebReport) -> None:
    table = Table(title=f"AEB body extraction — {report.pages} pages ({report.dataset})")
    for column in ("system", "docs", "failures", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for system in report.systems:
        s = system.score
        table.add_row(system.name, str(s.documents), str(system.failures.count),
                      _f(s.precision), _f(s.recall), _f(s.f1))
    out_console.print(table)
    out_console.print(f"AEB scorer: 4-token shingles, per-page P/R averaged, F1 of the means "
                      f"(no bootstrap). Gold articleBody opens with our extracted title on "
                      f"{report.headline_in_gold} of {report.headline_checked} pages with a title. "
                      f"AEB has no gold titles or dates; those are scored on "
                      f"trafilatura-eval-dev.")


def _print_tev(report: TevReport) -> None:
    table = Table(title=f"trafilatura-eval-dev — {report.pages} pages ({report.dataset})")
    columns = ("path", "system", "fail", "with kept", "without removed", "P", "R", "F",
               "title acc", "date correct", "date wrong", "date none", "ms/page")
    for column in columns:
        table.add_column(column, justify="left" if column in ("path", "system") else "right")
    for s in report.systems:
        c = s.snippets
        titles = f"{_f(s.titles.accuracy)} ({s.titles.correct}/{s.titles.pages})" if s.titles \
            else "—"
        dates = s.dates
        # counts next to ratios: a rounded 0.900 may be 942/1047 = 0.8997, below a target
        snippet_cells = (
            f"{_f(c.with_kept)} ({c.tp}/{c.tp + c.fn})",
            f"{_f(c.without_removed)} ({c.tn}/{c.tn + c.fp})",
            _f(c.precision), _f(c.recall), _f(c.f_score)) if c else ("—",) * 5
        table.add_row(
            s.path, s.name, str(s.failures.count), *snippet_cells, titles,
            # dates as correct / wrong / none: accuracy alone hides invented dates
            f"{dates.correct}/{dates.pages} ({_f(dates.accuracy)})" if dates else "—",
            f"{dates.wrong} ({dates.off_by_one} ±1d)" if dates else "—",
            str(dates.abstained) if dates else "—",
            f"{1000 * s.seconds / max(s.pages, 1):.0f}",
        )
    out_console.print(table)
    if report.text_model:
        out_console.print(f"Shipped text classifier: {report.text_model}")
    out_console.print("Dates: correct / wrong / none on pages with a gold date (a wrong date "
                      "is worse than none); baselines get the page URL, as newsloom does.")
    out_console.print("Snippets match as in trafilatura's evaluation: whitespace-normalised, "
                      "case-sensitive substring of the article text (title excluded). "
                      "P/R/F: with = TP/FN, without = TN/FP; F = 2TP/(2TP+FP+FN).")


def text_folds(
    data: Annotated[Path, typer.Option(
        "--data", exists=True, file_okay=False, resolve_path=True,
        help="Shared data directory holding aeb/ and trafilatura-eval-dev/.")],
    out: Annotated[Path, typer.Option(
        "--out", file_okay=False, help="Where to write fold-<k>.npz and folds.json.")],
    folds: Annotated[int, typer.Option("--folds", min=2, help="Number of host folds.")] = 2,
) -> None:
    """Train held-out plain-text classifiers (one per fold of trafilatura-eval-dev hosts)."""
    from newsloom.eval.textfolds import train_fold_models

    for path in train_fold_models(data, out, folds=folds, console=err_console):
        out_console.print(f"wrote {path}")


def throughput(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="Shared data directory holding aeb/ and trafilatura-eval-dev/ (or one of them).")],
    html_docs: Annotated[int, typer.Option(
        "--html-docs", min=0, help="HTML pages to generate and ingest.")] = 1000,
    text_docs: Annotated[int, typer.Option(
        "--text-docs", min=0, help="Plain-text documents to generate and ingest.")] = 10000,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Extraction worker processes for ingest.")
    ] = 2,
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", file_okay=False, help="Extra plain-text seed documents "
                                         "(default: the repository's examples/seeds).")] = None,
    work_dir: Annotated[Path | None, typer.Option(
        "--work-dir", file_okay=False, help="Where to put the temporary corpus and stores "
                                            "(default: the system temp dir).")] = None,
    output_format: TableOrJsonOption = OutputFormat.table,
) -> None:
    """Time the real ingest pipeline on a generated corpus: docs/s, peak memory, re-ingest."""
    from newsloom.eval.throughput import report_to_json as throughput_json
    from newsloom.eval.throughput import run_throughput

    seeds_dir = seeds or default_seeds()
    report = run_throughput(dataset, seeds_dir if seeds_dir.is_dir() else None,
                            html_docs=html_docs, text_docs=text_docs, workers=workers,
                            work_dir=work_dir, console=err_console)
    if output_format is OutputFormat.json:
        emit_json(throughput_json(report))
    else:
        _print_throughput(report)


def _print_throughput(report: ThroughputReport) -> None:
    from newsloom.settings import usable_cpus

    c = report.corpus
    table = Table(title=f"Ingest throughput — {usable_cpus()} cores, "
                        f"{c.html_docs} HTML ({c.html_mib:.0f} MiB, {c.html_seeds} seed pages) + "
                        f"{c.text_docs} text ({c.text_mib:.0f} MiB, {c.text_seeds} seeds)")
    for column in ("run", "workers", "docs", "added", "new versions", "unchanged", "skipped",
                   "seconds", "docs/s", "parent peak MiB", "worker peak MiB", "store MiB"):
        table.add_column(column, justify="left" if column == "run" else "right")
    for r in report.runs:
        table.add_row(r.label, str(r.workers), str(r.documents), str(r.added),
                      str(r.new_versions), str(r.unchanged), str(r.skipped),
                      f"{r.seconds:.1f}", f"{r.docs_per_second:.1f}", f"{r.self_peak_mib:.0f}",
                      f"{r.worker_peak_mib:.0f}", f"{r.store_mib:.1f}")
    out_console.print(table)
    out_console.print(f"1-minute load average: {report.load_before:.1f} before, "
                      f"{report.load_after:.1f} after (above {report.cores} means shared CPUs).")
    out_console.print("Peak memory: the ingest process's own high-water RSS (VmHWM; "
                      "RUSAGE_SELF would include the launcher's peak, as ru_maxrss survives "
                      "exec) and its largest worker's (RUSAGE_CHILDREN ru_maxrss: the maximum "
                      "over reaped children, not their sum; it counts copy-on-write pages "
                      "shared with the parent).")
    for r in report.runs:
        if r.skip_reasons:
            out_console.print(f"{r.label} skip reasons: {r.skip_reasons}")
