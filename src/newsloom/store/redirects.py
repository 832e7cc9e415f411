"""Where a storyline id goes when its line is gone: the rule every store backend applies.

A storyline is *absorbed* when an incremental relink joins it into an older line (all of its
stories move there), and *replaced* when a full recomputation regroups every story and its id
is not among the new ones. Either way the old id keeps working: it is redirected to the line
that took most of its stories (ties: the smallest id, so the choice is reproducible).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping


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


def replaced_storylines(stories: Iterable[tuple[str, str | None, str | None]],
                        after: Mapping[str, str], live: Collection[str]) -> dict[str, str]:
    """Before a full recomputation stores new lines: each current line whose id is not
    among ``live`` → the new line holding most of its stories. ``stories`` are the stored
    (story, storyline id, merged into) rows, ``after`` the new story → line assignment; a
    merged story counts where its survivor went (its articles did)."""
    before, merged_into = {}, {}
    for story, line, survivor in stories:
        if line:
            before[story] = line
        if survivor:
            merged_into[story] = survivor
    after = dict(after)
    for story in merged_into:
        seen, current = {story}, merged_into[story]
        while current in merged_into and merged_into[current] not in seen:
            seen.add(current)
            current = merged_into[current]
        if current in after:
            after[story] = after[current]
    return storyline_successors(before, after, live)
