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

import newsloom.search as search_module
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
from newsloom.search.entities import (
    NamedPhrase,
    entity_forms,
    held,
    named_phrases,
    phrase_group,
    with_entity_forms,
)
from newsloom.search.fusion import (
    LANGUAGE_HITS,
    RRF_K,
    entity_gate,
    fuse,
    keyword_abstains,
    words_language,
)
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


def _share(rank: int | None) -> float:
    return 0.0 if rank is None else 1 / (RRF_K + rank)


def test_an_abstaining_keyword_retriever_takes_the_semantic_share() -> None:
    # "en" is first by meaning and absent from the keyword list (another language);
    # "de1" and "de2" share the query's words
    rankings = {"keyword": ["de1", "de2"], "semantic": ["en", "de2", "de1"]}
    plain = {c.article_id: c for c in fuse(rankings)}
    assert min(plain, key=lambda a: -plain[a].score) == "de1"
    fused = fuse(rankings, {"en"})
    assert fused[0].article_id == "en"
    assert fused[0].score == pytest.approx(2 / (RRF_K + 1))
    assert fused[0].keyword_rank is None  # shown as it was found, not as imputed
    for c in fused[1:]:  # the articles it judges keep their sums
        assert c.score == pytest.approx(plain[c.article_id].score)
    # a keyword rank better than the semantic one still counts for an abstaining article
    better = {c.article_id: c for c in fuse({"keyword": ["x"], "semantic": ["y", "x"]}, {"x"})}
    assert better["x"].score == pytest.approx(_share(1) + _share(2))


def test_which_articles_the_keyword_retriever_cannot_judge() -> None:
    languages = {"same": "de", "other": "en", "named": "en", "token": "en", "unknown": None}
    found = {"same", "named", "token"}
    candidates = [*languages, "missing"]
    assert keyword_abstains(candidates, found, languages, "de", {"named", "same"}) == {
        "other", "named"}  # not found, or found through a name; "token" matched a shared token
    assert keyword_abstains(candidates, found, languages, None, {"named"}) == set()


def test_a_report_in_another_language_is_not_buried_for_lacking_keyword_ranks() -> None:
    """On random lists: an article the keyword retriever cannot judge ranks at least as high
    as a judged one it equals or beats semantically, unless the judged one's keyword rank is
    better than the abstaining one's semantic rank; and abstaining never lowers a score."""
    rng = random.Random(8)
    for _ in range(200):
        ids = [f"a{i}" for i in range(14)]
        rankings = {"keyword": rng.sample(ids, 7), "semantic": rng.sample(ids, 10)}
        abstaining = set(rng.sample(ids, 5))
        plain = {c.article_id: c.score for c in fuse(rankings)}
        fused = fuse(rankings, abstaining)
        position = {c.article_id: i for i, c in enumerate(fused)}
        by_id = {c.article_id: c for c in fused}
        for c in fused:
            assert c.score >= plain[c.article_id] - 1e-12
            if c.article_id not in abstaining:
                assert c.score == pytest.approx(plain[c.article_id])
        for a in abstaining & set(by_id):
            for b in set(by_id) - abstaining:
                sa, sb, kb = (by_id[a].semantic_rank, by_id[b].semantic_rank,
                              by_id[b].keyword_rank)
                if sa is not None and sb is not None and sa < sb and (kb is None or kb > sa):
                    assert position[a] < position[b], (a, b, rankings)


def test_the_query_language_is_where_the_keyword_retriever_matched_its_words() -> None:
    languages = {"n1": "en", "n2": "en", "d1": "de", "d2": "de", "d3": "de", "x": None}
    # the English hits write the query's names; the German ones matched its words
    assert words_language(["n1", "n2", "d1", "x", "d2"], languages, {"n1", "n2"}) == "de"
    assert words_language(["n1", "n2", "d1", "x", "d2"], languages, set()) == "en"  # tie
    assert words_language(["n1", "n2"], languages, {"n1", "n2"}) is None  # names only
    assert words_language([], languages, set()) is None
    # only the first hits count: many German matches further down do not decide it
    many = {f"e{i}": "en" for i in range(LANGUAGE_HITS)} | {f"g{i}": "de" for i in range(20)}
    assert words_language([*[f"e{i}" for i in range(LANGUAGE_HITS)],
                           *[f"g{i}" for i in range(20)]], many, set()) == "en"


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
    _WORDS: tuple[str, ...] = ("5g", "smartphones", "chef", "zeitung")

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            lower = text.lower()
            for i, words in enumerate(self._WORDS):
                out[row, i] = sum(lower.count(word) for word in words.split("|"))
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


def _store(path: Path, items: list[tuple[str, str, str, str, list[Entity]]],
           encoder: WordEmbedder, entities: list[Entity]) -> SQLiteStore:
    """A store of ``items``, each in a story of its own, vectors from ``encoder``."""
    opened = SQLiteStore(path)
    opened.add([_article(item) for item in items])
    vectors = encoder.embed([f"{r[2]}\n{r[3]}" for r in items])
    rows = [FeatureRow(r[0], seq, encoder.name, vector, np.zeros(4, dtype=np.uint64), None,
                       f"s{seq}", [ResolvedEntity(e.id, e.name, e.type, 1, 1.0, (e.name,))
                                   for e in r[4]])
            for seq, (r, vector) in enumerate(zip(items, vectors, strict=True), start=1)]
    opened.save_corpus_batch(rows, entities, [], [ClusterEvent("create", f"s{seq}", r[0])
                                                  for seq, r in enumerate(items, start=1)])
    return opened


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return _store(tmp_path / "s.db", ROWS, ENCODER, ENTITIES)


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


def test_an_article_writing_an_entity_name_holds_it_where_linking_missed_it(
        store: SQLiteStore) -> None:
    text = "Huawei Russland"
    named = named_phrases(store, text)
    words = query_terms(text, ["de"])
    assert named == [NamedPhrase(0, 1, (HUAWEI,)), NamedPhrase(1, 2, (RUSSIA,))]
    # "nd" writes neither name; "chef" writes "Huawei"; say linking missed it there
    links = {"mts": {HUAWEI.id, RUSSIA.id}, "att": {HUAWEI.id}}
    writers = store.term_holders(["mts", "chef", "nd"], [phrase_group(words, p) for p in named])
    assert writers == {"mts": {0, 1}, "chef": {0}}
    assert held(named, links, writers) == {"mts": {0, 1}, "att": {0}, "chef": {0}}
    assert held(named, links) == {"mts": {0, 1}, "att": {0}}


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


# -- a report in another language on a small store -------------------------------------------

SPAIN = Entity("e-es", "loc:ES", "Spain", "LOC", {"de": ["Spanien"], "en": ["Spain"]}, 3)
NOTSTAND_QUERY = "Spanien verlängert den Notstand um zwei Wochen bis zum Juni"
NOTSTAND: list[tuple[str, str, str, str, list[Entity]]] = [
    ("en", "en", "Parliament votes to extend the state of emergency",
     "Parliament in Spain voted to extend the emergency for two more weeks.", [SPAIN]),
    ("ferien", "de", "Spanien verlängert die Ferien bis zum Juni",
     "Spanien verlängert die Ferien um zwei Wochen bis zum Juni. Ein Notstand ist das nicht.",
     [SPAIN]),
    ("zeit", "de", "Spanien streitet um die Sommerzeit bis zum Juni",
     "In Spanien wird um die Sommerzeit gestritten, zwei Wochen lang bis zum Juni.", [SPAIN]),
    # other news, so that the query's words are rare enough to weigh in bm25
    *[(f"other{i}", lang, title, title + ".", []) for i, (lang, title) in enumerate([
        ("de", "Neue Brücke über den Rhein eröffnet"), ("de", "Bahn erhöht die Preise"),
        ("en", "Museum opens a new wing"), ("de", "Hochwasser in Bayern")])],
]


class EmergencyEmbedder(WordEmbedder):
    """A word and its translation one direction, as a multilingual encoder would have it."""

    name = "emergency"
    _WORDS = ("notstand|emergency", "ferien", "sommerzeit", "wochen|weeks")


def test_a_report_in_another_language_ranks_by_meaning_not_by_missing_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = EmergencyEmbedder()
    opened = _store(tmp_path / "es.db", NOTSTAND, encoder, [SPAIN])
    query = SearchQuery(NOTSTAND_QUERY)
    keyword = [h.article_id for h in search(opened, SearchQuery(
        query.text, mode="keyword"), encoder).hits]
    semantic = [h.article_id for h in search(opened, SearchQuery(
        query.text, mode="semantic"), encoder).hits]
    # the English report is first by meaning, last by the German words it cannot share
    assert semantic[0] == "en" and keyword[:3] == ["ferien", "zeit", "en"]
    hits = search(opened, query, encoder).hits
    assert hits[0].article_id == "en"
    assert {h.article_id for h in hits[:3]} == {"en", "ferien", "zeit"}  # those naming Spain
    # with the query's language unknown, every keyword rank counts: the German article
    # that shares most words outranks the report
    monkeypatch.setattr(search_module, "words_language", lambda *args: None)
    assert search(opened, query, encoder).hits[0].article_id == "ferien"
