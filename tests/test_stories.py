"""Story clustering: same-event grouping, incremental = batch, stable ids, merges logged."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from newsloom.cluster.index import VectorIndex
from newsloom.cluster.scoring import PairFeatures, probability
from newsloom.cluster.stories import StoryClusterer, cluster_all, story_id_for
from newsloom.cluster.storylines import link_storylines
from newsloom.model import Evidence, StoryProfile

DIM = 32


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _corpus(seed: int = 7) -> list[tuple[int, Evidence, str | None]]:
    """Four events, each reported 3–5 times with noise; entities and dates per event."""
    rng = np.random.default_rng(seed)
    centres = [_unit(rng.normal(size=DIM)) for _ in range(4)]
    items = []
    key = 0
    for event, centre in enumerate(centres):
        for copy in range(3 + event % 3):
            vector = _unit(centre + rng.normal(scale=0.12, size=DIM).astype(np.float32))
            items.append((key, Evidence(
                f"a{event}-{copy}", vector, {f"e{event}": 3.0, "shared": 1.0},
                date(2024, 1, 1) + timedelta(days=30 * event + copy)), None))
            key += 1
    order = rng.permutation(len(items))
    return [(k, items[i][1], None) for k, i in enumerate(order)]


def _groups(clusterer: StoryClusterer) -> set[frozenset[str]]:
    return {frozenset(members) for members in clusterer.stories().values()}


def test_articles_of_one_event_form_one_story() -> None:
    clusterer = cluster_all(_corpus(), VectorIndex(DIM))
    groups = _groups(clusterer)
    assert len(groups) == 4
    for group in groups:
        assert len({article.split("-")[0] for article in group}) == 1


def test_incremental_batches_equal_one_batch_and_ids_are_stable() -> None:
    items = _corpus()
    whole = cluster_all(items, VectorIndex(DIM))
    incremental = StoryClusterer(index=VectorIndex(DIM))
    for start in range(0, len(items), 4):  # several "runs" of four articles
        for key, evidence, duplicate_of in items[start:start + 4]:
            incremental.add(key, evidence, duplicate_of)
    assert incremental.story_of == whole.story_of
    again = cluster_all(items, VectorIndex(DIM))
    assert set(again.stories()) == set(whole.stories())
    first_article = items[0][1].article_id
    assert whole.story_of[first_article] == story_id_for(first_article)


def test_duplicates_join_their_original_story() -> None:
    items = _corpus()
    clusterer = cluster_all(items, VectorIndex(DIM))
    original = items[3][1]
    copy = Evidence("copy", _unit(-original.vector), {}, None)  # unlike in every way
    events = clusterer.add(len(items), copy, duplicate_of=original.article_id)
    assert events[0].kind == "join"
    assert clusterer.story_of["copy"] == clusterer.resolve(clusterer.story_of[original.article_id])


def test_date_gap_lowers_and_missing_date_does_not() -> None:
    near = PairFeatures(cosine=0.6, entity_overlap=0.3, date_gap_days=2)
    unknown = PairFeatures(cosine=0.6, entity_overlap=0.3, date_gap_days=None)
    far = PairFeatures(cosine=0.6, entity_overlap=0.3, date_gap_days=120)
    assert probability(near) == probability(unknown) > probability(far)


def test_storylines_need_distinctive_shared_actors() -> None:
    rng = np.random.default_rng(3)
    theme = _unit(rng.normal(size=DIM))

    def profile(name: str, entities: dict[str, float]) -> StoryProfile:
        return StoryProfile(name, _unit(theme + rng.normal(scale=0.08, size=DIM)), entities)

    profiles = [
        profile("att-1", {"huawei": 5, "att": 3, "usa": 2}),
        profile("russia-1", {"huawei": 5, "russia": 3, "mailru": 2, "usa": 1}),
        profile("att-2", {"huawei": 4, "att": 4, "usa": 2}),
        profile("russia-2", {"huawei": 4, "russia": 3, "mts": 2, "usa": 1}),
        profile("ren", {"huawei": 5, "ren": 3, "usa": 3}),
    ]
    lines = {frozenset(line.story_ids) for line in link_storylines(profiles)}
    assert lines == {frozenset({"att-1", "att-2"}), frozenset({"russia-1", "russia-2"}),
                     frozenset({"ren"})}
