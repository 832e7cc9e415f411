"""How related two articles are, as a graded score: same story, related or unrelated.

The pair model (:mod:`newsloom.cluster.scoring`) answers a yes/no question, "the same
event?", and its probabilities are calibrated to that: sharp, near 0 or 1. Rated similarity
(SemEval-2022 Task 8's 1–4 scale) and storylines need the degree of relatedness instead:
two events of one storyline are related without being the same event. This score reads the
same evidence without a learned decision:

- the encoder cosine carries most of the signal;
- shared distinctive entities raise it a little (:data:`ENTITY_WEIGHT`);
- two stated publication dates weeks apart lower it (coverage of one story fades within days
  to weeks); an unknown date, or one read from the text or estimated, changes nothing;
- one logistic calibration makes it read as a probability. Both of its constants come from
  the encoder's cosines between *unrelated* articles (random pairs, no labels): mean 0.19 and
  standard deviation 0.097 for USE-m3 over the 123 multilingual texts of semeval-pairs-dev.
  The midpoint sits 3.5 standard deviations above that mean, where chance similarity ends; the
  slope takes the score from 0.1 to 0.9 across ±2 standard deviations.
"""

from __future__ import annotations

import math

from newsloom.cluster.scoring import PairFeatures

#: Weight of the entity overlap (a weighted Jaccard in [0, 1]) added to the cosine.
ENTITY_WEIGHT = 0.15
#: Date gaps up to this many days are normal for one story (follow-ups, weekly papers).
DATE_GRACE_DAYS = 7
#: Penalty per 30 days beyond the grace period, capped at two months' worth.
DATE_PENALTY_PER_MONTH = 0.1
DATE_PENALTY_CAP = 0.2
RANDOM_PAIR_MEAN = 0.19
RANDOM_PAIR_SD = 0.097
CALIBRATION_MIDPOINT = RANDOM_PAIR_MEAN + 3.5 * RANDOM_PAIR_SD
CALIBRATION_SLOPE = math.log(9) / (2 * RANDOM_PAIR_SD)


def date_penalty(f: PairFeatures) -> float:
    if f.date_gap_days is None or not f.stated_dates:
        return 0.0
    months_beyond = max(0, f.date_gap_days - DATE_GRACE_DAYS) / 30
    return min(DATE_PENALTY_CAP, DATE_PENALTY_PER_MONTH * months_beyond)


def relatedness(f: PairFeatures) -> float:
    """Graded relatedness in (0, 1): about 0.5 where chance similarity ends."""
    fused = f.cosine + ENTITY_WEIGHT * f.entity_overlap - date_penalty(f)
    return 1.0 / (1.0 + math.exp(-CALIBRATION_SLOPE * (fused - CALIBRATION_MIDPOINT)))
