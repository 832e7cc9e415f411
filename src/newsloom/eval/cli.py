"""``newsloom eval``: every benchmark, each a command; extraction and throughput live in
:mod:`newsloom.eval.cli_extraction`.

Progress bars go to stderr so that ``--format json`` leaves exactly one JSON object on stdout.
Numbers and the commands that produced them are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from newsloom.eval import cli_extraction
from newsloom.eval.cli_common import (
    OutputFormat,
    TableOrJsonOption,
    emit_json,
    err_console,
    out_console,
    show,
)

if TYPE_CHECKING:
    # The benchmarks are imported when their command runs: ``newsloom --help`` stays fast.
    from click import Context

# Help panels, in pipeline order: `newsloom eval --help` groups every command under its stage.
EXTRACTION = "Extraction"
ENTITIES = "Entities"
STORIES = "Stories and storylines"
TIMELINES_SEARCH = "Timelines and search"
SPEED = "Speed and scale"
PANELS = (EXTRACTION, ENTITIES, STORIES, TIMELINES_SEARCH, SPEED)


class _ByStage(TyperGroup):
    """Lists the commands stage by stage: Typer draws the panels in the order it meets them."""

    def list_commands(self, ctx: Context) -> list[str]:
        def stage(name: str) -> int:
            panel = getattr(self.commands[name], "rich_help_panel", None)
            return PANELS.index(panel) if panel in PANELS else -1

        return sorted(super().list_commands(ctx), key=stage)


app = typer.Typer(
    help="Benchmarks of every stage on labelled data (under ../shared/data), each beside "
    "baselines run in the same command; the numbers and their commands are in "
    "docs/benchmarks.md.",
    no_args_is_help=True,
    cls=_ByStage,
)

app.command(rich_help_panel=EXTRACTION)(cli_extraction.extraction)
app.command("text-folds", rich_help_panel=EXTRACTION)(cli_extraction.text_folds)
app.command(rich_help_panel=SPEED)(cli_extraction.throughput)


@app.command(rich_help_panel=EXTRACTION)
def dates(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="A folder with articles.jsonl, or of such folders (timeline17-dev).")],
    output_format: TableOrJsonOption = OutputFormat.table,
) -> None:
    """Plain-text publication dates against the records' declared dates (removed first).

    Correct / wrong / none per collection and overall, beside a naive first-date reader.
    """
    from newsloom.eval.text_dates import evaluate_text_dates, print_report, report_to_json

    report = evaluate_text_dates(dataset)
    show(output_format, report_to_json(report), lambda: print_report(report, out_console))


@app.command(rich_help_panel=STORIES)
def pairs(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="semeval-pairs-dev directory: articles.jsonl + pairs.csv.")],
    output_format: TableOrJsonOption = OutputFormat.table,
    event_chars: Annotated[int | None, typer.Option(
        "--event-chars", min=100,
        help="Characters of each article the encoder embeds (default: the pipeline's).")
    ] = None,
) -> None:
    """Same-story scorer and clustering on rated article pairs (SemEval-2022 Task 8).

    Beside TF-IDF and raw-USE baselines, with bootstrap 95% intervals, per language pair.
    """
    from newsloom.eval.pairs import evaluate_pairs, pairs_report_json, print_pairs_report

    report = (evaluate_pairs(dataset) if event_chars is None
              else evaluate_pairs(dataset, event_chars=event_chars))
    show(output_format, pairs_report_json(report), lambda: print_pairs_report(report, out_console))


@app.command(rich_help_panel=STORIES)
def events(
    dataset: Annotated[Path, typer.Option(
        "--dataset", exists=True, file_okay=False, resolve_path=True,
        help="events-dev directory: articles.jsonl + labels.json (event and kind per article).")],
    output_format: TableOrJsonOption = OutputFormat.table,
) -> None:
    """Stories against labelled events: BCubed and pairwise F1.

    Also same-kind pairs merged and the largest story's purity; newsloom by topic-wise
    cross-validation, beside a TF-IDF average-link and a raw-encoder single-pass baseline.
    """
    import dataclasses

    from newsloom.eval.events import evaluate_events, print_events_report

    report = evaluate_events(dataset)
    show(output_format, dataclasses.asdict(report),
         lambda: print_events_report(report, out_console))


@app.command(rich_help_panel=STORIES)
def storylines(
    paths: Annotated[list[Path], typer.Argument(
        exists=True, resolve_path=True, help="Files or folders of articles (any input format).")],
    output_format: TableOrJsonOption = OutputFormat.table,
) -> None:
    """Stories and storylines on a real, unlabelled collection.

    Storylines that chain several stories and their labels, label hygiene, and how long
    stories last by their stated dates.
    """
    import dataclasses

    from newsloom.eval.storylines import evaluate_storylines, print_storylines_report

    report = evaluate_storylines(paths)
    show(output_format, dataclasses.asdict(report),
          lambda: print_storylines_report(report, out_console))


class ScaleFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(rich_help_panel=SPEED)
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
    db: Annotated[str | None, typer.Option(
        "--db", help="An empty PostgreSQL database (postgresql:// URL) to build the store "
                     "in; default: a SQLite file in the work folder.")] = None,
    spark_master: Annotated[str | None, typer.Option(
        "--spark", help="Run every batch through the Spark runner on this master, e.g. "
                        "local[2] (default: the in-process pipeline).")] = None,
) -> None:
    """Throughput and memory at scale, ingested and clustered in batches.

    A synthetic corpus recombined from real articles, ingested and clustered incrementally
    in batches; shows whether batch cost grows.
    """
    import tempfile

    from newsloom.eval.scale import print_scale_report, run_scale
    from newsloom.eval.scale import report_to_json as scale_json
    from newsloom.eval.scale_corpus import CorpusSpec

    spec = CorpusSpec(articles=articles, seed=seed)
    with tempfile.TemporaryDirectory(prefix="newsloom-scale-") as tmp:
        root = workdir or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        spark = None
        if spark_master:
            from newsloom.pipeline.spark import SparkOptions

            spark = SparkOptions(master=spark_master)
        try:
            report = run_scale(data.resolve(), root, spec, batch_size=batch_size,
                               workers=workers, feature_workers=feature_workers,
                               storylines_every=storylines_every, console=err_console,
                               db=db, spark=spark)
        except ValueError as exc:
            err_console.print(f"error: {exc}")
            raise typer.Exit(2) from None
    if report is None:
        err_console.print(f"no source articles under {data}; scale benchmark skipped")
        return
    if output_format is ScaleFormat.json:
        emit_json(scale_json(report))
    else:
        print_scale_report(report, out_console)


@app.command(rich_help_panel=ENTITIES)
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
        "--news-data", help="Folder with semeval-pairs-dev/, ner/conll2002/nl/ and "
                            "trafilatura-eval-dev/ (the articles of --news-sample).")
    ] = Path("../shared/data"),
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", help="Folder of seed .txt articles (de, nl).")] = Path("examples/seeds"),
    draw: Annotated[int, typer.Option(
        "--draw", min=0, help="Append N unlabelled reported entities per language (seeded "
                              "random, label '?') to --news-sample, for labelling.")] = 0,
    unconfirmed: Annotated[bool, typer.Option(
        "--unconfirmed", help="With --news-sample: score every entity linking found, also "
        "those newsloom does not list (one article, nothing vouching for them).")] = False,
    rounds: Annotated[list[int] | None, typer.Option(
        "--round", help="With --news-sample: score only the labels of this labelling round "
        "(the note's 'round N'); repeat for several.")] = None,
) -> None:
    """Named-entity recognition F1, or with --news-sample entity precision on news.

    F1 is exact span + type, seqeval-style, over PER/ORG/LOC/MISC.
    """
    from newsloom.eval.ner import evaluate_all, evaluate_file

    if news_sample is not None:
        _news_precision(news_sample, news_data, seeds, draw, output_format,
                        unconfirmed, frozenset(rounds or ()))
        return

    if dataset is not None:
        if not lang:
            raise typer.BadParameter("--dataset needs --lang", param_hint="--lang")
        result = evaluate_file(dataset, lang, clean_mentions=clean_mentions)
        if output_format is OutputFormat.json:
            emit_json({"lang": result.lang, "precision": result.precision,
                        "recall": result.recall, "f1": result.f1,
                        "per_type": result.per_type})
            return
        results = [result]
    else:
        if not data.is_dir():
            raise typer.BadParameter(f"no such folder: {data}", param_hint="--data")
        results = evaluate_all(data, clean_mentions=clean_mentions)
        if output_format is OutputFormat.json:
            emit_json({"results": [r.to_dict() for r in results]})
            return
    table = Table("val set", "lang", "P", "R", "F1", "PER", "ORG", "LOC", "MISC", "sentences")
    for r in results:
        per = [f"{r.per_type[t]['f1']:.3f}" if t in r.per_type else "—"
               for t in ("PER", "ORG", "LOC", "MISC")]
        table.add_row(r.dataset, r.lang, f"{r.precision:.3f}", f"{r.recall:.3f}",
                      f"{r.f1:.3f}", *per, str(r.sentences))
    out_console.print(table)


@app.command(rich_help_panel=TIMELINES_SEARCH)
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
    output_format: TableOrJsonOption = OutputFormat.table,
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
                                on_collection=lambda name: err_console.print(f"collection {name}"))
    if output_format is OutputFormat.json:
        emit_json(report_to_json(report))
    else:
        print_report(report, out_console)


@app.command("search", rich_help_panel=TIMELINES_SEARCH)
def search_latency(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH",
        help="Store to time searches on: a SQLite file or a postgresql:// URL (it is migrated "
        "if older).")] = None,
    queries: Annotated[int, typer.Option("--queries", min=1, help="Queries per mode.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the query sample.")] = 13,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Hits per query.")] = 20,
    pairs: Annotated[Path | None, typer.Option(
        "--pairs", exists=True, file_okay=False,
        help="semeval-pairs-dev folder: also measure same-story partner retrieval.")] = None,
    output_format: Annotated[ScaleFormat, typer.Option(
        "--format", help="Text tables, or one JSON object on stdout.")] = ScaleFormat.text,
) -> None:
    """Search latency (p50/p95/max) per mode; with --pairs, same-story retrieval.

    Queries are drawn from a store's titles and entities; with --pairs, how well a title
    query finds its same-story partner.
    """
    from dataclasses import asdict

    from newsloom.eval.search import (
        print_pair_retrieval,
        print_search_report,
        run_pair_retrieval,
        run_search_latency,
    )
    from newsloom.store import is_server_url, open_store

    if db is None and pairs is None:
        err_console.print("give --db STORE (latency) and/or --pairs DIR (retrieval quality)")
        raise typer.Exit(2)
    if db is not None and not is_server_url(db) and not Path(db).is_file():
        # A URL is kept as given (a Path would fold its "//"); a file must exist, as the
        # store would otherwise be created empty.
        err_console.print(f"no store file at {db}: give an existing store or a postgresql:// URL")
        raise typer.Exit(2)
    result: dict[str, Any] = {}
    if db is not None:
        with open_store(db) as store:
            report = run_search_latency(store, queries, seed, limit)
        result["latency"] = asdict(report)
        if output_format is ScaleFormat.text:
            print_search_report(report, out_console)
    if pairs is not None:
        rows = run_pair_retrieval(pairs)
        result["pairs"] = [asdict(r) for r in rows]
        if output_format is ScaleFormat.text:
            print_pair_retrieval(rows, out_console)
    if output_format is ScaleFormat.json:
        emit_json(result)


@app.command("entity-contexts", rich_help_panel=ENTITIES)
def entity_contexts(
    db: Annotated[Path, typer.Option(
        "--db", exists=True, dir_okay=False, resolve_path=True,
        help="A corpus store (newsloom analyze or eval scale output); opened read-only.")],
    sample: Annotated[int, typer.Option("--sample", min=10, help="Entities sampled.")] = 300,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """How often an article's embedding is nearer its own entity's context than another's.

    The evidence behind the similar-name rule's context threshold.
    """
    from newsloom.eval.contexts import measure, report

    out_console.print(report(measure(db, sample=sample, seed=seed)), markup=False)


def _news_precision(sample: Path, data: Path, seeds: Path | None, draw: int,
                    output_format: OutputFormat, unconfirmed: bool = False,
                    rounds: frozenset[int] = frozenset()) -> None:
    from newsloom.eval import ner_news

    results = ner_news.run(sample, data, seeds, draw, unconfirmed, rounds)
    if output_format is OutputFormat.json:
        emit_json(ner_news.summary(results))
    else:
        ner_news.print_table(results, out_console)
