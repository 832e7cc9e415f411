"""StoryProfiles and StorylineState: profiles kept per batch, storylines saved and listed."""

from __future__ import annotations

import numpy as np

from newsloom.model import ClusterEvent, Storyline
from newsloom.store.ports import Backend

from .conftest import StoreFactory
from .records import clustered


def test_a_batch_leaves_its_stories_dirty_with_profiles_of_their_originals(
        store: Backend) -> None:
    corpus = clustered(store)
    assert store.dirty_stories() == ["s1", "s2", "s3"]  # oldest first
    assert store.profiled_stories() == 3
    profiles = store.story_profiles(["s1", "s2", "unknown"])
    assert set(profiles) == {"s1", "s2"}
    np.testing.assert_allclose(profiles["s1"].centroid, [1, 0, 0, 0])
    # the duplicate b adds nothing: a's salience only
    assert dict(profiles["s1"].entities) == {corpus.ada.id: 2.0}
    assert dict(profiles["s2"].entities) == {corpus.ada.id: 1.0, corpus.acme.id: 0.5}
    assert store.story_entity_frequency([corpus.ada.id, corpus.acme.id, "x"]) == {
        corpus.ada.id: 2, corpus.acme.id: 2}
    assert store.stories_with_entity(corpus.acme.id, 10) == ["s3", "s2"]  # newest first
    assert store.stories_with_entity(corpus.acme.id, 1) == ["s3"]
    created = store.story_created(["s1", "s3"])
    assert set(created) == {"s1", "s3"} and created["s1"] < created["s3"]
    store.clear_dirty(["s2"])
    assert store.dirty_stories() == ["s1", "s3"]
    store.clear_dirty()
    assert store.dirty_stories() == []


def test_a_merge_folds_the_profile_into_the_survivor(store: Backend) -> None:
    corpus = clustered(store)
    store.clear_dirty()
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s2", corpus.ids["d"], "s3")])
    assert store.dirty_stories() == ["s2"]
    assert store.profiled_stories() == 2
    survivor = store.story_profiles(["s2", "s3"])
    assert set(survivor) == {"s2"}
    assert dict(survivor["s2"].entities) == {corpus.ada.id: 1.0, corpus.acme.id: 2.0}
    np.testing.assert_allclose(survivor["s2"].centroid, np.asarray([0, 1, 1, 0]) / np.sqrt(2),
                               rtol=1e-6)


def test_saved_storylines_are_listed_and_replace_the_old_ones(
        make_store: StoreFactory) -> None:
    store = make_store("main")
    clustered(store)
    assert not store.has_storylines()
    store.save_storylines([Storyline("L1", ["s1", "s2"], []), Storyline("L2", ["s3"], [])],
                          {"L1": "Ada Lovelace", "L2": "Acme"})
    again = make_store("main")
    assert again.has_storylines()
    assert again.storyline_of() == {"s1": "L1", "s2": "L1", "s3": "L2"}
    assert again.storyline_labels() == {"L1": "Ada Lovelace", "L2": "Acme"}
    assert again.storyline_stories() == {"L1": ["s1", "s2"], "L2": ["s3"]}
    assert [s for s, _ in again.storyline_members("L1")] == ["s1", "s2"]
    assert set(again.storylines_for(["s1", "s3", "unknown"])) == {"s1", "s3"}
    assert again.storylines_for(["s1"])["s1"][0] == "L1"
    assert again.resolve_storyline("L1") == "L1"
    assert again.resolve_storyline("never-was") is None
    assert again.same_story([("a", "c"), ("a", "d")], level="storyline") == {
        ("a", "c"): True, ("a", "d"): False}
    store.save_storylines([Storyline("L3", ["s1", "s2", "s3"], [])], {"L3": "All"})
    assert store.storyline_stories() == {"L3": ["s1", "s2", "s3"]}
    assert store.storyline_labels() == {"L3": "All"}


def test_incremental_changes_assign_relabel_and_retire_lines(store: Backend) -> None:
    clustered(store)
    store.save_storylines([Storyline("L1", ["s1"], []), Storyline("L2", ["s2"], [])],
                          {"L1": "One", "L2": "Two"})
    assert store.dirty_stories() == ["s1", "s2", "s3"]  # saving lines does not clean profiles
    store.save_storyline_changes({"s2": "L1", "s3": "L1"}, {"L1": "One and more"},
                                 {"L2": "L1"})
    assert store.storyline_stories() == {"L1": ["s1", "s2", "s3"]}
    assert store.storyline_labels() == {"L1": "One and more"}
    assert store.resolve_storyline("L2") == "L1"  # a retired line's id still resolves
    assert store.dirty_stories() == []
