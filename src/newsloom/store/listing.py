"""What a story and a storyline show, derived from their member rows: the definition of the
read model the API and pages list. Backend-neutral on purpose: every backend keeps its
persisted rows equal to these (store/sqlite/readmodel.py derives a story's row with
:func:`build_story`), and :func:`newsloom.queries.stories.list_stories` derives them anew.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from newsloom.model import EntityRef, MemberEntity, MemberRow, Story, StorylineRecord

KEY_ENTITIES = 5


def members_by_story(rows: Iterable[MemberRow]) -> dict[str, list[MemberRow]]:
    members: dict[str, list[MemberRow]] = defaultdict(list)
    for row in rows:
        members[row.story_id].append(row)
    return members


def entities_by_article(items: Iterable[MemberEntity]) -> dict[str, list[MemberEntity]]:
    found: dict[str, list[MemberEntity]] = defaultdict(list)
    for item in items:
        found[item.article_id].append(item)
    return found


def _key_entities(members: Sequence[MemberRow], entities: Sequence[MemberEntity],
                  limit: int = KEY_ENTITIES) -> list[EntityRef]:
    """Confirmed entities by summed salience over the independent (non-duplicate) articles.

    Only what ``newsloom entities`` lists (:func:`newsloom.model.entities.confirmed_entity`):
    a story's chips are what a reader sees first, and one article's unbacked tagging is right
    about half the time ("Frauen", "Kameras", "Fixkosten" led the chips of one-article stories
    before). An entity confirmed later relists the stories naming it
    (``CorpusBatchWrites.save_corpus_batch``)."""
    independent = {m.article_id for m in members if m.duplicate_of is None}
    weight: dict[str, float] = defaultdict(float)
    mentions: dict[str, int] = defaultdict(int)
    refs: dict[str, EntityRef] = {}
    for item in entities:
        if item.article_id in independent and item.entity.confirmed:
            weight[item.entity.id] += item.salience
            mentions[item.entity.id] += item.entity.mentions
            refs[item.entity.id] = item.entity
    ranked = sorted(weight, key=lambda k: (-weight[k], k))[:limit]
    return [EntityRef(k, refs[k].name, refs[k].type, mentions[k]) for k in ranked]


def _representative_title(members: Sequence[MemberRow], lang: str | None) -> str:
    titled = sorted((m for m in members if m.title), key=lambda m: (m.duplicate_of is not None,
                                                                   m.seq))
    if lang:
        preferred = [m for m in titled if m.language == lang]
        titled = preferred or titled
    return titled[0].title or "" if titled else "(untitled)"


def known_outlets(outlets: Iterable[str | None]) -> set[str]:
    """Distinct known outlets, names folded by case and spacing ("Der Spiegel" = "der  spiegel").
    An article whose outlet is unknown is not another independent source: it adds nothing."""
    return {" ".join(o.split()).casefold() for o in outlets if o and o.strip()}


def _dates(members: Sequence[MemberRow]) -> tuple[str | None, str | None]:
    dates = sorted(m.published for m in members if m.published)
    return (dates[0], dates[-1]) if dates else (None, None)


def build_story(story_id: str, members: Sequence[MemberRow], entities: Sequence[MemberEntity],
                storyline_id: str | None, lang: str | None = None) -> Story:
    members = sorted(members, key=lambda m: m.seq)
    independent = [m for m in members if m.duplicate_of is None]
    # Independent sources: known outlets of the non-duplicate articles (0 when none is known).
    outlets = known_outlets(m.outlet for m in independent)
    first, last = _dates(members)
    return Story(
        id=story_id,
        title=_representative_title(members, lang),
        languages=sorted({m.language for m in members if m.language}),
        article_ids=[m.article_id for m in members],
        duplicates=len(members) - len(independent),
        sources=len(outlets),
        key_entities=_key_entities(members, entities),
        first_seen=first,
        last_seen=last,
        storyline_id=storyline_id,
    )


def build_storyline(line_id: str, label: str, stories: Sequence[Story]) -> StorylineRecord:
    merged: dict[str, EntityRef] = {}
    for story in stories:
        for ref in story.key_entities:
            known = merged.get(ref.id)
            merged[ref.id] = EntityRef(ref.id, ref.name, ref.type,
                                       ref.mentions + (known.mentions if known else 0))
    firsts = [s.first_seen for s in stories if s.first_seen]
    lasts = [s.last_seen for s in stories if s.last_seen]
    return StorylineRecord(
        id=line_id, label=label, story_ids=[s.id for s in stories],
        key_entities=sorted(merged.values(), key=lambda r: (-r.mentions, r.id))[:KEY_ENTITIES],
        first_seen=min(firsts) if firsts else None, last_seen=max(lasts) if lasts else None)
