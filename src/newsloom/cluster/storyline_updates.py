"""Incremental storylines: relink only the stories changed since the last update.

:func:`newsloom.cluster.storylines.link_storylines` regroups every story, which cost 64 s at
24,000 articles and 276 s at 49,000 (docs/benchmarks.md, "Scale"). Here the work is bounded
by what changed: the store keeps each story's profile up to date (store/sqlite/profiles.py)
and marks the stories a batch touched; each touched story is compared with a bounded set of
candidates, and storylines it links are joined (the older root's id survives, as in the full
computation).

Same link rule, rarity and labels as the full computation, with these documented
differences (tests/test_storyline_updates.py checks equality where they do not apply):

- **links are only added.** A story whose profile drifts keeps its storyline; two untouched
  stories are not re-compared when rarity (which depends on every story) drifts. The full
  computation (``update_storylines(store, full=True)``) regroups from scratch.
- **bounded candidates.** Per touched story, its :data:`LINK_KEYS` most distinctive
  entities are looked up, each in the :data:`RECENT_PER_ENTITY` stories that took it up
  last; the full computation takes every entity's 200 most recent earlier stories.
- **labels** weigh the :data:`LABEL_STORIES` most recent stories of a storyline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsloom.cluster.storylines import (
    RECENT_PER_ENTITY,
    LineProfile,
    lines_agree,
    linked,
    rarity_weights,
    storyline_id_for,
    storyline_label,
)
from newsloom.model import StoryProfile
from newsloom.store.ports import StoryProfiles

#: Entities of a touched story used to look for candidates: the most distinctive ones
#: (salience × rarity). A link needs a shared distinctive actor (storylines.shared_lead),
#: which weak, common entities cannot provide.
LINK_KEYS = 12
#: Stories whose labels are recomputed from, per storyline: the most recent ones.
LABEL_STORIES = 200


@dataclass(slots=True)
class StorylineChanges:
    """What one incremental update decided."""

    touched: list[str]
    assign: dict[str, str] = field(default_factory=dict)  # story → storyline id
    labels: dict[str, list[str]] = field(default_factory=dict)  # line → label entity ids
    #: stored lines absorbed by older ones → the line that absorbed them (took all of their
    #: stories): the store redirects their ids there
    retired: dict[str, str] = field(default_factory=dict)
    compared: int = 0  # candidate pairs scored


def relink(source: StoryProfiles) -> StorylineChanges:
    """Link the stories changed since the last update into storylines."""
    touched = source.dirty_stories()
    changes = StorylineChanges(touched)
    if not touched:
        return changes
    stories = source.profiled_stories()
    profiles = source.story_profiles(touched)
    rarity = _rarity(source, profiles.values(), stories)
    candidates = {story: _candidates(source, profiles[story], rarity)
                  for story in touched if story in profiles}
    missing = sorted({c for cs in candidates.values() for c in cs} - profiles.keys())
    profiles.update(source.story_profiles(missing))
    rarity.update(_rarity(source, (profiles[c] for c in missing if c in profiles), stories))
    links: list[tuple[str, str]] = []
    for story, found in candidates.items():
        for other in found:
            if other in profiles:
                changes.compared += 1
                if linked(profiles[story], profiles[other], rarity):
                    links.append((story, other))
    _join(source, touched, links, changes, stories, (profiles, rarity))
    return changes


def _rarity(source: StoryProfiles, profiles: Iterable[StoryProfile], stories: int
            ) -> dict[str, float]:
    keys = sorted({key for p in profiles for key in p.entities})
    return rarity_weights(source.story_entity_frequency(keys), stories)


def _candidates(source: StoryProfiles, profile: StoryProfile, rarity: dict[str, float]
                ) -> list[str]:
    top = max(profile.entities.values(), default=1.0)
    keys = sorted((k for k in profile.entities if rarity.get(k, 0.0) > 0.0),
                  key=lambda k: (-profile.entities[k] / top * rarity[k], k))[:LINK_KEYS]
    found: dict[str, None] = {}
    for key in keys:
        for other in source.stories_with_entity(key, RECENT_PER_ENTITY):
            if other != profile.story_id:
                found.setdefault(other)
    return list(found)


def _line_profiles(source: StoryProfiles, lines: dict[str, list[tuple[str, int]]],
                   singles: dict[str, str], known: tuple[dict[str, StoryProfile],
                                                       dict[str, float]], stories: int
                   ) -> dict[str, LineProfile]:
    """Each involved storyline as one profile, from its :data:`LABEL_STORIES` most recent
    stories (a new line: its one story); rarity is extended to their entities."""
    profiles, rarity = known
    recent = {line: [s for s, _ in sorted(rows, key=lambda r: (-r[1], r[0]))[:LABEL_STORIES]]
              for line, rows in lines.items()}
    missing = sorted({s for ids in recent.values() for s in ids} - profiles.keys())
    profiles.update(source.story_profiles(missing))
    rarity.update(_rarity(source, (profiles[s] for s in missing if s in profiles), stories))
    found: dict[str, LineProfile] = {}
    for line, ids in [*recent.items(), *((line, [s]) for s, line in singles.items())]:
        for story in ids:
            if story in profiles:
                part = LineProfile(profiles[story])
                if line in found:
                    found[line].absorb(part)
                else:
                    part.id, found[line] = line, part
    return found


def _join(source: StoryProfiles, touched: Sequence[str], links: Sequence[tuple[str, str]],
          changes: StorylineChanges, stories: int,
          known: tuple[dict[str, StoryProfile], dict[str, float]]) -> None:
    """Union the storylines of linked stories when they agree as wholes
    (:func:`newsloom.cluster.storylines.lines_agree`); every touched story ends up in one."""
    involved = sorted({s for pair in links for s in pair} | set(touched))
    current = {story: line for story, (line, _) in source.storylines_for(involved).items()}
    created = source.story_created(involved)
    line_of = {s: current.get(s) or storyline_id_for(s) for s in involved}
    members = {line: source.storyline_members(line) for line in set(current.values())}
    # A line's age is that of its oldest (root) story, whose id it carries.
    age = {line: (rows[0][1], rows[0][0]) for line, rows in members.items() if rows}
    for story, line in line_of.items():
        age.setdefault(line, (created.get(story, 0), story))
    parent = {line: line for line in age}
    singles = {s: line for s, line in line_of.items() if line not in members}
    whole = _line_profiles(source, members, singles, known, stories)
    rarity = known[1]

    def find(line: str) -> str:
        while parent[line] != line:
            parent[line] = parent[parent[line]]
            line = parent[line]
        return line

    for a, b in links:
        ra, rb = find(line_of[a]), find(line_of[b])
        if ra != rb and (ra not in whole or rb not in whole
                         or lines_agree(whole[ra], whole[rb], rarity)):
            older, younger = sorted((ra, rb), key=lambda r: age[r])
            parent[younger] = older
            if older in whole and younger in whole:
                whole[older].absorb(whole.pop(younger))
    groups: dict[str, set[str]] = {}
    for line in parent:
        groups.setdefault(find(line), set()).add(line)
    for survivor, lines in sorted(groups.items()):
        changes.retired.update((line, survivor) for line in sorted(lines - {survivor})
                               if line in members)
        stories_in = {s for line in lines for s, _ in members.get(line, [])}
        stories_in |= {s for s, line in line_of.items() if line in lines}
        for story in sorted(stories_in):
            if current.get(story) != survivor:
                changes.assign[story] = survivor
        changes.labels[survivor] = _label(source, sorted(stories_in), stories)


def _label(source: StoryProfiles, members: Sequence[str], stories: int) -> list[str]:
    created = source.story_created(members)
    recent = sorted(members, key=lambda s: (-created.get(s, 0), s))[:LABEL_STORIES]
    profiles = source.story_profiles(recent)
    return storyline_label(profiles.values(), _rarity(source, profiles.values(), stories))
