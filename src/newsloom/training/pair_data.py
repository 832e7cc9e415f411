"""SemEval-2022 Task 8 rated pairs (``pairs.csv``), read by the pair-model training
(:mod:`newsloom.training.pair_model`) and by the benchmarks (``newsloom eval pairs``,
``newsloom eval search``).

Each pair is rated "Overall" from 1 (same story) to 4 (unrelated); newsloom counts a pair as
the same story at :data:`SAME_STORY_MAX_RATING` or below.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SAME_STORY_MAX_RATING = 2.0


@dataclass(frozen=True, slots=True)
class LabelledPair:
    id1: str
    id2: str
    lang_pair: str
    overall: float


def read_pairs(path: Path) -> list[LabelledPair]:
    with path.open(encoding="utf-8") as stream:
        return [LabelledPair(r["id1"], r["id2"], "-".join(sorted((r["lang1"], r["lang2"]))),
                             float(r["overall"])) for r in csv.DictReader(stream)]
