"""Incremental storylines (cluster/storyline_updates.py) against the full recomputation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsloom.cluster.storyline_updates import StorylineChanges, relink
from newsloom.cluster.storylines import link_storylines
from newsloom.cluster.views import story_profile
from newsloom.model import StoryProfile
from newsloom.pipeline.corpus import build_stories, update_storylines
from newsloom.pipeline.ingest import PipelineOptions, ingest
from newsloom.store import SQLiteStore

DIM = 24


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


class MemorySource:
    """The store's profile tables in memory: stories in creation order, dirty marks,
    storyline assignment; :meth:`apply` does what ``save_storyline_changes`` does."""

    def __init__(self) -> None:
        self.profiles: dict[str, StoryProfile] = {}
        self.created: dict[str, int] = {}
        self.postings: dict[str, list[str]] = {}  # entity → stories, in order taken up
        self.dirty: list[str] = []
        self.line: dict[str, str] = {}

    def add(self, profile: StoryProfile) -> None:
        self.created[profile.story_id] = len(self.created)
        self.profiles[profile.story_id] = profile
        for key in profile.entities:
            self.postings.setdefault(key, []).append(profile.story_id)
        self.dirty.append(profile.story_id)

    def apply(self, changes: StorylineChanges) -> None:
        self.line.update(changes.assign)
        self.dirty = []

    def dirty_stories(self) -> list[str]:
        return list(self.dirty)

    def story_profiles(self, story_ids: Sequence[str]) -> dict[str, StoryProfile]:
        return {s: self.profiles[s] for s in story_ids if s in self.profiles}

    def story_entity_frequency(self, entity_ids: Sequence[str]) -> dict[str, int]:
        return {k: len(self.postings[k]) for k in entity_ids if k in self.postings}

    def profiled_stories(self) -> int:
        return len(self.profiles)

    def stories_with_entity(self, entity_id: str, limit: int) -> list[str]:
        return list(reversed(self.postings.get(entity_id, [])))[:limit]

    def storylines_for(self, story_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        return {s: (self.line[s], self.created[s]) for s in story_ids if s in self.line}

    def storyline_members(self, line_id: str) -> list[tuple[str, int]]:
        return sorted(((s, self.created[s]) for s, line in self.line.items() if line == line_id),
                      key=lambda item: item[1])

    def story_created(self, story_ids: Sequence[str]) -> dict[str, int]:
        return {s: self.created[s] for s in story_ids if s in self.created}

    def partition(self) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for story, line in self.line.items():
            groups.setdefault(line, set()).add(story)
        return {frozenset(g) for g in groups.values()}


def _profiles(seed: int = 3) -> list[StoryProfile]:
    """Five themes, 3–6 stories each, in interleaved creation order. Stories of a theme
    share its centroid direction and two distinctive actors; every story also names one
    of two ubiquitous places, and a few themes share one actor (a link needs both)."""
    rng = np.random.default_rng(seed)
    centres = [_unit(rng.normal(size=DIM)) for _ in range(5)]
    stories = []
    for theme, centre in enumerate(centres):
        for k in range(3 + theme % 4):
            entities = {f"t{theme}-a": 3.0 + k % 2, f"t{theme}-b": 2.0,
                        f"place{k % 2}": 1.5, f"solo-{theme}-{k}": 1.0}
            if theme in (1, 2):
                entities["crossover"] = 1.0
            vector = _unit(centre + rng.normal(scale=0.15, size=DIM).astype(np.float32))
            stories.append(StoryProfile(f"s{theme}-{k}", vector, entities))
    order = rng.permutation(len(stories))
    return [stories[i] for i in order]


def _full(profiles: Sequence[StoryProfile]) -> set[frozenset[str]]:
    return {frozenset(line.story_ids) for line in link_storylines(profiles)}


def test_incremental_batches_equal_full_recomputation() -> None:
    profiles = _profiles()
    source = MemorySource()
    for start in range(0, len(profiles), 4):  # batches of four new stories
        for profile in profiles[start:start + 4]:
            source.add(profile)
        source.apply(relink(source))
    assert source.partition() == _full(profiles)
    # the themes themselves: every storyline is one theme
    for group in source.partition():
        assert len({story.split("-")[0] for story in group}) == 1


def test_every_touched_story_gets_a_line_and_older_root_id_survives() -> None:
    profiles = _profiles()
    source = MemorySource()
    source.add(profiles[0])
    first = relink(source)
    source.apply(first)
    assert first.assign == {profiles[0].story_id: next(iter(first.labels))}
    line_of_first = source.line[profiles[0].story_id]
    for profile in profiles[1:]:
        source.add(profile)
    source.apply(relink(source))
    assert set(source.line) == {p.story_id for p in profiles}
    theme = profiles[0].story_id.split("-")[0]
    assert {line for story, line in source.line.items() if story.startswith(theme + "-")} \
        == {line_of_first}


def test_update_touches_only_dirty_stories() -> None:
    profiles = _profiles()
    source = MemorySource()
    for profile in profiles[:-1]:
        source.add(profile)
    source.apply(relink(source))
    source.add(profiles[-1])
    changes = relink(source)
    assert changes.touched == [profiles[-1].story_id]
    # compared with candidates sharing an actor, not with every story
    sharing = {s for k in profiles[-1].entities for s in source.postings[k]} - {
        profiles[-1].story_id}
    assert 0 < changes.compared <= len(sharing) < len(profiles) - 1


def test_nothing_to_do_without_dirty_stories() -> None:
    source = MemorySource()
    changes = relink(source)
    assert changes.touched == [] and changes.assign == {} and changes.compared == 0


# -- the store: profiles kept per batch, incremental update on the example corpus ----------

SEEDS = Path(__file__).parents[1] / "examples" / "seeds"


def _analyze(store: SQLiteStore, paths: Sequence[Path]) -> None:
    ingest(list(paths), store, PipelineOptions(workers=1))
    build_stories(store, workers=1)


def _partition(store: SQLiteStore) -> set[frozenset[str]]:
    source_of = {a.id: a.source_id for a in store.articles()}
    members = store.story_members()
    story_articles: dict[str, set[str]] = {}
    for row in members:
        story_articles.setdefault(row.story_id, set()).add(source_of[row.article_id][:3])
    return {frozenset(a for s in stories for a in story_articles[s])
            for stories in store.storyline_stories().values()}


def test_seeds_in_two_runs_incremental_equals_full(tmp_path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    with SQLiteStore(tmp_path / "two-runs.db") as store:
        _analyze(store, seeds[:3])
        update_storylines(store)  # first time: full
        assert store.dirty_stories() == []
        _analyze(store, seeds[3:])
        touched = store.dirty_stories()
        assert 1 <= len(touched) <= 2  # only what the second run added
        update_storylines(store)  # incremental
        assert store.dirty_stories() == []
        incremental = _partition(store)
        # the persisted profiles are what the members give
        members = store.story_members()
        entities = store.member_entities()
        vectors = store.article_vectors()
        for story_id, profile in store.story_profiles(sorted({m.story_id for m in members})
                                                      ).items():
            rows = [m for m in members if m.story_id == story_id]
            ids = {m.article_id for m in rows}
            expected = story_profile(story_id, rows, [e for e in entities
                                                      if e.article_id in ids], vectors)
            assert np.allclose(profile.centroid, expected.centroid, atol=1e-5)
            assert profile.entities.keys() == expected.entities.keys()
            assert all(abs(profile.entities[k] - v) < 1e-6 for k, v in expected.entities.items())
        update_storylines(store, full=True)
        assert _partition(store) == incremental
    with SQLiteStore(tmp_path / "one-run.db") as store:
        _analyze(store, seeds)
        update_storylines(store)
        assert _partition(store) == incremental
    line_of = {a: group for group in incremental for a in group}
    assert line_of["002"] == line_of["003"] != line_of["000"] == line_of["004"]
    assert line_of["001"] == frozenset({"001"})
