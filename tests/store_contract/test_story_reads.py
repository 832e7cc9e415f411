"""StoryReader, PairEvidence and the diagnostics: stories and entities as their members."""

from __future__ import annotations

import numpy as np

from newsloom.store.ports import Backend

from .records import clustered


def test_story_members_in_ingest_order_with_what_listings_show(store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    members = store.story_members()
    assert [(m.story_id, m.article_id) for m in members] == [
        ("s1", ids["a"]), ("s1", ids["b"]), ("s2", ids["c"]), ("s3", ids["d"])]
    a, b = members[0], members[1]
    assert (a.title, a.language, a.outlet, a.published, a.duplicate_of) == (
        "Title a", "en", "Daily", "2024-03-01", None)
    assert b.duplicate_of == ids["a"] and a.seq < b.seq
    assert [m.article_id for m in store.story_members(["s2", "s3"])] == [ids["c"], ids["d"]]
    assert store.story_members(["unknown"]) == []


def test_article_members_with_and_without_duplicates(store: Backend) -> None:
    ids = clustered(store).ids
    assert [m.article_id for m in store.article_members([ids["d"], ids["a"]])] == [
        ids["a"], ids["d"]]
    with_copies = store.article_members([ids["a"]], with_duplicates=True)
    assert [m.article_id for m in with_copies] == [ids["a"], ids["b"]]
    assert store.article_members(["unknown"]) == []


def test_entities_of_articles_and_articles_of_entities(store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    mentioned = store.member_entities([ids["c"]])
    assert {(m.entity.id, m.entity.name, m.entity.type, m.salience) for m in mentioned} == {
        (corpus.ada.id, "Ada Lovelace", "PER", 1.0), (corpus.acme.id, "Acme", "ORG", 0.5)}
    assert len(store.member_entities()) == 5
    assert store.entity_article_ids(corpus.acme.id) == sorted([ids["c"], ids["d"]])
    assert store.entity_article_ids("unknown") == []
    assert store.article_links(ids["b"]) == (ids["a"], "s1", None)
    assert store.article_links("unknown") == (None, None, None)


def test_entities_are_found_by_id_name_or_alias_and_listed_by_articles(
        store: Backend) -> None:
    corpus = clustered(store)
    assert store.find_entity(corpus.ada.id) == corpus.ada
    assert store.find_entity("ada lovelace") == corpus.ada  # any case
    assert store.find_entity("Countess Lovelace") == corpus.ada  # an alias
    assert store.find_entity("Nobody") is None
    assert store.list_entities() == [corpus.ada, corpus.acme]  # most articles first
    assert store.list_entities(1) == [corpus.ada]
    assert store.entity_names([corpus.acme.id, "unknown"]) == {corpus.acme.id: "Acme"}
    # (only listed entities have names to show: see test_read_model's confirmed entities)


def test_references_resolve_to_processed_articles_and_pairs_to_same_story(
        store: Backend) -> None:
    ids = clustered(store).ids
    assert store.feature_ids(["a", ids["c"], "unknown"]) == {"a": ids["a"], ids["c"]: ids["c"]}
    assert store.same_story([("a", "b"), ("a", "c"), ("a", "unknown")]) == {
        ("a", "b"): True, ("a", "c"): False, ("a", "unknown"): False}
    store.save_storylines([], {})
    assert store.same_story([("a", "b")], level="storyline") == {("a", "b"): False}


def test_pair_evidence_frequencies_over_the_corpus(store: Backend) -> None:
    corpus = clustered(store)
    df, documents = store.entity_document_frequency()
    assert (dict(df), documents) == ({corpus.ada.id: 3, corpus.acme.id: 2}, 4)
    assert store.term_document_frequency()["engine"] == 2


def test_diagnostic_samples_of_entities_vectors_and_titles(store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    assert store.entities_by_article_count(3, 10) == [corpus.ada.id]
    assert store.entities_by_article_count(1, 10) == sorted([corpus.ada.id, corpus.acme.id])
    # b is a's near-duplicate: an entity's context is built from originals only
    assert [v.tolist() for v in store.entity_vectors(corpus.ada.id)] == [
        [1, 0, 0, 0], [0, 1, 0, 0]]
    seqs = store.feature_seqs()
    vectors = store.vectors_at(seqs[-1:])
    assert list(vectors) == seqs[-1:]
    np.testing.assert_allclose(vectors[seqs[-1]], [0, 0, 1, 0])
    assert store.article_titles()[:2] == [(ids["a"], "Title a", "en"), (ids["b"], "Title b", "en")]
    assert store.vectors_at([]) == {}
