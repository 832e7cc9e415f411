"""The similar-name rule inside corpus resolution: contexts accumulate per article, persist in
the store (migration 5) and give the same result per batch as in one pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsloom.enrich.resolve import EntityResolver
from newsloom.model import ArticleEntity
from newsloom.pipeline.entities import StoredEntities
from newsloom.represent.minhash import NUM_PERM
from newsloom.store import SQLiteStore
from newsloom.store.records import FeatureRow
from test_scale_store import _article

DIM = 16
RNG = np.random.default_rng(11)
TOPICS = {name: RNG.normal(size=DIM) for name in ("tech", "telecom", "sport", "food")}


def _vector(topic: str) -> np.ndarray:
    v = TOPICS[topic] + 0.3 * RNG.normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _item(key: str, kind: str = "ORG") -> ArticleEntity:
    name = key.removeprefix("name:")
    return ArticleEntity(key, name.title(), kind, 1, 1.0, (name.title(),))  # type: ignore[arg-type]


# (entities, topic) per article; the first run learns the long names in context.
RUN_1 = [([_item("name:mail.ru group")], "tech"),
         ([_item("name:deutsche telekom")], "telecom"),
         ([_item("name:mail.ru group"), _item("name:fc bayern")], "tech"),
         ([_item("name:fc bayern")], "sport"),
         ([_item("name:deutsche telekom")], "telecom"),
         ([_item("name:pizza hut")], "food")]
RUN_2 = [([_item("name:mail.ru")], "tech"),  # related name, same context: alias
         ([_item("name:telekom")], "food"),  # related name, unrelated context: new entity
         ([_item("name:bayern", "LOC")], "sport"),  # other type: new entity
         ([_item("name:telekom")], "telecom")]  # now an entity of its own exists too
VECTORS = [[_vector(topic) for _, topic in run] for run in (RUN_1, RUN_2)]


def test_similar_names_merge_only_in_context() -> None:
    resolver = EntityResolver()
    for (items, _), vector in zip(RUN_1 + RUN_2, VECTORS[0] + VECTORS[1], strict=True):
        resolver.resolve_article(items, "en", vector)
    _, aliases = resolver.take_changes()
    by_alias = {a.alias_key: a for a in aliases}
    group = resolver.by_key["name:mail.ru group"]
    assert by_alias["name:mail.ru"].entity_id == group
    assert by_alias["name:mail.ru"].reason.startswith("token subset, context cosine")
    # "telekom" first appears among food articles: not Deutsche Telekom, so a new entity,
    # which its later telecom mention then resolves to by its exact key.
    assert "name:telekom" not in by_alias
    assert resolver.by_key["name:telekom"] != resolver.by_key["name:deutsche telekom"]
    assert "name:bayern" not in by_alias


def test_without_vectors_nothing_merges_by_similarity() -> None:
    resolver = EntityResolver()
    for items, _ in RUN_1 + RUN_2:
        resolver.resolve_article(items, "en")
    assert "name:mail.ru" not in {a.alias_key for a in resolver.take_changes()[1]}


def test_contexts_persist_and_per_batch_equals_one_pass(tmp_path: Path) -> None:
    one_pass = EntityResolver()
    expected = [one_pass.resolve_article(items, "en", vector) for (items, _), vector in
                zip(RUN_1 + RUN_2, VECTORS[0] + VECTORS[1], strict=True)]
    got = []
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add([_article(f"x{i}") for i in range(len(RUN_1) + len(RUN_2))])
        seq = 0
        for run, vectors in zip((RUN_1, RUN_2), VECTORS, strict=True):
            stage = StoredEntities(store)  # a new run: nothing in memory
            rows = []
            for (items, _), vector in zip(run, vectors, strict=True):
                stage.prefetch(items)
                resolved = stage.resolver.resolve_article(items, "en", vector)
                got.append(resolved)
                seq += 1
                rows.append(FeatureRow(f"x{seq - 1}", seq, "t", vector,
                                       np.zeros(NUM_PERM, np.uint64), None, "s", resolved))
            entities, aliases = stage.resolver.take_changes()
            store.save_corpus_batch(rows, entities, aliases, [], stage.resolver.contexts)
        stored = dict(store._db.execute("SELECT entity_id, articles FROM entity_contexts"))
        corpus = store._db.execute("SELECT articles FROM corpus_context").fetchone()[0]
    assert got == expected
    group = one_pass.by_key["name:mail.ru group"]
    assert stored[group] == 3  # two articles in run 1, the "mail.ru" one in run 2
    assert corpus == len(RUN_1) + len(RUN_2)


def test_migration_backfills_name_terms(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        terms = {r[0] for r in store._db.execute(
            "SELECT value FROM json_each(newsloom_name_terms('name:mail.ru group'))")}
    assert {"mail.ru", "group", "mailrugroup"} <= terms


def test_eval_entity_contexts_separates_own_from_other(tmp_path: Path) -> None:
    from newsloom.eval.contexts import measure, report

    rows, seq = [], 0
    with SQLiteStore(tmp_path / "s.db") as store:
        store.add([_article(f"y{i}") for i in range(24)])
        resolver = EntityResolver()
        for i, topic in enumerate(["tech", "telecom", "sport", "food"] * 6):
            vector = _vector(topic)
            resolved = resolver.resolve_article([_item(f"name:{topic} corp")], "en", vector)
            seq += 1
            rows.append(FeatureRow(f"y{i}", seq, "t", vector, np.zeros(NUM_PERM, np.uint64),
                                   None, "s", resolved))
        entities, aliases = resolver.take_changes()
        store.save_corpus_batch(rows, entities, aliases, [], resolver.contexts)
    result = measure(tmp_path / "s.db", sample=4, seed=1)
    assert result.entities == 4 and len(result.positives) == 20
    assert result.share_at(result.positives, 0.4) > result.share_at(result.negatives, 0.4)
    assert "| 0.4 |" in report(result)
