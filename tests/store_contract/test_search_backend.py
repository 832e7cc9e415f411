"""SearchBackend: the lemma index's candidates, the article filters, duplicates, hit rows and
the stored vectors, as ``newsloom.search`` reads them."""

from __future__ import annotations

import numpy as np

from newsloom.store.ports import ArticleFilter, Backend

from .records import Corpus, clustered, page

ANY = ArticleFilter()


def _keys(store: Backend) -> dict[str, int]:
    """Article id → vector key, read back through the port itself."""
    keys = store.vector_keys(ANY)
    return {article: key for key, article in store.articles_for_keys(keys).items()}


def _matches(store: Backend, *words: str, where: ArticleFilter = ANY, depth: int = 10,
             any_group: bool = False) -> set[str]:
    groups = [(word,) for word in words]
    return set(store.keyword_matches(groups, where, depth, any_group=any_group))


def test_an_empty_store_has_nothing_to_search(store: Backend) -> None:
    assert (store.article_count(), store.corpus_languages()) == (0, [])
    assert store.keyword_matches([("ada",)], ANY, 10) == []
    assert (store.vector_model(), store.vector_count()) == (None, 0)
    assert store.document_frequencies(["ada"]) == {}


def test_languages_most_articles_first(store: Backend) -> None:
    clustered(store)
    assert store.article_count() == 4
    assert store.corpus_languages() == ["en", "de"]
    assert store.corpus_languages(1) == ["en"]


def test_keyword_matches_every_group_or_any_group(store: Backend) -> None:
    ids = clustered(store).ids
    assert _matches(store, "acme") == {ids["c"], ids["d"]}
    assert _matches(store, "ada", "acme") == {ids["c"]}
    assert _matches(store, "ada", "acme", any_group=True) == set(ids.values())
    # alternatives of one word: either form matches ("profit" is the lemma in the index)
    assert store.keyword_matches([("profits", "profit")], ANY, 10) == [ids["d"]]
    assert store.keyword_matches([("profits",)], ANY, 10) == []
    assert len(store.keyword_matches([("ada",)], ANY, 2)) == 2  # at most depth
    # query syntax inside a term is only a word: quotes and operators cannot break out
    assert store.keyword_matches([('acme" OR "ada',)], ANY, 10) == []


def test_keyword_matches_rank_by_bm25_with_title_weight(store: Backend) -> None:
    clustered(store)  # other articles, so that the word is rare
    in_title = page("t", "Nothing here.", title="Zeppelin news")
    in_text = page("x", "A zeppelin was seen. Another zeppelin too. More zeppelin talk.",
                   title="Sightings")
    store.add([in_title, in_text])
    t, x = in_title[1].id, in_text[1].id
    assert store.keyword_matches([("zeppelin",)], ANY, 10, weights=(1.0, 1.0))[0] == x
    assert store.keyword_matches([("zeppelin",)], ANY, 10, weights=(50.0, 1.0))[0] == t


def test_keyword_matches_weigh_a_rare_word_above_a_common_one(store: Backend) -> None:
    """bm25's inverse document frequency: a word most articles hold adds almost nothing, so
    one occurrence of a rare word outranks three of the common one, and of two articles with
    both words the one with more of the rare word ranks first (each inserted after the one
    it must outrank, so ingest order cannot decide)."""
    store.add([page(f"f{i}", f"Harbour filler {i} with the common word and alpha.")
               for i in range(6)])
    common = page("common", "Harbour news: common, common and common again.", title="Report")
    rare = page("rare", "Harbour news: a rare word, once in a while.", title="Report")
    alphas = page("alphas", "Alpha alpha alpha meets beta by the harbour.", title="Notes")
    betas = page("betas", "Alpha meets beta, beta and beta by the harbour.", title="Notes")
    store.add([common, rare, alphas, betas])
    ranked = store.keyword_matches([("common",), ("rare",)], ANY, 10, any_group=True)
    assert ranked[:2] == [rare[1].id, common[1].id]
    assert store.keyword_matches([("alpha",), ("beta",)], ANY, 10) == [betas[1].id,
                                                                      alphas[1].id]


def test_filters_narrow_the_matches(store: Backend) -> None:
    corpus: Corpus = clustered(store)
    ids = corpus.ids
    assert _matches(store, "ada", where=ArticleFilter(languages=("DE",))) == {ids["c"]}
    assert _matches(store, "ada", where=ArticleFilter(outlets=("daily",))) == {
        ids["a"], ids["c"]}  # outlet "Daily": any case
    # undated articles fail any date bound; date_to is inclusive at its own precision
    assert _matches(store, "ada", where=ArticleFilter(date_from="2024-03")) == {ids["a"]}
    assert _matches(store, "ada", where=ArticleFilter(date_to="2024-03")) == {ids["a"]}
    assert _matches(store, "ada", where=ArticleFilter(date_to="2024-02")) == set()
    assert _matches(store, "ada", where=ArticleFilter(entity_id=corpus.acme.id)) == {ids["c"]}
    assert _matches(store, "ada", where=ArticleFilter(story_id="s1")) == {ids["a"], ids["b"]}
    assert not ANY.narrowed and ArticleFilter(story_id="s1").narrowed


def test_only_current_versions_match(store: Backend) -> None:
    ids = clustered(store).ids
    store.add([page("d", "Acme reports losses.")])  # a new version of page d
    current = store.get_article("d")
    assert current is not None and current.id != ids["d"]
    # the new version is not clustered yet and still matches (no story: no filter on it)
    assert _matches(store, "acme") == {ids["c"], current.id}


def test_document_frequencies_fold_case_and_diacritics(store: Backend) -> None:
    clustered(store)
    assert store.document_frequencies(["ada", "ACME", "acmé", "nowhere"]) == {
        "ada": 3, "ACME": 2, "acmé": 2}


def test_duplicates_fold_both_ways(store: Backend) -> None:
    ids = clustered(store).ids
    assert store.canonical_ids([ids["a"], ids["b"], ids["c"]]) == {ids["b"]: ids["a"]}
    assert store.duplicates_of([ids["a"], ids["c"], "unknown"]) == {ids["a"]: [ids["b"]]}


def test_search_rows_with_and_without_text(store: Backend) -> None:
    ids = clustered(store).ids
    store.add([page("e", "Not clustered yet.")])
    unclustered = store.get_article("e")
    assert unclustered is not None
    rows = store.search_rows([ids["a"], unclustered.id, "unknown"], with_text=True)
    assert set(rows) == {ids["a"], unclustered.id}
    a = rows[ids["a"]]
    assert (a.article_id, a.title, a.language, a.outlet, a.published, a.story_id, a.text) == (
        ids["a"], "Title a", "en", "Daily", "2024-03-01", "s1",
        "Ada Lovelace opens the engine hall.")
    assert rows[unclustered.id].story_id is None
    assert store.search_rows([ids["a"]], with_text=False)[ids["a"]].text is None


def test_stored_vectors_under_filters(store: Backend) -> None:
    ids = clustered(store).ids
    keys = _keys(store)
    assert set(keys) == set(ids.values())
    assert (store.vector_model(), store.vector_count()) == ("test-embedder", 4)
    assert store.count_vector_candidates(ANY, 10) == 4
    assert store.count_vector_candidates(ANY, 2) == 2  # counted up to the cap
    german = ArticleFilter(languages=("de",))
    assert store.count_vector_candidates(german, 10) == 1
    assert store.vector_keys(german) == [keys[ids["c"]]]
    [(key, stored)] = store.stored_vectors(ArticleFilter(story_id="s3"))
    assert key == keys[ids["d"]]
    np.testing.assert_array_equal(stored, np.asarray([0, 0, 1, 0], dtype=np.float32))
    weekly = ArticleFilter(outlets=("weekly",))
    assert store.articles_for_keys([keys[ids["a"]], keys[ids["b"]]], weekly) == {
        keys[ids["b"]]: ids["b"]}
    assert store.articles_for_keys([10_000]) == {}


def test_entity_holders_among_given_articles(store: Backend) -> None:
    corpus = clustered(store)
    ids, ada, acme = corpus.ids, corpus.ada.id, corpus.acme.id
    everything = list(ids.values())
    assert store.entity_holders(everything, [ada, acme]) == {
        ids["a"]: {ada}, ids["b"]: {ada}, ids["c"]: {ada, acme}, ids["d"]: {acme}}
    # only the articles asked about, only the entities asked about
    assert store.entity_holders([ids["c"], ids["d"]], [acme, "e-nobody"]) == {
        ids["c"]: {acme}, ids["d"]: {acme}}
    assert store.entity_holders(everything, []) == {}
    assert store.entity_holders([], [ada]) == {}



def test_term_holders_among_given_articles(store: Backend) -> None:
    ids = clustered(store).ids
    everything = list(ids.values())
    # group 0: "acme" (c, d); group 1: "zeppelin" or "profit" (d only, by its lemma)
    found = store.term_holders(everything, [("acme",), ("zeppelin", "profit")])
    assert found == {ids["c"]: {0}, ids["d"]: {0, 1}}
    # only the articles asked about; a word no article holds is in no group
    assert store.term_holders([ids["c"]], [("acme",), ("zeppelin",)]) == {ids["c"]: {0}}
    assert store.term_holders(everything, [("nowhere",)]) == {}
    assert store.term_holders([], [("acme",)]) == {}
    # a term is a word, never query syntax
    assert store.term_holders(everything, [('acme" OR "ada',)]) == {}
