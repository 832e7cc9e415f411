"""Where a storyline id goes when its line is gone: the rule every store backend applies.

A storyline is *absorbed* when an incremental relink joins it into an older line (all of its
stories move there), and *replaced* when a full recomputation regroups every story and its id
is not among the new ones. Either way the old id keeps working: it is redirected to the line
that took most of its stories (ties: the smallest id, so the choice is reproducible).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping


def storyline_successors(before: Mapping[str, str], after: Mapping[str, str],
                         live: Collection[str]) -> dict[str, str]:
    """Gone storyline → the live line now holding most of its stories.

    ``before`` and ``after`` map story → storyline id before and after the change; a line in
    ``before`` that is not in ``live`` is gone. A gone line none of whose stories has a line
    now gets no successor (its id stays unknown)."""
    taken: dict[str, Counter[str]] = defaultdict(Counter)
    for story, line in before.items():
        now = after.get(story)
        if line not in live and now is not None and now in live:
            taken[line][now] += 1
    return {line: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            for line, counts in taken.items()}
