"""``newsloom eval``: extraction quality and ingest throughput benchmarks.

Progress bars go to stderr so that ``--format json`` leaves exactly one JSON object on stdout.
Numbers and the commands that produced them are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if TYPE_CHECKING:
    # The benchmarks are imported when their command runs: ``newsloom --help`` stays fast.
    from newsloom.eval.extraction import AebReport, TevReport, TevSystem, TextPath
    from newsloom.eval.throughput import ThroughputReport

app = typer.Typer(
    help="Benchmarks: extraction quality on labelled datasets, and ingest throughput.",
    no_args_is_help=True,
)

_err = Console(stderr=True)
# Piped output (a log file, docs) would otherwise be cut to 80 columns and wrap every cell.
_out = Console(width=None if sys.stdout.isatty() else 160)


class PathChoice(StrEnum):
    html = "html"
    text = "text"
    both = "both"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class Focus(StrEnum):
    balanced = "balanced"
    precision = "precision"
    recall = "recall"


def _default_seeds() -> Path:
    # src/newsloom/eval/cli.py → repository root; only meaningful for an editable install
    return Path(__file__).resolve().parents[3] / "examples" / "seeds"


def _show(output_format: OutputFormat, data: dict[str, Any], table: Callable[[], None]
          ) -> None:
    """One JSON object on stdout, or the rich tables ``table`` prints."""
    if output_format is OutputFormat.json:
        _emit_json(data)
    else:
        table()


def _emit_json(data: dict[str, Any]) -> None:
    # plain write: rich would wrap long lines and break the JSON
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
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
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
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
    with Progress(console=_err, transient=True) as progress:
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
        _emit_json(report_to_json(report))
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
        "failure_reasons": dict(s.failures.reasons),
        "snippets": {"tp": c.tp, "fp": c.fp, "fn": c.fn, "tn": c.tn},
        "with_kept": c.with_kept, "without_removed": c.without_removed,
        "precision": c.precision, "recall": c.recall, "accuracy": c.accuracy,
        "f_score": c.f_score, "seconds": round(s.seconds, 2),
    }
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
    _out.print(table)
    _out.print(f"AEB scorer: 4-token shingles, per-page P/R averaged, F1 of the means "
               f"(no bootstrap). Gold articleBody opens with our extracted title on "
               f"{report.headline_in_gold} of {report.headline_checked} pages with a title.")


def _print_tev(report: TevReport) -> None:
    table = Table(title=f"trafilatura-eval-dev — {report.pages} pages ({report.dataset})")
    columns = ("path", "system", "fail", "with kept", "without removed", "P", "R", "F",
               "title acc", "date acc", "date wrong", "date none")
    for column in columns:
        table.add_column(column, justify="left" if column in ("path", "system") else "right")
    for s in report.systems:
        c = s.snippets
        titles = f"{_f(s.titles.accuracy)} ({s.titles.correct}/{s.titles.pages})" if s.titles \
            else "—"
        dates = s.dates
        table.add_row(
            s.path, s.name, str(s.failures.count),
            # counts next to ratios: a rounded 0.900 may be 942/1047 = 0.8997, below a target
            f"{_f(c.with_kept)} ({c.tp}/{c.tp + c.fn})",
            f"{_f(c.without_removed)} ({c.tn}/{c.tn + c.fp})",
            _f(c.precision), _f(c.recall), _f(c.f_score), titles,
            f"{_f(dates.accuracy)} ({dates.correct}/{dates.pages})" if dates else "—",
            f"{dates.wrong} ({dates.off_by_one} ±1d)" if dates else "—",
            str(dates.abstained) if dates else "—",
        )
    _out.print(table)
    if report.text_model:
        _out.print(f"Shipped text classifier: {report.text_model}")
    _out.print("Snippets match as in trafilatura's evaluation: whitespace-normalised, "
               "case-sensitive substring of the article text (title excluded). "
               "P/R/F: with = TP/FN, without = TN/FP; F = 2TP/(2TP+FP+FN).")


@app.command("text-folds")
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

    for path in train_fold_models(data, out, folds=folds, console=_err):
        _out.print(f"wrote {path}")


@app.command()
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
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
) -> None:
    """Time the real ingest pipeline on a generated corpus: docs/s, peak memory, re-ingest."""
    from newsloom.eval.throughput import report_to_json as throughput_json
    from newsloom.eval.throughput import run_throughput

    seeds_dir = seeds or _default_seeds()
    report = run_throughput(dataset, seeds_dir if seeds_dir.is_dir() else None,
                            html_docs=html_docs, text_docs=text_docs, workers=workers,
                            work_dir=work_dir, console=_err)
    if output_format is OutputFormat.json:
        _emit_json(throughput_json(report))
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
    _out.print(table)
    _out.print(f"1-minute load average: {report.load_before:.1f} before, "
               f"{report.load_after:.1f} after (above {report.cores} means shared CPUs).")
    _out.print("Peak memory: the ingest process's own high-water RSS (VmHWM; RUSAGE_SELF would "
               "include the launcher's peak, as ru_maxrss survives exec) and its largest worker's "
               "(RUSAGE_CHILDREN ru_maxrss: the maximum over reaped children, not their sum; it "
               "counts copy-on-write pages shared with the parent).")
    for r in report.runs:
        if r.skip_reasons:
            _out.print(f"{r.label} skip reasons: {r.skip_reasons}")


@app.command()
def pairs(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="semeval-pairs-dev directory: articles.jsonl + pairs.csv.")],
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
    event_chars: Annotated[int | None, typer.Option(
        "--event-chars", min=100,
        help="Characters of each article the encoder embeds (default: the pipeline's).")
    ] = None,
) -> None:
    """Same-story scorer and clustering on rated article pairs (SemEval-2022 Task 8), beside
    TF-IDF and raw-USE baselines, with bootstrap 95% intervals, per language pair."""
    from newsloom.eval.pairs import evaluate_pairs, pairs_report_json, print_pairs_report

    report = (evaluate_pairs(dataset) if event_chars is None
              else evaluate_pairs(dataset, event_chars=event_chars))
    _show(output_format, pairs_report_json(report), lambda: print_pairs_report(report, _out))


@app.command()
def events(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="events-dev directory: articles.jsonl + labels.json (event and kind per article).")],
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
) -> None:
    """Stories against labelled events: BCubed and pairwise F1, same-kind pairs merged, the
    largest story's purity; newsloom by topic-wise cross-validation, beside a TF-IDF
    average-link and a raw-encoder single-pass baseline."""
    import dataclasses

    from newsloom.eval.events import evaluate_events, print_events_report

    report = evaluate_events(dataset)
    _show(output_format, dataclasses.asdict(report), lambda: print_events_report(report, _out))


@app.command()
def storylines(
    paths: Annotated[list[Path], typer.Argument(
        exists=True, resolve_path=True, help="Files or folders of articles (any input format).")],
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
) -> None:
    """Stories and storylines on a real collection: storylines that chain several stories and
    their labels, label hygiene, and how long stories last by their stated dates."""
    import dataclasses

    from newsloom.eval.storylines import evaluate_storylines, print_storylines_report

    report = evaluate_storylines(paths)
    _show(output_format, dataclasses.asdict(report),
          lambda: print_storylines_report(report, _out))


class ScaleFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def scale(
    articles: Annotated[int, typer.Option(
        "--articles", min=1, help="Synthetic articles to generate and ingest.")] = 50_000,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Articles per ingest + corpus-stage run.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the corpus generator.")] = 13,
    data: Annotated[Path, typer.Option(
        "--data", help="Shared data folder with semeval-pairs-dev/, timeline17-dev/, "
                       "trafilatura-eval-dev/.")] = Path("../shared/data"),
    workdir: Annotated[Path | None, typer.Option(
        "--workdir", file_okay=False, help="Where the corpus and the store go (kept); default: "
                                           "a temporary folder, removed afterwards.")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, help="Extraction worker processes per ingest.")] = 2,
    feature_workers: Annotated[int, typer.Option(
        "--feature-workers", min=1, help="Processes for NER + embeddings (1: in-process).")
    ] = 2,
    storylines_every: Annotated[int, typer.Option(
        "--storylines-every", min=0, help="Update storylines after every N-th batch and the "
                                          "last (0: never; the first update groups every "
                                          "story, later ones relink the stories changed "
                                          "since); timed apart from the per-batch cost.")] = 10,
    output_format: Annotated[ScaleFormat, typer.Option(
        "--format", help="Text tables, or one JSON object on stdout.")] = ScaleFormat.text,
) -> None:
    """Throughput and memory at scale: a synthetic corpus recombined from real articles,
    ingested and clustered incrementally in batches; shows whether batch cost grows."""
    import tempfile

    from newsloom.eval.scale import print_scale_report, run_scale
    from newsloom.eval.scale import report_to_json as scale_json
    from newsloom.eval.scale_corpus import CorpusSpec

    spec = CorpusSpec(articles=articles, seed=seed)
    with tempfile.TemporaryDirectory(prefix="newsloom-scale-") as tmp:
        root = workdir or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        report = run_scale(data.resolve(), root, spec, batch_size=batch_size, workers=workers,
                           feature_workers=feature_workers, storylines_every=storylines_every,
                           console=_err)
    if report is None:
        _err.print(f"no source articles under {data}; scale benchmark skipped")
        return
    if output_format is ScaleFormat.json:
        _emit_json(scale_json(report))
    else:
        print_scale_report(report, _out)


@app.command()
def ner(
    dataset: Annotated[Path | None, typer.Option(
        "--dataset", exists=True, resolve_path=True,
        help="One file in CoNLL-like TSV (idx token tag, IOB2); needs --lang. Without it, "
             "every val set under --data is scored.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of --dataset.")] = None,
    data: Annotated[Path, typer.Option(
        "--data", help="Folder with wikiann/<lang>/ and conll2002/<lang>/ val sets.")
    ] = Path("../shared/data/ner"),
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or JSON (one object per val set).")
    ] = OutputFormat.table,
    clean_mentions: Annotated[bool, typer.Option(
        "--clean-mentions", help="Score after the mention clean-up that entity linking "
                                 "applies (newsloom.enrich.mentions), not the tagger alone.")
    ] = False,
    news_sample: Annotated[Path | None, typer.Option(
        "--news-sample", help="Hand labels (TSV) of entities newsloom reports on real news: "
                              "score entity precision on news instead of val-set F1.")] = None,
    news_data: Annotated[Path, typer.Option(
        "--news-data", help="Folder with semeval-pairs-dev/ and ner/conll2002/nl/ (the "
                            "articles of --news-sample).")] = Path("../shared/data"),
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", help="Folder of seed .txt articles (de, nl).")] = Path("examples/seeds"),
    draw: Annotated[int, typer.Option(
        "--draw", min=0, help="Append N unlabelled reported entities per language (seeded "
                              "random, label '?') to --news-sample, for labelling.")] = 0,
) -> None:
    """Named-entity recognition F1 (exact span + type, seqeval-style; PER/ORG/LOC/MISC), or
    with --news-sample entity precision on news text."""
    from newsloom.eval.ner import evaluate_all, evaluate_file

    if news_sample is not None:
        _news_precision(news_sample, news_data, seeds, draw, output_format)
        return

    if dataset is not None:
        if not lang:
            raise typer.BadParameter("--dataset needs --lang", param_hint="--lang")
        result = evaluate_file(dataset, lang, clean_mentions=clean_mentions)
        if output_format is OutputFormat.json:
            _emit_json({"lang": result.lang, "precision": result.precision,
                        "recall": result.recall, "f1": result.f1,
                        "per_type": result.per_type})
            return
        results = [result]
    else:
        if not data.is_dir():
            raise typer.BadParameter(f"no such folder: {data}", param_hint="--data")
        results = evaluate_all(data, clean_mentions=clean_mentions)
        if output_format is OutputFormat.json:
            _emit_json({"results": [r.to_dict() for r in results]})
            return
    table = Table("val set", "lang", "P", "R", "F1", "PER", "ORG", "LOC", "MISC", "sentences")
    for r in results:
        per = [f"{r.per_type[t]['f1']:.3f}" if t in r.per_type else "—"
               for t in ("PER", "ORG", "LOC", "MISC")]
        table.add_row(r.dataset, r.lang, f"{r.precision:.3f}", f"{r.recall:.3f}",
                      f"{r.f1:.3f}", *per, str(r.sentences))
    _out.print(table)


@app.command()
def timelines(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="timeline17-dev directory: one folder per collection with articles.jsonl, "
             "timelines.jsonl, keywords.json.")],
    workdir: Annotated[Path, typer.Option(
        "--workdir", file_okay=False, help="Per-collection stores are cached here (reruns "
                                           "skip ingest).")] = Path("newsloom-eval-timelines"),
    collection: Annotated[list[str] | None, typer.Option(
        "--collection", help="Only these collections (repeatable).")] = None,
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", help="A rich table, or one JSON object on stdout.")] = OutputFormat.table,
    rouge: Annotated[str, typer.Option(
        "--rouge", help="reimpl: tilse's Python ROUGE; perl: the original ROUGE-1.5.5 "
                        "(needs apt-get install libxml-dom-perl).")] = "reimpl",
) -> None:
    """Timeline17: Date-F1 and alignment/concat ROUGE-1/2 F (tilse), per collection."""
    from newsloom.eval.timelines import evaluate_timelines, print_report, report_to_json

    if rouge not in ("reimpl", "perl"):
        raise typer.BadParameter("use reimpl or perl", param_hint="--rouge")
    report = evaluate_timelines(dataset, workdir, only=collection,
                                rouge_computation="original" if rouge == "perl" else "reimpl",
                                on_collection=lambda name: _err.print(f"collection {name}"))
    if output_format is OutputFormat.json:
        _emit_json(report_to_json(report))
    else:
        print_report(report, _out)


@app.command("search")
def search_latency(
    db: Annotated[Path | None, typer.Option(
        "--db", exists=True, dir_okay=False,
        help="Store to time searches on (it is migrated if older).")] = None,
    queries: Annotated[int, typer.Option("--queries", min=1, help="Queries per mode.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the query sample.")] = 13,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Hits per query.")] = 20,
    pairs: Annotated[Path | None, typer.Option(
        "--pairs", exists=True, file_okay=False,
        help="semeval-pairs-dev folder: also measure same-story partner retrieval.")] = None,
    output_format: Annotated[ScaleFormat, typer.Option(
        "--format", help="Text tables, or one JSON object on stdout.")] = ScaleFormat.text,
) -> None:
    """Search latency (p50/p95/max) per mode over queries drawn from a store's titles and
    entities; with --pairs, how well a title query finds its same-story partner."""
    from dataclasses import asdict

    from newsloom.eval.search import (
        print_pair_retrieval,
        print_search_report,
        run_pair_retrieval,
        run_search_latency,
    )
    from newsloom.store import open_store

    if db is None and pairs is None:
        _err.print("give --db STORE (latency) and/or --pairs DIR (retrieval quality)")
        raise typer.Exit(2)
    result: dict[str, Any] = {}
    if db is not None:
        with open_store(db) as store:
            report = run_search_latency(store, queries, seed, limit)
        result["latency"] = asdict(report)
        if output_format is ScaleFormat.text:
            print_search_report(report, _out)
    if pairs is not None:
        rows = run_pair_retrieval(pairs)
        result["pairs"] = [asdict(r) for r in rows]
        if output_format is ScaleFormat.text:
            print_pair_retrieval(rows, _out)
    if output_format is ScaleFormat.json:
        _emit_json(result)


@app.command("entity-contexts")
def entity_contexts(
    db: Annotated[Path, typer.Option(
        "--db", exists=True, dir_okay=False, resolve_path=True,
        help="A corpus store (newsloom analyze or eval scale output); opened read-only.")],
    sample: Annotated[int, typer.Option("--sample", min=10, help="Entities sampled.")] = 300,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """How often an article's embedding reaches its own entity's context vs another's:
    the evidence behind the similar-name rule's context threshold."""
    from newsloom.eval.contexts import measure, report

    _out.print(report(measure(db, sample=sample, seed=seed)), markup=False)


def _news_precision(sample: Path, data: Path, seeds: Path | None, draw: int,
                    output_format: OutputFormat) -> None:
    from newsloom.eval import ner_news

    results = ner_news.run(sample, data, seeds, draw)
    if output_format is OutputFormat.json:
        _emit_json(ner_news.summary(results))
    else:
        ner_news.print_table(results, _out)
