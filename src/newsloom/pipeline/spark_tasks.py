"""What a Spark executor runs: input splits, and read → extract → features per partition.

Nothing here imports pyspark or the store: a task is a plain function of its splits, so it
runs the same in a Spark Python worker, in a test, or in this process. The models (line
classifier, NER per language, the encoder) are the process-wide lazy singletons of
:mod:`newsloom.pipeline.stages` and its modules (``get_embedder`` is an ``lru_cache``, NER keeps
one model per language in a module dict): the first task in a Python worker loads them, and
every later task in that worker reuses them, since Spark reuses its Python workers
(``spark.python.worker.reuse``, on by default, set explicitly by the runner).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from newsloom.extract import ExtractOptions
from newsloom.ingest import ReadOptions, read_path
from newsloom.model import Article, RawDocument, Skip
from newsloom.pipeline.ingest import extract_or_skip
from newsloom.pipeline.stages import ArticleFeatures, featurize
from newsloom.settings import configure, settings

#: Files of these kinds can be cut into record blocks without reading them twice on the
#: driver: a newline count bounds their records. A WARC (or anything gzipped) is one split.
SPLITTABLE_SUFFIXES = (".jsonl",)
#: Articles featurized at once inside a task: bounds a task's memory, keeps batched NER and
#: encoder calls efficient.
FEATURE_CHUNK = 256
#: BLAS threads per task: Spark runs one Python worker per executor core.
TASK_THREADS = 1


@dataclass(frozen=True, slots=True)
class Split:
    """Documents ``first`` to ``last`` (exclusive; None: to the end) of one input file, in the
    order :func:`newsloom.ingest.read_path` yields them. Splits of a file are contiguous and
    listed in order, so the documents of all splits, in split order, are the file's."""

    path: str
    first: int = 0
    last: int | None = None


@dataclass(slots=True)
class PartitionResult:
    """What one partition sends back: every input it met in order, each document's extraction
    result and each article's features (by document id)."""

    items: list[RawDocument | Skip] = field(default_factory=list)
    extracted: dict[str, Article | Skip] = field(default_factory=dict)
    features: dict[str, ArticleFeatures] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TaskOptions:
    """Everything a task needs from the driver, shipped with it: a cluster's executors have
    neither the driver's ``--set`` options nor its ``newsloom.toml``."""

    read: ReadOptions
    extract: ExtractOptions
    embedder: str
    event_chars: int
    settings: dict[str, Any]


def task_options(read: ReadOptions, extract: ExtractOptions, embedder: str) -> TaskOptions:
    knobs = settings()
    return TaskOptions(read, extract, embedder, knobs.event_chars, dataclasses.asdict(knobs))


def plan_splits(files: Sequence[Path], split_bytes: int) -> list[Split]:
    """One split per file, and for an uncompressed JSONL file larger than ``split_bytes``
    about ``size / split_bytes`` splits of contiguous record blocks (lines bound the records;
    the last block takes whatever remains)."""
    splits: list[Split] = []
    for path in files:
        size = path.stat().st_size
        parts = math.ceil(size / split_bytes) if split_bytes > 0 else 1
        if parts <= 1 or path.suffix.lower() not in SPLITTABLE_SUFFIXES:
            splits.append(Split(str(path)))
            continue
        lines = _count_lines(path)
        parts = max(1, min(parts, lines))
        block = math.ceil(lines / parts)
        splits.extend(Split(str(path), k * block, (k + 1) * block if k < parts - 1 else None)
                      for k in range(parts))
    return splits


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 22):
            lines += chunk.count(b"\n")
    return lines + 1  # a last line without a newline


def run_partition(options: TaskOptions, splits: Iterable[Split]) -> Iterator[PartitionResult]:
    """The per-document stages of one partition: read each split, extract each document and
    featurize the articles (NER, entity linking, embedding, MinHash). One result per
    partition, so the driver stores a partition as one transaction."""
    if dataclasses.asdict(settings()) != options.settings:
        configure(options=options.settings)  # the driver's values, whatever this host has
    result = PartitionResult()
    articles: list[Article] = []
    for split in splits:
        # A split that ends early leaves the reader generator unfinished: it is dropped (and
        # its file closed) when the loop ends, the only reference being gone.
        for item in islice(read_path(Path(split.path), options.read), split.first, split.last):
            result.items.append(item)
            if isinstance(item, Skip) or item.id in result.extracted:
                continue
            extracted = extract_or_skip(item, options.extract)
            result.extracted[item.id] = extracted
            if isinstance(extracted, Article):
                articles.append(extracted)
    for start in range(0, len(articles), FEATURE_CHUNK):
        for features in featurize(articles[start:start + FEATURE_CHUNK], options.embedder,
                                  threads=TASK_THREADS, event_chars=options.event_chars):
            result.features[features.article_id] = features
    yield result
