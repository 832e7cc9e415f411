"""CorpusState and EntityLookup: what is pending, one committed batch, and resuming from it."""

from __future__ import annotations

import numpy as np

from newsloom.enrich.name_context import EntityContexts
from newsloom.model import Alias, ClusterEvent
from newsloom.store.ports import Backend

from .conftest import StoreFactory
from .records import clustered, entity, feature, page


def test_pending_articles_are_current_articles_in_ingest_order(store: Backend) -> None:
    store.add([page("a"), page("b", "b one"), page("c")])
    store.add([page("b", "b two")])  # a new version: the old one is never pending
    pending = store.pending_articles(10)
    sources = {a.id: a.source_id for a in store.articles()}
    assert [sources[a] for _, a in pending] == ["a", "c", "b"]
    seqs = [seq for seq, _ in pending]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert store.count_pending_articles() == 3
    assert store.pending_articles(2) == pending[:2]
    assert store.pending_articles(10, after=pending[0][0]) == pending[1:]


def test_a_committed_batch_is_clustered_and_no_longer_pending(store: Backend) -> None:
    store.add([page("e")])
    corpus = clustered(store)
    assert store.count_clustered_articles() == 4
    left = store.get_article("e")
    assert left is not None and [a for _, a in store.pending_articles(10)] == [left.id]
    assert store.count_pending_articles() == 1
    assert store.max_feature_seq() == max(store.feature_seqs())
    assert store.duplicates_after(0) == 1 and store.live_story_count() == 3
    assert [a for a, _ in store.clustered_sources()] == [corpus.ids[s] for s in "abcd"]


def test_cluster_state_resumes_what_was_committed(make_store: StoreFactory) -> None:
    corpus = clustered(make_store("main"))
    state = make_store("main").load_cluster_state()  # as a later run opens it
    ids = corpus.ids
    assert state.story_of == {ids["a"]: "s1", ids["b"]: "s1", ids["c"]: "s2", ids["d"]: "s3"}
    assert sorted(state.keys.values()) == sorted(ids.values())
    assert [state.keys[k] for k in sorted(state.keys)] == [ids[s] for s in "abcd"]
    assert state.entity_df == {corpus.ada.id: 3, corpus.acme.id: 2}
    assert state.term_df == {"engine": 2, "hall": 1, "hires": 1, "profits": 1}
    assert set(state.created) == {"s1", "s2", "s3"} and state.redirects == {}
    assert state.created["s1"] < state.created["s2"] < state.created["s3"]
    assert state.vector_sum is not None
    np.testing.assert_allclose(state.vector_sum, [2, 1, 1, 0])
    total, count = make_store("main").corpus_vector_sum()
    assert count == 4 and total is not None
    np.testing.assert_allclose(total, [2, 1, 1, 0])


def test_merges_are_followed_by_cluster_state_and_resolve_story(store: Backend) -> None:
    corpus = clustered(store)
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s1", corpus.ids["c"], "s2")])
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s3", corpus.ids["a"], "s1")])
    state = store.load_cluster_state()
    assert state.redirects == {"s2": "s1", "s1": "s3"}
    assert set(state.story_of.values()) == {"s3"}  # every member moved with its story
    assert store.resolve_story("s2") == "s3"  # the chain is followed to the live story
    assert store.resolve_story("s3") == "s3"
    assert store.resolve_story("no-such-story") == "no-such-story"
    assert {m.article_id for m in store.story_members([store.resolve_story("s2")])} == set(
        corpus.ids.values())
    assert store.live_story_count() == 1


def test_evidence_is_what_the_batch_stored(store: Backend) -> None:
    corpus = clustered(store)
    found = store.evidence([corpus.ids["a"], corpus.ids["c"], "unknown"])
    assert set(found) == {corpus.ids["a"], corpus.ids["c"]}
    a, c = found[corpus.ids["a"]], found[corpus.ids["c"]]
    np.testing.assert_allclose(a.vector, [1, 0, 0, 0])
    assert dict(a.entities) == {corpus.ada.id: 2.0}
    assert (a.outlet, a.language, str(a.published)) == ("Daily", "en", "2024-03-01")
    assert dict(a.terms) == {"engine": 1, "hall": 1}
    assert a.event_date is not None and a.event_date.granularity == "day"
    assert dict(c.entity_types) == {corpus.ada.id: "PER", corpus.acme.id: "ORG"}
    assert (c.language, c.published, c.event_date) == ("de", None, None)


def test_band_candidates_are_stored_originals_sharing_a_band(store: Backend) -> None:
    corpus = clustered(store)
    assert set(store.band_candidates([(1, b"a1")])) == {corpus.ids["a"], corpus.ids["c"]}
    assert set(store.band_candidates([(0, b"d0"), (0, b"zz")])) == {corpus.ids["d"]}
    assert store.band_candidates([(5, b"a1")]) == {}  # the band number counts too
    assert store.band_candidates([]) == {}
    signature = store.band_candidates([(0, b"d0")])[corpus.ids["d"]]
    assert signature.tolist() == [3] * 8


def test_entities_for_keys_aliases_surnames_and_ids(store: Backend) -> None:
    store.add([page("x")])
    article = store.get_article("x")
    assert article is not None
    grace = entity("e-grace", "Grace Hopper")
    nasa = entity("e-nasa", "NASA", "ORG")
    other = entity("e-other", "Other Thing", "MISC")
    seq = store.pending_articles(1)[0][0]
    store.save_corpus_batch([feature(article.id, seq, "s1", (1, 0, 0, 0))],
                            [grace, nasa, other],
                            [Alias("name:national aeronautics", nasa.id, "acronym")],
                            [ClusterEvent("create", "s1", article.id)])

    def ids(keys: list[str], surnames: tuple[str, ...] = (), wanted: tuple[str, ...] = ()
            ) -> tuple[set[str], set[str]]:
        entities, aliases = store.entities_for(keys, surnames, wanted)
        return {e.id for e in entities}, {a.alias_key for a in aliases}

    assert ids([grace.key]) == ({grace.id}, set())
    assert ids(["name:national aeronautics"]) == ({nasa.id}, {"name:national aeronautics"})
    assert ids([], ("hopper",)) == ({grace.id}, set())  # a person by surname
    assert ids([], ("thing",)) == (set(), set())  # only people have surnames
    assert ids([], (), (other.id,)) == ({other.id}, set())
    assert ids(["name:nobody"]) == (set(), set())


def test_entity_contexts_and_name_terms_saved_with_a_batch_are_loaded(
        make_store: StoreFactory) -> None:
    store = make_store("main")
    store.add([page("x")])
    article = store.get_article("x")
    assert article is not None
    grace = entity("e-grace", "Grace Hopper")
    contexts = EntityContexts()
    contexts.add(grace.id, np.asarray([0.6, 0.8, 0, 0], dtype=np.float32))
    contexts.add_article(np.asarray([1, 0, 0, 0], dtype=np.float32))
    seq = store.pending_articles(1)[0][0]
    store.save_corpus_batch([feature(article.id, seq, "s1", (1, 0, 0, 0))], [grace], [],
                            [ClusterEvent("create", "s1", article.id)], contexts)
    loaded = EntityContexts()
    make_store("main").load_contexts([grace.id, "e-unknown"], loaded, with_corpus=True)
    assert set(loaded.sums) == {grace.id} and loaded.counts[grace.id] == 1
    np.testing.assert_allclose(loaded.sums[grace.id], contexts.sums[grace.id])
    assert loaded.corpus_count == contexts.corpus_count
    np.testing.assert_allclose(np.asarray(loaded.corpus_sum), np.asarray(contexts.corpus_sum))
    assert store.entity_ids_for_terms(["hopper", "nobody"]) == {"hopper": [grace.id]}


def test_the_vector_index_lives_at_a_stable_path(make_store: StoreFactory) -> None:
    first, again, other = make_store("main"), make_store("main"), make_store("other")
    path = first.vector_index_path()
    if path is None:  # the database indexes the vectors itself: no file, for any store
        assert again.vector_index_path() is None and other.vector_index_path() is None
        return
    assert path == again.vector_index_path()
    assert path != other.vector_index_path()
