"""The ``newsloom`` command line.

Start-up imports only Typer, Rich and the option declarations: each command imports the
pipeline, the store, the encoders or FastAPI when it runs, so that ``newsloom --help`` and
``newsloom version`` answer at once (tests/test_cli_startup.py keeps it so).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from newsloom import __version__
from newsloom.cli import article as cli_article
from newsloom.cli import config as cli_config
from newsloom.cli import corpus as cli_corpus
from newsloom.cli import monitor as cli_monitor
from newsloom.cli import search as cli_search
from newsloom.cli import serve as cli_serve
from newsloom.cli import timeline as tl
from newsloom.cli.checks import existing_store, require_paths, require_store, stop_on_ctrl_c
from newsloom.cli.db import db_app
from newsloom.cli.export import export_app
from newsloom.cli.help import NewcomerGroup
from newsloom.cli.logs import configure_logging, stderr_console
from newsloom.cli.options import DEFAULT_DB, DbOption
from newsloom.cli.output import (
    FormatOption,
    LegacyJsonOption,
    LimitOption,
    OffsetOption,
    OutputFormat,
    legacy_json,
)
from newsloom.cli.spark import spark_app
from newsloom.cli.summaries import ingest_summary
from newsloom.eval.cli import app as eval_app
from newsloom.text.counts import counted

if TYPE_CHECKING:
    from rich.progress import Progress

    from newsloom.alerts.match import AlertingCorpus
    from newsloom.model import IngestStats
    from newsloom.pipeline.ingest import PipelineOptions
    from newsloom.store.ports import Backend, IngestSink

app = typer.Typer(
    help="newsloom: turn piles of messy multilingual news into clean articles, stories and "
    "timelines — offline.",
    no_args_is_help=True,
    add_completion=False,
    cls=NewcomerGroup,
)
app.add_typer(export_app, name="export")
app.add_typer(eval_app, name="eval")
app.add_typer(db_app, name="db")
app.add_typer(spark_app, name="spark")
app.command("search")(cli_search.search)
app.command("config")(cli_config.config)
app.add_typer(cli_monitor.sources_app, name="sources")
app.add_typer(cli_monitor.watch_app, name="watch")
app.command("fetch")(cli_monitor.fetch)
app.command("alerts")(cli_monitor.alerts)

err = stderr_console()
out = Console()

PathsArgument = Annotated[
    list[Path], typer.Argument(help="Files or folders (searched recursively).", exists=False)
]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-w", min=0, help="Extraction processes; 0 = one per core.")
]


def _print_version(value: bool) -> None:
    if value:
        out.print(__version__)
        raise typer.Exit()


@app.callback()
def main_callback(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Log errors only.")] = False,
    show_version: Annotated[bool, typer.Option(
        "--version", help="Print the newsloom version and exit.", is_eager=True,
        callback=_print_version)] = False,
    config: cli_config.ConfigOption = None, assignments: cli_config.SetOption = None,
) -> None:
    knobs = cli_config.load_or_exit(config, assignments)
    level = (logging.DEBUG if verbose else logging.ERROR if quiet
             else getattr(logging, knobs.log_level.upper()))
    configure_logging(level, err)


@app.command()
def version() -> None:
    """Print the newsloom version."""
    out.print(__version__)


@contextmanager
def _store(db: Path) -> Iterator[Backend]:
    from newsloom.store import open_store

    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def _pipeline_options(workers: int | None, max_mb: float | None) -> PipelineOptions:
    from newsloom.extract import ExtractOptions
    from newsloom.ingest import ReadOptions
    from newsloom.pipeline.ingest import PipelineOptions

    # Without the options, ReadOptions and PipelineOptions take the settings' values.
    read = ReadOptions() if max_mb is None else ReadOptions(max_bytes=int(max_mb * 1024 * 1024))
    if workers:
        return PipelineOptions(read=read, extract=ExtractOptions(), workers=workers)
    return PipelineOptions(read=read, extract=ExtractOptions())


def _progress_bar(stage: str, unit: str) -> Progress:
    """A bar on stderr (stdout stays clean for the report), gone when the stage ends; none
    when stderr is a file or a pipe, where it would leave a blank line in the log."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn(f"[bold]{stage}[/]"), BarColumn(), MofNCompleteColumn(),
                    TextColumn(unit), TimeElapsedColumn(), console=err, transient=True,
                    disable=not err.is_terminal)


def _run_ingest(paths: list[Path], store: IngestSink, options: PipelineOptions
                ) -> IngestStats:
    from newsloom.pipeline.ingest import ingest

    progress = _progress_bar("ingest", "files")
    with progress:
        task = progress.add_task("ingest", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        stats = ingest(paths, store, options, on_progress)
    err.print(ingest_summary(stats))
    return stats


def _run_corpus(store: AlertingCorpus) -> None:
    """Entities, duplicates, stories and storylines for every article that has none yet."""
    from newsloom.pipeline.corpus import build_stories, update_storylines

    progress = _progress_bar("stories", "articles")
    with progress:
        task = progress.add_task("stories", total=None)
        done = build_stories(store, on_progress=lambda d, t: progress.update(
            task, completed=d, total=t))
    lines = update_storylines(store)
    err.print(f"{counted(done, 'article')} clustered; {counted(len(lines), 'storyline')}")
    if store.watchlists():  # watchlists hear `analyze` as they hear `fetch` (issue 16)
        from newsloom.alerts.after_corpus import alert_after_corpus

        raised, sent = alert_after_corpus(store)
        err.print(f"{counted(raised.alerts, 'alert')} raised; "
                  f"{counted(sent.sent, 'delivery')} sent")


MaxMbOption = Annotated[float | None, typer.Option(
    "--max-mb", min=0.01, help="Skip documents larger than this (MB; default: the "
    "max_document_mb setting, 5).")]
ReportDirOption = Annotated[Path | None, typer.Option(
    "--report-dir", help="Where report.md and report.html go (default: beside the store, "
    "<db>.report/, e.g. newsloom.db.report/; or the report_dir setting).")]


@app.command("ingest")
def ingest_command(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = 0,
    max_mb: MaxMbOption = None,
) -> None:
    """Read .txt, .html(.gz), .jsonl, .warc(.gz) and RSS/Atom files into the store.

    Re-ingesting the same input changes nothing; an interrupted run resumes when rerun.
    """
    require_paths(paths)
    with stop_on_ctrl_c(), _store(db) as store:
        _run_ingest(paths, store, _pipeline_options(workers or None, max_mb))


@app.command()
def analyze(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    report_dir: ReportDirOption = None,
    workers: WorkersOption = 0,
    max_mb: MaxMbOption = None,
    print_report: Annotated[
        bool, typer.Option("--print/--no-print", help="Print the report to the terminal.")
    ] = True,
) -> None:
    """Ingest PATHS, run every pipeline stage, and write report.md and report.html."""
    from rich.markdown import Markdown

    from newsloom.report import write_report

    require_paths(paths)
    with stop_on_ctrl_c(), _store(db) as store:
        _run_ingest(paths, store, _pipeline_options(workers or None, max_mb))
        _run_corpus(store)
        md, html = write_report(store, _report_dir(report_dir, db))
    if print_report:
        out.print(Markdown(md.read_text(encoding="utf-8")))
    _say_where_report_is(md, html)


def _report_dir(option: Path | None, db: Path) -> Path:
    """--report-dir, else the report_dir setting, else beside the store (``<db>.report/``)."""
    from newsloom.report import default_report_dir
    from newsloom.settings import settings

    if option is not None:
        return option
    configured = settings().report_dir
    return Path(configured) if configured else default_report_dir(db)


def _say_where_report_is(md: Path, html: Path) -> None:
    err.print(f"report written to {md.parent}/: {md.name} and {html.name}", markup=False,
              highlight=False)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    report_dir: ReportDirOption = None,
) -> None:
    """Write report.md and report.html for what the store holds."""
    from newsloom.report import write_report

    with existing_store(db) as store:
        md, html = write_report(store, _report_dir(report_dir, db))
    _say_where_report_is(md, html)


@app.command()
def show(
    article: cli_article.ArticleArgument, db: DbOption = DEFAULT_DB,
    removed: cli_article.RemovedOption = False,
    fmt: FormatOption = OutputFormat.table, as_json: LegacyJsonOption = False,
) -> None:
    """Show one article: metadata, clean text and (with --removed) what was removed and why."""
    with existing_store(db) as store:
        cli_article.show_command(store, db, article, removed,
                                 legacy_json(fmt, as_json, OutputFormat.json))


@app.command()
def stories(
    db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
    fmt: FormatOption = OutputFormat.table, limit: LimitOption = 50, offset: OffsetOption = 0,
    as_json: LegacyJsonOption = False,
) -> None:
    """List stories: articles about one event in any language, largest first."""
    with existing_store(db) as store:
        cli_corpus.stories_command(store, db, lang, legacy_json(fmt, as_json, OutputFormat.jsonl),
                                   limit, offset)


@app.command()
def storylines(
    db: DbOption = DEFAULT_DB, lang: cli_corpus.LangOption = None,
    fmt: FormatOption = OutputFormat.table, limit: LimitOption = 50, offset: OffsetOption = 0,
    as_json: LegacyJsonOption = False,
) -> None:
    """List storylines: stories chained by the same actors over time."""
    with existing_store(db) as store:
        cli_corpus.storylines_command(store, db, lang,
                                      legacy_json(fmt, as_json, OutputFormat.jsonl), limit, offset)


@app.command()
def entities(
    name: Annotated[str | None, typer.Argument(help="Show one: id, name or any alias.")] = None,
    db: DbOption = DEFAULT_DB, fmt: FormatOption = OutputFormat.table,
    limit: LimitOption = 50, offset: OffsetOption = 0, as_json: LegacyJsonOption = False,
    unconfirmed: Annotated[bool, typer.Option(
        "--unconfirmed", help="Also list entities only one article names and nothing vouches "
                              "for (kept, but not listed by default).")] = False,
) -> None:
    """List canonical entities with their aliases by language, or show one.

    Listed are the confirmed ones: named in two or more articles, persons named in full, and
    names an article vouches for (a gazetteer knows them, a known name stands in one list
    with them, or a noun of their kind introduces them: "the Russian operator MTS").
    """
    with existing_store(db) as store:
        cli_corpus.entities_command(store, db, name,
                                    legacy_json(fmt, as_json, OutputFormat.jsonl), limit, offset,
                                    unconfirmed)


@app.command()
def compare(
    pairs: Annotated[Path, typer.Option("--pairs", help="CSV with columns id1,id2.")],
    db: DbOption = DEFAULT_DB, fmt: FormatOption = OutputFormat.csv,
) -> None:
    """Same-story probability for article pairs (source_ids or ids): id1,id2,score,related
    (CSV unless --format says otherwise)."""
    with existing_store(db) as store:
        cli_corpus.compare_command(store, db, pairs, fmt)


@app.command()
def timeline(
    story: tl.StoryOption = None, storyline: tl.StorylineOption = None,
    entity: tl.EntityOption = None, query: tl.QueryOption = None,
    date_from: tl.FromOption = None, date_to: tl.ToOption = None,
    max_dates: tl.MaxDatesOption = 10, sentences_per_date: tl.SentencesOption = 2,
    lang: tl.TimelineLangOption = None, fmt: tl.TimelineFormatOption = tl.TimelineFormat.md,
    output: tl.TimelineOutputOption = None, db: DbOption = DEFAULT_DB,
) -> None:
    """Dated timeline of a story, storyline, entity or query; undated material listed apart."""
    from newsloom.model import TimelineRequest

    request = TimelineRequest(story, storyline, entity, query, date_from, date_to, max_dates,
                              sentences_per_date, lang)
    with existing_store(db) as store:
        tl.timeline_command(store, db, request, fmt, output)


@app.command()
def summary(
    story: tl.StoryOption = None, storyline: tl.StorylineOption = None,
    lang: tl.TimelineLangOption = None, fmt: FormatOption = OutputFormat.table,
    as_json: LegacyJsonOption = False, db: DbOption = DEFAULT_DB,
) -> None:
    """Extractive summary (3-5 cited sentences) of a story or storyline."""
    with existing_store(db) as store:
        tl.summary_command(store, db, story, storyline, lang, fmt, as_json)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB, host: cli_serve.HostOption = "127.0.0.1",
    port: cli_serve.PortOption = 8000, token_env: cli_serve.TokenEnvOption = cli_serve.TOKEN_ENV,
    protect_reads: cli_serve.ProtectOption = False,
    max_upload_mb: cli_serve.MaxUploadOption = None,
) -> None:
    """HTTP API (/api/, /openapi.json) and web UI (/) over the store; loopback by default."""
    require_store(db)
    cli_serve.serve_command(db, host, port, token_env, protect_reads, max_upload_mb)


def main() -> None:
    app()
