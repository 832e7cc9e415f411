"""``newsloom spark analyze``: the per-document stages on Apache Spark, then the corpus stage.

pyspark (the ``spark`` extra) is imported only when the command runs, by
:mod:`newsloom.pipeline.spark`; see docs/scale.md for running on a cluster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from newsloom.cli.checks import require_paths, stop_on_ctrl_c

spark_app = typer.Typer(help="Run the pipeline on Apache Spark (the spark extra; Java 17).",
                        no_args_is_help=True)
err = Console(stderr=True)

StoreOption = Annotated[str, typer.Option(
    "--db", envvar="NEWSLOOM_DB",
    help="The store: a postgresql:// URL reachable from the driver and every executor "
    "(they write), or a SQLite file (local masters only: executors on this machine).")]


@spark_app.command("analyze")
def analyze(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders (searched recursively).", exists=False)],
    db: StoreOption = "newsloom.db",
    master: Annotated[str, typer.Option(
        "--master", help="Spark master URL; ignored under spark-submit, which sets it.")
    ] = "local[2]",
    partitions: Annotated[int | None, typer.Option(
        "--partitions", min=1, help="Partitions (each one write transaction); default: "
        "one per split. Also cuts large JSONL and WARC files into smaller splits so the "
        "inputs fill about this many, or without it one per core of the session "
        "(splits of at least 1 MB).")] = None,
    split_mb: Annotated[float, typer.Option(
        "--split-mb", min=0.0, help="Cut uncompressed JSONL and WARC files larger than "
        "this into ranges of about this size, read by separate tasks (0: never).")] = 64.0,
    parquet: Annotated[Path | None, typer.Option(
        "--parquet", help="Also write the article and feature tables here (Parquet).")
    ] = None,
) -> None:
    """Ingest PATHS with Spark executors (read, extract, NER, entity linking, embeddings,
    MinHash; the executors store the results), then cluster duplicates, stories and
    storylines in ingest order."""
    require_paths(paths)
    try:
        import pyspark  # noqa: F401  # only to say what is missing before any work
    except ImportError as exc:
        err.print("[red]newsloom spark needs pyspark[/]: pip install 'newsloom[spark]' "
                  "(and Java 17)")
        raise typer.Exit(1) from exc
    from newsloom.cli.summaries import ingest_summary
    from newsloom.pipeline.spark import SparkOptions
    from newsloom.pipeline.spark import analyze as run_spark
    from newsloom.store import open_store
    from newsloom.text.counts import counted

    options = SparkOptions(master=master, partitions=partitions, split_mb=split_mb,
                           parquet=parquet)
    with stop_on_ctrl_c():
        store = open_store(db)
        try:
            run = run_spark(paths, store, db, options)
        finally:
            store.close()
    stats = run.stats
    err.print(f"{counted(run.splits, 'split')} in {counted(run.partitions, 'partition')}; "
              f"{ingest_summary(stats)}; {run.clustered:,} clustered, "
              f"{counted(run.storylines, 'storyline')}", highlight=False)
    if parquet is not None:
        err.print(f"parquet tables: {escape(str(parquet / 'articles'))} and "
                  f"{escape(str(parquet / 'features'))}", soft_wrap=True)
