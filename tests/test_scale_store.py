"""Store indexes behind the per-batch (not per-corpus) cost of the corpus stages: the LSH
band table, per-batch entity loading, and the migration that backfills both."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH

from newsloom.enrich.resolve import EntityResolver
from newsloom.model import Article, ArticleEntity, RawDocument
from newsloom.pipeline.corpus import build_stories
from newsloom.pipeline.entities import StoredEntities
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.represent.minhash import (
    DUPLICATE_JACCARD,
    LSH_BANDS,
    LSH_ROWS,
    NUM_PERM,
    BandedDuplicateIndex,
    DuplicateIndex,
    bands,
)
from newsloom.store import SQLiteStore
from newsloom.store.records import FeatureRow
from newsloom.store.sqlite.schema import MIGRATIONS
from newsloom.store.sqlite.store import _split_sql

ROOT = Path(__file__).parents[1]


def _article(article_id: str) -> tuple[RawDocument, Article]:
    doc = RawDocument(id=article_id, source_id=article_id, source=article_id,
                      version_key=article_id, content_type="text", content=article_id)
    return doc, Article(id=article_id, source_id=article_id, source=article_id, url=None,
                        title=None, outlet=None, authors=[], published=None,
                        published_estimate=None, language="en", language_confidence=1.0,
                        text=article_id)


def _signatures(seed: int = 5, count: int = 300) -> list[tuple[str, np.ndarray]]:
    """Random signatures plus copies sharing 0–64 of the values of an earlier one, so some
    share whole LSH bands above the duplicate threshold, some below it, some none."""
    rng = np.random.default_rng(seed)
    items: list[tuple[str, np.ndarray]] = []
    for k in range(count):
        sig = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
        if items and k % 2:
            _, original = items[int(rng.integers(len(items)))]
            keep = rng.random(NUM_PERM) < rng.choice([0.1, 0.5, 0.7, 0.9, 1.0])
            sig = np.where(keep, original, sig).astype(np.uint64)
        items.append((f"a{k:04d}", sig))
    return items


def test_pinned_banding_is_datasketchs_choice() -> None:
    lsh = MinHashLSH(threshold=DUPLICATE_JACCARD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (LSH_BANDS, LSH_ROWS)


def test_band_table_finds_what_the_in_memory_index_finds(tmp_path: Path) -> None:
    items = _signatures()
    memory = DuplicateIndex()
    found_memory, found_store = [], []
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add([_article(a) for a, _ in items])
        stored = BandedDuplicateIndex(store.band_candidates)
        rows: list[FeatureRow] = []
        for seq, (article_id, sig) in enumerate(items, start=1):
            expected, got = memory.matches(sig), stored.matches(sig)
            found_memory.append(expected)
            found_store.append(got)
            duplicate_of = expected[0][0] if expected else None
            if duplicate_of is None:
                memory.add(article_id, sig)
                stored.add(article_id, sig)
            rows.append(FeatureRow(article_id, seq, "test", np.zeros(4, np.float32), sig,
                                   duplicate_of, "s", [],
                                   bands(sig) if duplicate_of is None else ()))
            if seq % 50 == 0:  # commit in batches: half the lookups hit the table
                store.save_corpus_batch(rows, [], [], [])
                stored.committed()
                rows = []
    assert found_store == found_memory
    # the comparison means something: duplicates were found, and some LSH candidates (a
    # shared band) were rejected by the Jaccard check
    assert sum(bool(m) for m in found_memory) > 30
    signatures = dict(items)
    rejected = [
        (a, b) for a, sig in items for b in (x for x, _ in items if x < a)
        if set(bands(sig)) & set(bands(signatures[b]))
        and np.count_nonzero(sig == signatures[b]) / NUM_PERM < DUPLICATE_JACCARD]
    assert rejected


def _level2_store(path: Path) -> None:
    with sqlite3.connect(path, isolation_level=None) as db:
        for script in MIGRATIONS[:2]:
            for statement in _split_sql(script):
                db.execute(statement)
        db.execute("PRAGMA user_version=2")


def test_migration_3_backfills_bands_and_surnames(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _level2_store(db)
    items = _signatures(count=6)
    with sqlite3.connect(db, isolation_level=None) as conn:
        for seq, (article_id, sig) in enumerate(items, start=1):
            conn.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         (article_id, article_id, article_id, article_id, "text", None, "{}",
                          b"", None, None, "now"))
            conn.execute("INSERT INTO articles (id, source_id, source, authors, text, "
                         "removed_lines, extractor) VALUES (?,?,?,?,?,?,?)",
                         (article_id, article_id, article_id, "[]", "x", "[]", "text"))
            conn.execute("INSERT INTO article_features VALUES (?,?,?,?,?,?,?)",
                         (article_id, seq, "t", b"", sig.astype("<u8").tobytes(),
                          items[0][0] if seq == 3 else None, "s"))
        conn.executemany("INSERT INTO entities (id, key, name, type, aliases, articles) "
                         "VALUES (?,?,?,?,?,?)",
                         [("e1", "name:donald trump", "Donald Trump", "PER", "{}", 1),
                          ("e2", "name:trump", "Trump", "PER", "{}", 1),
                          ("e3", "name:deutsche bank", "Deutsche Bank", "ORG", "{}", 1)])
    with SQLiteStore(db) as store:
        assert store.schema_version == len(MIGRATIONS) >= 3
        for seq, (article_id, sig) in enumerate(items, start=1):
            got = {tuple(r) for r in store._db.execute(
                "SELECT band, chunk FROM minhash_bands WHERE article_id=?", (article_id,))}
            assert got == (set() if seq == 3 else {tuple(b) for b in bands(sig)})
        surnames = {r[0]: r[1] for r in store._db.execute("SELECT id, surname FROM entities")}
    assert surnames == {"e1": "trump", "e2": None, "e3": None}


def _entity(key: str, kind: str = "PER", mentions: int = 1) -> ArticleEntity:
    name = key.removeprefix("name:").removeprefix("loc:")
    return ArticleEntity(key, name.title(), kind, mentions, float(mentions), (name.title(),))  # type: ignore[arg-type]


ARTICLES_1 = [
    [_entity("name:donald trump", mentions=3), _entity("loc:US", "LOC")],
    [_entity("name:huawei", "ORG", 2), _entity("name:ren zhengfei")],
    [_entity("name:angela merkel"), _entity("name:huaweis", "ORG")],
]
ARTICLES_2 = [
    [_entity("name:trump"), _entity("name:huaweis", "ORG"), _entity("loc:US", "LOC")],
    [_entity("name:zhengfei"), _entity("name:merkels"), _entity("name:olaf scholz")],
    [_entity("name:scholz"), _entity("name:donald trumps"), _entity("name:huawei", "ORG")],
]


def test_per_batch_entity_loading_resolves_like_loading_everything(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add([_article(f"x{i}") for i in range(6)])
        first = StoredEntities(store)
        rows = []
        for i, items in enumerate(ARTICLES_1):
            first.prefetch(items)
            rows.append(FeatureRow(f"x{i}", i + 1, "t", np.zeros(4, np.float32),
                                   np.zeros(NUM_PERM, np.uint64), None, "s",
                                   first.resolver.resolve_article(items, "en")))
        entities, aliases = first.resolver.take_changes()
        store.save_corpus_batch(rows, entities, aliases, [])
        # a later run: everything loaded up front (as before) vs only what a batch needs
        full = EntityResolver.from_entities(*store.load_entities())
        lazy = StoredEntities(store)
        for items in ARTICLES_2:
            lazy.prefetch(items)
            assert lazy.resolver.resolve_article(items, "de") == \
                full.resolve_article(items, "de")
        assert lazy.resolver.take_changes() == full.take_changes()
    resolved_aliases = {a.alias_key for a in aliases}
    assert "name:huaweis" in resolved_aliases  # the fixture exercises the corpus rules


def _rows(store: SQLiteStore, sql: str) -> list[tuple[object, ...]]:
    return sorted(tuple(r) for r in store._db.execute(sql))


@pytest.mark.parametrize("split", [3, 6])
def test_runs_over_a_growing_store_equal_one_run(tmp_path: Path, split: int) -> None:
    """Loading per batch must not change results: stories, duplicates and entities built
    in two runs (the second over a stored first half) equal those built in one."""
    lines = (ROOT / "tests" / "fixtures" / "articles.jsonl").read_text(encoding="utf-8")
    seeds = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
    records = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")})
               for p in seeds] + lines.strip().splitlines()
    copy = json.loads(records[2])  # a re-post: one line added, a duplicate of seed 2
    copy.update(id="repost", text=copy["text"] + "\nFolgen Sie uns für mehr.")
    records.append(json.dumps(copy))
    options = PipelineOptions(workers=1)
    results = []
    for cut in (len(records), split):
        work = tmp_path / f"cut{cut}"
        work.mkdir()
        (work / "a.jsonl").write_text("\n".join(records[:cut]) + "\n", encoding="utf-8")
        (work / "b.jsonl").write_text("\n".join(records[cut:]) + "\n", encoding="utf-8")
        with SQLiteStore(work / "s.db") as store:
            for part in ("a.jsonl", "b.jsonl"):
                ingest([work / part], store, options)
                build_stories(store, workers=1)
            results.append((
                _rows(store, "SELECT a.source_id, f.duplicate_of, f.story_id FROM "
                     "article_features f JOIN articles a ON a.id=f.article_id"),
                _rows(store, "SELECT key, name, type, aliases, articles FROM entities"),
                _rows(store, "SELECT * FROM entity_aliases"),
                _rows(store, "SELECT band, chunk, article_id FROM minhash_bands")))
    assert results[0] == results[1]
    assert any(dup for _, dup, _ in results[0][0])  # the re-post was found as a duplicate
