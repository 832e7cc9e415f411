"""Hybrid search on small hand-built stores: keyword (lemma index), semantic, fusion, every
filter, FTS syntax in queries, pagination, duplicate folding, empty store, bad queries.

The semantic side uses a tiny bag-of-concepts encoder (below) instead of USE-m3, so these
tests pin the search logic, not a model; the seeds test in test_search_cli.py uses the real one.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import newsloom.search as search_module
from newsloom.cluster.index import VectorIndex
from newsloom.eval.search import run_search_latency, sample_queries
from newsloom.model import (
    Article,
    ClusterEvent,
    Entity,
    PublicationDate,
    RawDocument,
    ResolvedEntity,
    SearchQuery,
)
from newsloom.search import (
    RRF_K,
    SearchError,
    UnknownEntityError,
    fuse,
    search,
    search_stories,
    to_dict,
    warm_up,
)
from newsloom.store import SQLiteStore
from newsloom.store.records import FeatureRow
from newsloom.store.sqlite.schema import MIGRATIONS
from newsloom.store.sqlite.store import _split_sql
from newsloom.text.stem import WORD

#: Words that mean the same across languages map to one concept, as a multilingual encoder
#: would place them close together.
CONCEPTS = {"rusland": "russia", "russland": "russia", "russia": "russia", "netwerk": "network",
            "netz": "network", "netze": "network", "network": "network", "bank": "bank",
            "banken": "bank", "banks": "bank", "zins": "rate", "rente": "rate", "rate": "rate"}


class ConceptEmbedder:
    """Bag of concepts hashed into 64 dimensions, L2-normalised; words outside CONCEPTS are
    ignored, so an article shares a direction with a query only through a concept."""

    name = "concepts"
    dim = 64
    threads = 1

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                if word in CONCEPTS:
                    digest = hashlib.sha256(CONCEPTS[word].encode()).digest()
                    out[row, digest[0] % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        return out


ENCODER = ConceptEmbedder()

#: id, language, outlet, published, title, text, story, duplicate_of
ArticleRow = tuple[str, str, str, str | None, str, str, str, str | None]
ARTICLES: list[ArticleRow] = [
    ("a1", "de", "Spiegel", "2019-06-05", "Huawei baut Netze in Russland",
     "Huawei und MTS bauen 5G-Netze in Russland. Der Vertrag wurde in Moskau unterzeichnet.",
     "s1", None),
    ("a2", "nl", "NOS", "2019-06-06", "Huawei krijgt voet aan de grond in Rusland",
     "Huawei gaat een 5G-netwerk aanleggen in Rusland. Het contract is getekend in Moskou.",
     "s1", None),
    ("a3", "en", "Reuters", "2020-01-10", "Central banks hold rates",
     "The central banks kept the interest rate unchanged. Markets barely moved today.",
     "s2", None),
    ("a4", "de", "Spiegel", "2020-02-01", "Banken senken Zins",
     "Die Banken senken den Zins. Sparer bekommen weniger, und Kredite werden billiger.",
     "s2", None),
    ("a5", "de", "Bild", "2019-06-05", "Huawei baut Netze in Russland",
     "Huawei und MTS bauen 5G-Netze in Russland. Der Vertrag wurde in Moskau unterzeichnet!",
     "s1", "a1"),
    ("a6", "en", "Reuters", None, "Weather report",
     "Sunny weather is expected all week across the country, with light winds.", "s3", None),
]
HUAWEI = Entity("e1", "name:huawei", "Huawei", "ORG", {"de": ["Huawei", "Huaweis"]}, 3)


def _pair(item: ArticleRow) -> tuple[RawDocument, Article]:
    article_id, lang, outlet, published, title, text = item[:6]
    doc = RawDocument(id=article_id, source_id=article_id, source=article_id,
                      version_key=article_id, content_type="text", content=text)
    return doc, Article(
        id=article_id, source_id=article_id, source=article_id, url=None, title=title,
        outlet=outlet, authors=[], published=PublicationDate(published, 0.9, "metadata")
        if published else None, published_estimate=None, language=lang,
        language_confidence=1.0, text=text)


def _features(store: SQLiteStore, items: list[ArticleRow]) -> None:
    vectors = ENCODER.embed([f"{i[4]}\n{i[5]}" for i in items])
    rows: list[FeatureRow] = []
    events: list[ClusterEvent] = []
    for seq, (item, vector) in enumerate(zip(items, vectors, strict=True), start=1):
        article_id, story, duplicate_of = item[0], item[6], item[7]
        mentions = [ResolvedEntity("e1", "Huawei", "ORG", 1, 1.0, ("Huawei",))] \
            if "Huawei" in item[5] else []
        rows.append(FeatureRow(article_id, seq, ENCODER.name, vector,
                               np.zeros(4, dtype=np.uint64), duplicate_of, str(story),
                               mentions))
        if not any(e.story_id == story for e in events):
            events.append(ClusterEvent("create", str(story), article_id))
    store.save_corpus_batch(rows, [HUAWEI], [], events)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    opened = SQLiteStore(tmp_path / "s.db")
    opened.add([_pair(item) for item in ARTICLES])
    _features(opened, list(ARTICLES))
    return opened


def _ids(store: SQLiteStore, text: str, **kwargs: object) -> list[str]:
    query = SearchQuery(text, **kwargs)  # type: ignore[arg-type]
    return [h.article_id for h in search(store, query, ENCODER).hits]


def test_keyword_finds_inflected_forms_through_lemmas(store: SQLiteStore) -> None:
    # "Netz" is not in any text; "Netze" is, and its German lemma is "netz".
    results = search(store, SearchQuery("Netz", mode="keyword"), ENCODER)
    assert [h.article_id for h in results.hits] == ["a1"]
    assert results.hits[0].keyword_rank == 1 and results.hits[0].semantic_rank is None
    assert _ids(store, "sparer", mode="keyword") == ["a4"]  # case-insensitive


def test_keyword_prefers_articles_with_every_word(store: SQLiteStore) -> None:
    assert _ids(store, "Huawei Moskou", mode="keyword")[0] == "a2"


def test_semantic_crosses_languages(store: SQLiteStore) -> None:
    # No article contains "russia" or "network"; both concepts are in a1 (de) and a2 (nl).
    results = search(store, SearchQuery("Russia network", mode="semantic"), ENCODER)
    assert {h.article_id for h in results.hits} == {"a1", "a2"}
    assert all(h.semantic_rank and h.keyword_rank is None for h in results.hits)
    assert _ids(store, "Russia network", mode="keyword") == []


def test_semantic_snippet_is_the_closest_sentence(store: SQLiteStore) -> None:
    hit = search(store, SearchQuery("interest rate", mode="semantic",
                                    languages=("de",)), ENCODER).hits[0]
    assert hit.article_id == "a4"
    assert "".join(s.text for s in hit.snippet) == "Die Banken senken den Zins."


def test_hybrid_ranks_agreement_first(store: SQLiteStore) -> None:
    hits = search(store, SearchQuery("Russland network"), ENCODER).hits
    assert hits[0].article_id == "a1"  # the only one both retrievers return
    assert hits[0].keyword_rank and hits[0].semantic_rank
    assert hits[0].score == pytest.approx(1 / (RRF_K + hits[0].keyword_rank)
                                          + 1 / (RRF_K + hits[0].semantic_rank), abs=1e-6)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_fusion_rewards_being_found_by_both() -> None:
    fused = fuse({"keyword": ["x", "y", "z"], "semantic": ["w", "v", "z"]})
    assert fused[0].article_id == "z"
    assert (fused[0].keyword_rank, fused[0].semantic_rank) == (3, 3)
    assert fused[1].article_id in ("x", "w") and fused[-1].article_id in ("y", "v")


def test_snippet_highlights_the_matched_words(store: SQLiteStore) -> None:
    hit = search(store, SearchQuery("Moskau Vertrag", mode="keyword"), ENCODER).hits[0]
    marked = [s.text for s in hit.snippet if s.highlighted]
    assert sorted(marked) == ["Moskau", "Vertrag"]
    assert "".join(s.text for s in hit.snippet) in " ".join(ARTICLES[0][5].split())


def test_filters_language_outlet_and_dates(store: SQLiteStore) -> None:
    assert _ids(store, "Huawei", languages=("nl",)) == ["a2"]
    assert _ids(store, "Huawei", outlets=("spiegel",)) == ["a1"]
    assert set(_ids(store, "Huawei Banken rate", date_from="2020")) == {"a3", "a4"}
    # date_to is inclusive at its own precision: "2019-06" keeps 2019-06-06
    assert set(_ids(store, "Huawei", date_to="2019-06")) == {"a1", "a2"}
    assert _ids(store, "Huawei", date_from="2019-06-06", date_to="2019-06-06") == ["a2"]
    assert _ids(store, "weather", date_to="2030") == []  # undated articles drop out


def test_filter_by_entity_name_alias_or_id(store: SQLiteStore) -> None:
    for ref in ("Huawei", "huawei", "Huaweis", "e1"):
        assert set(_ids(store, "Russland Rusland Banken", entity=ref)) == {"a1", "a2"}
    with pytest.raises(UnknownEntityError, match="Nobody"):
        search(store, SearchQuery("Huawei", entity="Nobody"), ENCODER)


def test_filter_by_story_follows_merges(store: SQLiteStore) -> None:
    assert set(_ids(store, "Huawei Banken", story_id="s2")) == {"a3", "a4"}
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s1", "a4", "s2", 0.9)])
    assert set(_ids(store, "Huawei Banken", story_id="s2")) == {"a1", "a2", "a3", "a4"}


@pytest.mark.parametrize("text", ['"', 'Huawei"', "AND", "Huawei OR", "NOT Netze", "Huawei*",
                                  "(Netze", "title:Huawei", "NEAR(Huawei", "^Huawei", "'-+{}",
                                  "Huawei AND (Russland"])
def test_fts_syntax_characters_do_not_crash(store: SQLiteStore, text: str) -> None:
    if not WORD.search(text):
        with pytest.raises(SearchError):
            search(store, SearchQuery(text), ENCODER)
        return
    results = search(store, SearchQuery(text, mode="keyword"), ENCODER)
    if "Huawei" in text:
        assert "a1" in {h.article_id for h in results.hits}


def test_pagination_is_a_window_of_one_ranking(store: SQLiteStore) -> None:
    whole = _ids(store, "Huawei Banken weather rate", limit=10)
    pages = [_ids(store, "Huawei Banken weather rate", limit=2, offset=o) for o in (0, 2, 4)]
    assert len(whole) >= 4
    assert [a for page in pages for a in page] == whole[:6]
    total = search(store, SearchQuery("Huawei Banken weather rate", limit=1), ENCODER).total
    assert total == len(whole)


def test_duplicates_fold_under_their_canonical_article(store: SQLiteStore) -> None:
    hits = search(store, SearchQuery("Huawei Moskau"), ENCODER).hits
    ids = [h.article_id for h in hits]
    assert "a5" not in ids and ids.count("a1") == 1
    assert next(h for h in hits if h.article_id == "a1").duplicates == ("a5",)


def test_story_search_groups_articles(store: SQLiteStore,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    results = search_stories(store, SearchQuery("Huawei Russland Banken"), ENCODER)
    found = {s.story_id: s for s in results.stories}
    assert {h.article_id for h in found["s1"].hits} == {"a1", "a2"}
    assert {h.article_id for h in found["s2"].hits} == {"a3", "a4"}
    assert found["s1"].languages == ("de", "nl")
    assert all(s.title == s.hits[0].title for s in results.stories)
    assert [s.story_id for s in results.stories] == ["s1", "s2"]
    # With every keyword rank counted as it is (no abstaining: search/fusion.py), s2 fuses
    # higher ("Banken" in both lists), but s1's articles name Huawei, the one stored entity
    # the query names: the entity gate ranks stories by their best article.
    monkeypatch.setattr(search_module, "words_language", lambda *args: None)
    judged = search_stories(store, SearchQuery("Huawei Russland Banken"), ENCODER).stories
    assert [s.story_id for s in judged] == ["s1", "s2"]
    assert judged[0].score < judged[1].score
    assert results.total == len(results.stories) == 2
    page = search_stories(store, SearchQuery("Huawei Russland Banken", limit=1, offset=1),
                          ENCODER)
    assert [s.story_id for s in page.stories] == [results.stories[1].story_id]


def test_ann_index_beside_the_store_gives_the_exact_ranking(store: SQLiteStore) -> None:
    exact = _ids(store, "Russia network rate bank", mode="semantic")
    index = VectorIndex(ENCODER.dim, store.path.with_name(store.path.name + ".vectors.usearch"))
    for seq, item in enumerate(ARTICLES, start=1):
        index.add(seq, ENCODER.embed([f"{item[4]}\n{item[5]}"])[0])
    index.save()
    assert _ids(store, "Russia network rate bank", mode="semantic") == exact
    assert _ids(store, "Russia network", mode="semantic", outlets=("NOS",)) == ["a2"]


def test_json_form_has_spans_not_html(store: SQLiteStore) -> None:
    data = to_dict(search(store, SearchQuery("Netze"), ENCODER))
    spans = data["hits"][0]["snippet"]
    assert {"text", "highlighted"} == set(spans[0])
    assert any(s["highlighted"] for s in spans)


def test_empty_store_and_articles_without_features(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "empty.db") as empty:
        warm_up(empty, ENCODER)  # nothing to load, nothing to fail
        results = search(empty, SearchQuery("Huawei"), ENCODER)
        assert (results.total, results.hits) == (0, ())
        empty.add([_pair(ARTICLES[0])])  # ingested, corpus stages not run: keyword only
        hits = search(empty, SearchQuery("Huawei"), ENCODER).hits
        assert [(h.article_id, h.story_id, h.semantic_rank) for h in hits] == [("a1", None,
                                                                                None)]


@pytest.mark.parametrize(("query", "message"), [
    (SearchQuery("  ...  "), "no words"), (SearchQuery("x", limit=0), "limit"),
    (SearchQuery("x", offset=-1), "offset"), (SearchQuery("x", date_from="June"), "date_from"),
    (SearchQuery("x", mode="fuzzy"), "mode"),  # type: ignore[arg-type]
    (SearchQuery("Huawei " * 200), "characters long"),
])
def test_bad_queries_raise_clear_errors(store: SQLiteStore, query: SearchQuery, message: str
                                        ) -> None:
    with pytest.raises(SearchError, match=message):
        search(store, query, ENCODER)


def test_an_embedder_other_than_the_stores_is_refused(store: SQLiteStore) -> None:
    class Other(ConceptEmbedder):
        name = "other"

    with pytest.raises(SearchError, match="concepts"):
        search(store, SearchQuery("Huawei"), Other())


def test_lemma_index_follows_updates_and_deletes(store: SQLiteStore) -> None:
    store._db.execute("UPDATE articles SET title = 'Wetterbericht', text = 'Sonne satt.' "
                      "WHERE id = 'a6'")
    assert _ids(store, "Sonne", mode="keyword") == ["a6"]
    assert _ids(store, "Sunny", mode="keyword") == []
    store._db.execute("DELETE FROM article_features WHERE article_id = 'a6'")
    store._db.execute("DELETE FROM articles WHERE id = 'a6'")
    assert _ids(store, "Sonne", mode="keyword") == []


def test_migration_indexes_articles_stored_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path, isolation_level=None) as db:  # a store at schema level 3
        db.create_function("newsloom_surname", 2, lambda key, kind: None)
        for script in MIGRATIONS[:3]:
            for statement in _split_sql(script):
                db.execute(statement)
        db.execute("PRAGMA user_version=3")
        db.execute("INSERT INTO documents VALUES ('a1','a1','a1','a1','text',NULL,'{}',x'',"
                   "NULL,NULL,'now')")
        db.execute("INSERT INTO articles (id, source_id, source, authors, text, title, "
                   "language, removed_lines, extractor) VALUES ('a1','a1','a1','[]',?,?,"
                   "'de','[]','text')", (ARTICLES[0][5], ARTICLES[0][4]))
    with SQLiteStore(path) as migrated:
        assert migrated.schema_version == len(MIGRATIONS) >= 4
        assert _ids(migrated, "Netz", mode="keyword") == ["a1"]


def test_latency_eval_draws_reproducible_queries_and_times_every_mode(store: SQLiteStore
                                                                      ) -> None:
    queries = sample_queries(store, 12, seed=3)
    assert len(queries) == 12 and queries == sample_queries(store, 12, seed=3)
    titles = " ".join(item[4] for item in ARTICLES) + " Huawei"
    assert all(all(word in titles for word in q.text.split()) for q in queries)
    report = run_search_latency(store, 12, seed=3, embedder=ENCODER)
    assert [m.mode for m in report.modes] == ["keyword", "semantic", "hybrid",
                                              "hybrid + language filter"]
    for m in report.modes:
        assert m.queries == 12 and 0 < m.p50_ms <= m.p95_ms <= m.max_ms
    assert report.articles == len(ARTICLES)


def test_numbers_stay_out_of_the_lemma_cache() -> None:
    """Unique figures (prices, ids, scores) would fill the per-process lemma cache and grow
    memory with the corpus; they are their own lemma and are never cached."""
    from newsloom.text.stem import lemma, lemma_text

    lemma.cache_clear()
    assert lemma_text("Die Häuser kosten 12345 Euro, 2019 waren es 999", "de") == \
        "der haus kosten 12345 euro 2019 sein es 999"
    assert lemma.cache_info().currsize == 6  # the six words, none of the three numbers
