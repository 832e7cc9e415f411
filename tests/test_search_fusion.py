"""The hybrid ranking rule (search/fusion.py) and the query's entities (search/entities.py) on
small hand-built inputs: reciprocal rank fusion, the entity gate, entity names read from a
query in any language or script, and keyword search through an entity's names."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from newsloom.model import (
    Article,
    ClusterEvent,
    Entity,
    PublicationDate,
    RawDocument,
    ResolvedEntity,
    SearchQuery,
)
from newsloom.search import search
from newsloom.search.entities import entity_forms, named_phrases, with_entity_forms
from newsloom.search.fusion import RRF_K, entity_gate, fuse
from newsloom.search.retrieve import query_terms
from newsloom.store import SQLiteStore
from newsloom.store.records import FeatureRow
from newsloom.text.stem import WORD

# -- the rule ------------------------------------------------------------------------------


def test_fusion_sums_reciprocal_ranks() -> None:
    fused = {c.article_id: c for c in fuse({"keyword": ["x", "y"], "semantic": ["y", "z"]})}
    assert fused["y"].score == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert (fused["y"].keyword_rank, fused["y"].semantic_rank) == (2, 1)
    assert fused["z"].keyword_rank is None and fused["x"].semantic_rank is None


def test_gate_puts_holders_of_more_query_entities_first() -> None:
    # "b" is first in both lists but holds one of the query's two entities; "c" holds both.
    fused = fuse({"keyword": ["b", "a", "c"], "semantic": ["b", "c", "d"]})
    assert fused[0].article_id == "b"
    gated = entity_gate(fused, {"c": {0, 1}, "b": {0}, "a": {1}})
    assert [c.article_id for c in gated] == ["c", "b", "a", "d"]
    assert [c.entities for c in gated] == [2, 1, 1, 0]
    # "b" and "a" hold as many: fusion orders them, as without the gate
    assert gated[1].score > gated[2].score


def test_gate_without_holders_is_plain_fusion() -> None:
    rankings = {"keyword": ["p", "q", "r"], "semantic": ["r", "s", "p"]}
    plain = [c.article_id for c in fuse(rankings)]
    assert [c.article_id for c in entity_gate(fuse(rankings), {})] == plain


def test_gated_order_on_random_lists() -> None:
    rng = random.Random(5)
    for _ in range(50):
        ids = [f"a{i}" for i in range(12)]
        rankings = {"keyword": rng.sample(ids, 6), "semantic": rng.sample(ids, 8)}
        holds = {a: set(rng.sample(range(3), rng.randint(0, 3))) for a in ids}
        gated = entity_gate(fuse(rankings), holds)
        assert {c.article_id for c in gated} == set(rankings["keyword"] + rankings["semantic"])
        keys = [(-c.entities, -c.score) for c in gated]
        assert keys == sorted(keys)
        assert all(c.entities == len(holds[c.article_id]) for c in gated)


# -- the query's entities on a small store -------------------------------------------------

RUSSIA = Entity("e-ru", "loc:RU", "Russia", "LOC", {"nl": ["Rusland"], "de": ["russischen"]}, 2)
HUAWEI = Entity("e-hw", "name:huawei", "Huawei", "ORG", {"de": ["Huawei"], "nl": ["Huawei"]}, 4)
GERMANY = Entity("e-de", "loc:DE", "Germany", "LOC", {"de": ["Deutschland"]}, 1)
MAILRU = Entity("e-mr", "name:mail ru", "Mail.ru", "ORG", {"de": ["Mail.ru"]}, 1)
NYC = Entity("e-ny", "loc:America/New_York", "New York", "LOC", {"en": ["New York"]}, 1)
NYT = Entity("e-nyt", "name:new york times", "New York Times", "ORG",
             {"en": ["New York Times"]}, 1)
ENTITIES = [RUSSIA, HUAWEI, GERMANY, MAILRU, NYC, NYT]

#: id, language, title, text, entities held
ROWS: list[tuple[str, str, str, str, list[Entity]]] = [
    ("mts", "nl", "Huawei bouwt netwerk in Rusland",
     "Huawei legt een 5G-netwerk aan in Rusland voor de provider MTS.", [HUAWEI, RUSSIA]),
    ("mail", "de", "Huawei verbündet sich mit Mail.ru",
     "Huawei könnte Apps des russischen Konzerns Mail.ru vorinstallieren.",
     [HUAWEI, RUSSIA, MAILRU]),
    ("att", "de", "Huawei und AT&T: Smartphones für die USA",
     "Huawei will 5G-Smartphones über AT&T in den USA verkaufen.", [HUAWEI]),
    ("chef", "de", "Huawei-Chef bittet um Gespräche",
     "Der Chef von Huawei hofft auf Gespräche über 5G und Smartphones.", [HUAWEI]),
    ("nd", "de", "Berliner Zeitung: neuer Chefredakteur",
     "Ein neuer Chefredakteur für die Zeitung in Deutschland.", [GERMANY]),
]


class WordEmbedder:
    """Each of a few words one direction: the query "Huawei Russland 5G" is nearest the
    articles saying "5G", whatever they say about Russia."""

    name = "words"
    dim = 8
    threads = 1
    _WORDS = ("5g", "smartphones", "chef", "zeitung")

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lower = text.lower()
            for i, word in enumerate(self._WORDS):
                out[row, i] = lower.count(word)
            out[row, -1] = 0.3  # a little alike: no zero vector, above MIN_SIMILARITY
            out[row] /= np.linalg.norm(out[row])
        return out


ENCODER = WordEmbedder()


def _article(item: tuple[str, str, str, str, list[Entity]]) -> tuple[RawDocument, Article]:
    article_id, lang, title, text, _ = item
    doc = RawDocument(id=article_id, source_id=article_id, source=article_id,
                      version_key=article_id, content_type="text", content=text)
    return doc, Article(
        id=article_id, source_id=article_id, source=article_id, url=None, title=title,
        outlet=None, authors=[], published=PublicationDate("2019-06-05", 0.9, "metadata"),
        published_estimate=None, language=lang, language_confidence=1.0, text=text)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    opened = SQLiteStore(tmp_path / "s.db")
    opened.add([_article(item) for item in ROWS])
    vectors = ENCODER.embed([f"{r[2]}\n{r[3]}" for r in ROWS])
    rows = [FeatureRow(r[0], seq, ENCODER.name, vector, np.zeros(4, dtype=np.uint64), None,
                       f"s{seq}", [ResolvedEntity(e.id, e.name, e.type, 1, 1.0, (e.name,))
                                   for e in r[4]])
            for seq, (r, vector) in enumerate(zip(ROWS, vectors, strict=True), start=1)]
    opened.save_corpus_batch(rows, ENTITIES, [], [ClusterEvent("create", f"s{seq}", r[0])
                                                  for seq, r in enumerate(ROWS, start=1)])
    return opened


def _named(store: SQLiteStore, text: str) -> list[tuple[str, list[str]]]:
    """(the words as typed, the entities' names) of each named run."""
    words = list(WORD.finditer(text))
    return [(text[words[p.start].start():words[p.end - 1].end()], [e.name for e in p.entities])
            for p in named_phrases(store, text)]


def test_a_place_is_named_in_any_language_or_script(store: SQLiteStore) -> None:
    # the store has seen Russia only as "Rusland" and "russischen"
    for text in ("Huawei Russland 5G", "Huawei Russia 5G", "Huawei России 5G"):
        assert _named(store, text) == [("Huawei", ["Huawei"]), (text.split()[1], ["Russia"])]


def test_the_longest_name_wins_and_web_addresses_name_their_site(store: SQLiteStore) -> None:
    assert _named(store, "New York Times Russland") == [
        ("New York Times", ["New York Times"]), ("Russland", ["Russia"])]
    assert _named(store, "Mail.ru Huawei") == [("Mail.ru", ["Mail.ru"]), ("Huawei", ["Huawei"])]
    assert _named(store, "Chefredakteur (neues-deutschland.de)") == []
    assert _named(store, "Chefredakteur in Deutschland") == [("Deutschland", ["Germany"])]
    assert _named(store, "Chefredakteur Zeitung") == []


def test_named_words_are_searched_as_every_name_of_their_entity(store: SQLiteStore) -> None:
    text = "Huawei Russland Netz"
    groups = with_entity_forms(query_terms(text, ["de"]), named_phrases(store, text))
    assert len(groups) == 3
    assert {"russland", "rusland", "russia", "russischen"} <= set(groups[1])
    assert groups[2] == query_terms("Netz", ["de"])[0]  # a word naming nothing is left alone
    # keyword search alone now finds the Dutch and the German report of Russia
    found = search(store, SearchQuery("Russland", mode="keyword"), ENCODER).hits
    assert {h.article_id for h in found} == {"mts", "mail"}


def test_two_letter_names_are_not_searched_for_an_entity() -> None:
    usa = Entity("e-us", "loc:US", "United States", "LOC",
                 {"en": ["US", "United States"], "de": ["USA", "US"]}, 9)
    forms = entity_forms(usa)
    assert "usa" in forms and "united states" in forms
    assert "us" not in forms  # the index folds case: "US" would match the word "us"


def test_hybrid_ranks_the_reports_naming_the_query_entities_first(store: SQLiteStore) -> None:
    query = SearchQuery("Huawei Russland 5G")
    semantic = [h.article_id for h in search(store, SearchQuery(
        query.text, mode="semantic"), ENCODER).hits]
    # the encoder alone puts articles that never mention Russia above the Mail.ru one
    assert semantic.index("att") < semantic.index("mail")
    assert semantic.index("chef") < semantic.index("mail")
    hits = search(store, query, ENCODER).hits
    assert {h.article_id for h in hits[:2]} == {"mts", "mail"}
    assert {h.article_id for h in hits[2:]} >= {"att", "chef"}
