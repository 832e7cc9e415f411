"""Scoring of event clustering (BCubed, pairwise, same-kind merges) and the baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsloom.eval.events import (
    encoder_single_pass_runs,
    score_folds,
    tfidf_average_link_runs,
)

EVENTS = ["e1", "e1", "e2", "e2", "e3"]
KINDS = ["k1", "k1", "k1", "k1", "k2"]
ALL = [True] * 5


def test_perfect_clustering_scores_one() -> None:
    scores = score_folds("x", [([0, 0, 1, 1, 2], ALL)], EVENTS, KINDS)
    assert (scores.bcubed_f1, scores.pairwise_f1, scores.same_kind_merged) == (1.0, 1.0, 0.0)
    assert scores.largest_story_purity == 1.0


def test_merging_two_same_kind_events_is_counted() -> None:
    scores = score_folds("x", [([0, 0, 0, 0, 2], ALL)], EVENTS, KINDS)
    # BCubed precision: four articles at 2/4, one at 1/1 → 0.6; recall 1.0
    assert scores.bcubed_precision == pytest.approx(0.6)
    assert scores.bcubed_recall == 1.0
    assert scores.same_kind_merged == 1.0
    assert (scores.largest_story, scores.largest_story_purity) == (4, 0.5)


def test_folds_score_each_article_once_in_its_own_run() -> None:
    good = [0, 0, 1, 1, 2]
    bad = [0, 0, 0, 0, 0]  # would merge everything, but scores only e3's article
    folds = [(good, [True, True, True, True, False]), (bad, [False] * 4 + [True])]
    scores = score_folds("x", folds, EVENTS, KINDS)
    assert scores.bcubed_recall == 1.0
    assert scores.bcubed_precision == pytest.approx((4 * 1.0 + 1 / 5) / 5)


def test_baselines_separate_obvious_groups() -> None:
    texts = ["quake hits chile coast", "chile quake coast damage", "rehab star enters clinic",
             "star checks into rehab clinic"]
    runs = tfidf_average_link_runs(texts)
    assert runs[0.1][0] == runs[0.1][1] != runs[0.1][2] == runs[0.1][3]
    vectors = [np.array([1.0, 0.0]), np.array([0.99, 0.14]), np.array([0.0, 1.0])]
    single = encoder_single_pass_runs([v / np.linalg.norm(v) for v in vectors])
    assert single[0.9] == [0, 0, 2]


DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "events-dev"


@pytest.mark.shared_data
@pytest.mark.skipif(not DATA.exists(), reason="needs ../shared/data/events-dev")
def test_eval_events_beats_the_kind_only_clustering_on_events_dev() -> None:
    from newsloom.eval.events import evaluate_events

    report = evaluate_events(DATA)
    methods = {m.method: m for m in report.methods}
    ours = methods["newsloom (kinds held out)"]
    per_kind = methods["one cluster per kind (never separates events)"]
    assert report.articles >= 200
    assert per_kind.same_kind_merged == 1.0
    assert ours.bcubed_f1 > per_kind.bcubed_f1
    assert ours.same_kind_merged < 1.0
