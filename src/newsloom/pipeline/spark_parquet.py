"""``--parquet DIR``: the article and feature tables of a Spark run, for a data lake.

``DIR/articles`` holds one row per extracted article (the export record's fields; nested
ones as JSON text) and ``DIR/features`` one row per article's per-document features (the
encoder vector, the MinHash signature, the entities as the article names them, the event
terms and date). Both are written by Spark's DataFrame writer from the executors'
partitions, so no table passes through the driver.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsloom.model import Article
from newsloom.pipeline.spark_tasks import PartitionResult
from newsloom.pipeline.stages import ArticleFeatures

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

ARTICLE_SCHEMA = (
    "id string, source_id string, source string, url string, title string, outlet string, "
    "authors array<string>, published string, published_confidence double, "
    "published_source string, published_estimate string, language string, "
    "language_confidence double, text string, removed_lines string, "
    "extraction_flags array<string>, wire_source string")
FEATURE_SCHEMA = (
    "article_id string, embedder string, vector array<float>, minhash array<long>, "
    "entities array<struct<key:string, name:string, type:string, mentions:int, "
    "salience:double, vouched:boolean>>, terms map<string, int>, event_date string")


def article_row(article: Article) -> tuple[Any, ...]:
    record = article.to_record()
    record["published_estimate"] = _json(record["published_estimate"])
    record["removed_lines"] = _json(record["removed_lines"])
    return tuple(record[name.split()[0]] for name in _columns(ARTICLE_SCHEMA))


def feature_row(features: ArticleFeatures, embedder: str) -> tuple[Any, ...]:
    return (features.article_id, embedder,
            [float(x) for x in np.asarray(features.vector, dtype=np.float32)],
            # uint64 hash values as the signed 64-bit integers Parquet stores (same bits).
            features.signature.astype(np.uint64).view(np.int64).tolist(),
            [(e.key, e.name, e.type, e.mentions, float(e.salience), e.vouched)
             for e in features.entities],
            dict(features.terms),
            features.event_date.encode() if features.event_date else None)


def _articles(results: Iterable[PartitionResult]) -> Iterator[tuple[Any, ...]]:
    for result in results:
        for item in result.extracted.values():
            if isinstance(item, Article):
                yield article_row(item)


def _features(embedder: str, results: Iterable[PartitionResult]
              ) -> Iterator[tuple[Any, ...]]:
    for result in results:
        for features in result.features.values():
            yield feature_row(features, embedder)


def write_tables(session: SparkSession, results: RDD[PartitionResult], folder: Path,
                 embedder: str) -> None:
    """Write ``folder/articles`` and ``folder/features`` (replacing earlier tables)."""
    from functools import partial

    articles = session.createDataFrame(results.mapPartitions(_articles), ARTICLE_SCHEMA)
    articles.write.mode("overwrite").parquet(str(folder / "articles"))
    features = session.createDataFrame(results.mapPartitions(partial(_features, embedder)),
                                       FEATURE_SCHEMA)
    features.write.mode("overwrite").parquet(str(folder / "features"))


def _columns(schema: str) -> list[str]:
    """Top-level column declarations of a DDL schema (commas inside <...> do not split)."""
    columns, depth, start = [], 0, 0
    for i, char in enumerate(schema):
        depth += {"<": 1, ">": -1}.get(char, 0)
        if char == "," and depth == 0:
            columns.append(schema[start:i].strip())
            start = i + 1
    columns.append(schema[start:].strip())
    return columns


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
