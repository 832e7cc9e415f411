"""The pair model's fit: a full logistic model and its word-free twin for pairs without words."""

from __future__ import annotations

import numpy as np

from newsloom.cluster.scoring import FEATURE_NAMES, PairFeatures
from newsloom.training.pair_model import fit


def _pairs(seed: int = 3) -> tuple[list[PairFeatures], list[bool]]:
    """Same-event pairs have higher cosines and words; the words carry part of the signal."""
    rng = np.random.default_rng(seed)
    feats, labels = [], []
    for n in range(400):
        same = n % 4 == 0
        cosine = float(np.clip(rng.normal(0.7 if same else 0.45, 0.1), -1, 1))
        terms = float(np.clip(rng.normal(0.45 if same else 0.15, 0.1), 0, 1))
        feats.append(PairFeatures(cosine=cosine, term_similarity=terms,
                                  entity_overlap=float(rng.uniform(0, 0.2)),
                                  date_gap_days=None))
        labels.append(same)
    return feats, labels


def test_the_twin_leaves_the_words_out_and_leans_more_on_the_encoder() -> None:
    feats, labels = _pairs()
    model = fit(feats, labels)
    assert model.without_terms is not None
    twin, _ = model.without_terms
    words = FEATURE_NAMES.index("term_similarity")
    cosine = FEATURE_NAMES.index("centred_cosine")
    assert twin[words] == 0.0 and model.coefficients[words] > 0
    # Without the words, the encoder carries what they carried.
    assert twin[cosine] > model.coefficients[cosine] > 0

