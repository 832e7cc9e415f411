"""Story clustering: same-event grouping, incremental = batch, stable ids, merges logged."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest

from newsloom.cluster.index import VectorIndex
from newsloom.cluster.scoring import PairFeatures, PairModel, probability, shipped_model
from newsloom.cluster.stories import (
    JOIN_PROBABILITY,
    MAX_STORY_DAYS,
    StoryClusterer,
    average_link_groups,
    cluster_all,
    story_id_for,
)
from newsloom.cluster.storylines import link_storylines
from newsloom.model import ClusterEvent, EventDate, Evidence, StoryProfile

DIM = 32


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


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


def test_near_dates_raise_far_dates_lower_and_no_date_sits_between() -> None:
    def pair(gap: int | None) -> PairFeatures:
        return PairFeatures(cosine=0.6, term_similarity=0.2, entity_overlap=0.3,
                            date_gap_days=gap)
    assert probability(pair(1)) > probability(pair(None)) > probability(pair(730))


def test_a_pair_without_words_is_scored_by_the_word_free_twin() -> None:
    model = shipped_model()
    assert model.without_terms is not None
    twin_coefficients, twin_intercept = model.without_terms
    assert twin_coefficients[1] == 0.0  # term_similarity is the second input
    cross = PairFeatures(cosine=0.7, term_similarity=None, entity_overlap=0.3,
                         date_gap_days=None)
    expected = 1 / (1 + math.exp(-(twin_intercept + sum(
        c * x for c, x in zip(twin_coefficients, cross.vector(model), strict=True)))))
    assert probability(cross) == pytest.approx(expected)
    # A same-language pair with words is scored by the full model, not the twin.
    same = dataclasses.replace(cross, term_similarity=0.4)
    full = 1 / (1 + math.exp(-(model.intercept + sum(
        c * x for c, x in zip(model.coefficients, same.vector(model), strict=True)))))
    assert probability(same) == pytest.approx(full)


def test_a_model_without_a_twin_still_imputes_the_words() -> None:
    model = dataclasses.replace(shipped_model(), without_terms=None)
    cross = PairFeatures(cosine=0.7, term_similarity=None, entity_overlap=0.0,
                         date_gap_days=None)
    imputed = dataclasses.replace(cross, term_similarity=model.imputed_terms(0.7))
    assert probability(cross, model) == probability(imputed, model)
    assert model.term_slope > 0  # words agree more where the encoder agrees more


def test_the_pair_model_round_trips_through_json_with_its_twin() -> None:
    model = shipped_model()
    again = PairModel.from_json(model.to_json())
    assert again == model
    broken = model.to_json()
    broken["without_terms"] = {"coefficients": [1.0], "intercept": 0.0}
    with pytest.raises(ValueError, match="without_terms"):
        PairModel.from_json(broken)


def _dated(article: str, vector: np.ndarray, day: date) -> Evidence:
    return Evidence(article, vector, {"e": 1.0}, day, event_date=EventDate(day, "day",
                                                                             "published"))


def test_a_story_has_a_time_bound() -> None:
    vector = _unit(np.ones(DIM, dtype=np.float32))
    clusterer = StoryClusterer(index=VectorIndex(DIM))
    clusterer.add(0, _dated("a", vector, date(2024, 1, 1)))
    clusterer.add(1, _dated("b", vector, date(2024, 1, 3)))
    clusterer.add(2, _dated("c", vector, date(2024, 1, 1) + timedelta(days=MAX_STORY_DAYS + 30)))
    assert clusterer.story_of["a"] == clusterer.story_of["b"] != clusterer.story_of["c"]


def test_two_reports_may_lie_up_to_twice_the_bound_apart_as_in_a_larger_story() -> None:
    # A pair's median lies between its two dates: a follow-up 35 days after the first report
    # joins it (a larger story already spanned that much), one 50 days after does not.
    vector = _unit(np.ones(DIM, dtype=np.float32))
    for gap, together in ((2 * MAX_STORY_DAYS - 7, True), (2 * MAX_STORY_DAYS + 8, False)):
        clusterer = StoryClusterer(index=VectorIndex(DIM))
        clusterer.add(0, _dated("a", vector, date(2024, 1, 1)))
        clusterer.add(1, _dated("b", vector, date(2024, 1, 1) + timedelta(days=gap)))
        assert (clusterer.story_of["a"] == clusterer.story_of["b"]) is together, gap


def test_a_report_far_from_a_story_s_bulk_stays_out_though_the_span_allows_it() -> None:
    # Ten reports on day 0: a report on day 30 lies within the span bound but 30 days from
    # the story's median, so it starts a story of its own.
    vector = _unit(np.ones(DIM, dtype=np.float32))
    clusterer = StoryClusterer(index=VectorIndex(DIM))
    for n in range(10):
        clusterer.add(n, _dated(f"a{n}", vector, date(2024, 1, 1)))
    clusterer.add(10, _dated("late", vector, date(2024, 1, 31)))
    assert clusterer.story_of["late"] != clusterer.story_of["a0"]


def test_a_story_does_not_creep_across_months_by_its_moving_median() -> None:
    # Coverage that thickens later pulls a story's median along: day 0, five reports on day
    # 14, seven on day 35 (each within the bound of the median then), then day 56. The story
    # may still span at most twice the bound.
    vector = _unit(np.ones(DIM, dtype=np.float32))
    clusterer = StoryClusterer(index=VectorIndex(DIM))
    start = date(2024, 1, 1)
    days = [0] + [14] * 5 + [35] * 7 + [56]
    for n, day in enumerate(days):
        clusterer.add(n, _dated(f"a{n}", vector, start + timedelta(days=day)))
    for members in clusterer.stories().values():
        spans = sorted(days[int(m[1:])] for m in members)
        assert spans[-1] - spans[0] <= 2 * MAX_STORY_DAYS, spans
    assert clusterer.story_of["a0"] != clusterer.story_of["a13"]


class _BridgeScorer(StoryClusterer):
    """Three stories that do not link to one another, and a report ("m…") that links to all."""

    def _scorer(self) -> Callable[[Evidence, Evidence], float]:
        def score(a: Evidence, b: Evidence) -> float:
            return 1.0 if "m" in (a.article_id[0], b.article_id[0]) else 0.0
        return score


def test_merges_are_bounded_by_every_story_merged_and_the_new_report() -> None:
    # Stories on days 0, 30 and -20; a report on day 15 links to all three, and each of them
    # fits it and the first alone in time. Merged one after the other, they would span 50
    # days: the bound counts what was merged before, so one of them stays apart.
    vector = _unit(np.ones(DIM, dtype=np.float32))
    clusterer = _BridgeScorer(index=VectorIndex(DIM))
    start = date(2024, 2, 1)
    for key, (name, day) in enumerate((("x", 0), ("y", 30), ("z", -20), ("m", 15))):
        clusterer.add(key, _dated(name, vector, start + timedelta(days=day)))
    days = {"x": 0, "y": 30, "z": -20, "m": 15}
    story = clusterer.stories()[clusterer.resolve(clusterer.story_of["m"])]
    assert len(story) >= 3  # the report joined one story and merged another into it
    assert max(days[a] for a in story) - min(days[a] for a in story) <= 2 * MAX_STORY_DAYS


class _DriftingScorer(StoryClusterer):
    """Pair probabilities that change as the corpus grows (as rarity weights do): the two
    halves of a story link just above the join bound at first and far below it later."""

    def _scorer(self) -> Callable[[Evidence, Evidence], float]:
        late = self.documents >= 7

        def score(a: Evidence, b: Evidence) -> float:
            if a.article_id[0] == b.article_id[0]:
                return 0.9
            return 0.05 if late else JOIN_PROBABILITY + 0.1
        return score


def test_a_story_that_lost_coherence_splits_deterministically() -> None:
    vector = _unit(np.ones(DIM, dtype=np.float32))
    order = ["a1", "b1", "a2", "b2", "a3", "b3", "a4", "a5"]

    def run() -> tuple[StoryClusterer, list[ClusterEvent]]:
        clusterer = _DriftingScorer(index=VectorIndex(DIM))
        events: list[ClusterEvent] = []
        for key, article in enumerate(order):
            events.extend(clusterer.add(key, Evidence(article, vector, {})))
        return clusterer, events

    clusterer, events = run()
    stories = {frozenset(m) for m in clusterer.stories().values()}
    assert stories == {frozenset({"a1", "a2", "a3", "a4", "a5"}), frozenset({"b1", "b2", "b3"})}
    assert clusterer.story_of["a1"] == story_id_for("a1")  # the larger part keeps the id
    splits = [e for e in events if e.kind == "split"]
    assert sorted(e.article_id for e in splits) == ["b1", "b2", "b3"]
    assert {e.other_story_id for e in splits} == {story_id_for("a1")}
    again, again_events = run()
    assert again.story_of == clusterer.story_of and again_events == events


def test_average_link_groups() -> None:
    block = {0: "x", 1: "x", 2: "y", 3: "y", 4: "x"}
    groups = average_link_groups(5, lambda i, j: 0.9 if block[i] == block[j] else 0.1, 0.5)
    assert groups == [[0, 1, 4], [2, 3]]


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


def test_storyline_labels_skip_calendar_words_dates_and_leftovers() -> None:
    from newsloom.cluster.storylines import label_text, label_worthy

    for junk in ("Friday", "New", "-RRB-", "2019", "12. März", "Maandag", "·"):
        assert not label_worthy(junk), junk
    for name in ("Ilham Aliyev", "MTS", "EU", "Strawberry Moon Festival", "AT&T"):
        assert label_worthy(name), name
    names = {"a": "Friday", "b": "Ilham Aliyev", "c": "-RRB-", "d": "Azerbaijan"}
    assert label_text(["a", "b", "c", "d"], names) == "Ilham Aliyev · Azerbaijan"
    assert label_text(["a", "c"], names) == "(unlabelled)"
    # a key without a name (an entity not listed) is left out, never shown as its id
    assert label_text(["x", "b", "d"], names) == "Ilham Aliyev · Azerbaijan"


def test_one_bridging_story_link_does_not_chain_two_storylines() -> None:
    """Two storylines on one theme; a late story of the second shares a distinctive actor
    ("london") with a story of the first. Story links alone (union-find) would chain them;
    the storylines must agree as wholes, and their actors matter to one side only."""
    rng = np.random.default_rng(5)
    theme = _unit(rng.normal(size=DIM))

    def profile(name: str, entities: dict[str, float]) -> StoryProfile:
        return StoryProfile(name, _unit(theme + rng.normal(scale=0.05, size=DIM)), entities)

    fillers = [profile(f"other-{i}", {f"solo-{i}": 1.0}) for i in range(8)]
    profiles = [
        profile("spill-1", {"bp": 5, "gulf": 3}),
        profile("spill-2", {"bp": 5, "gulf": 2}),
        profile("spill-3", {"bp": 4, "gulf": 3, "london": 1}),
        profile("flu-1", {"h1n1": 5, "who": 3}),
        profile("flu-2", {"h1n1": 5, "who": 2}),
        profile("flu-3", {"london": 5, "h1n1": 4}),  # led by the bridging actor
        *fillers,
    ]
    lines = {frozenset(line.story_ids) for line in link_storylines(profiles)}
    assert frozenset({"spill-1", "spill-2", "spill-3"}) in lines
    assert frozenset({"flu-1", "flu-2", "flu-3"}) in lines
