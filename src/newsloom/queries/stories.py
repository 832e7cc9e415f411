"""Stories and storylines as listed by the CLI, the API, the pages and the report, derived
from their member articles, and an article's export record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from newsloom.cluster.views import (
    build_story,
    build_storyline,
    entities_by_article,
    members_by_story,
)
from newsloom.model import Article, Story, StorylineRecord
from newsloom.store.ports import StoryReader


def list_stories(store: StoryReader, lang: str | None = None) -> list[Story]:
    """Every story, largest first (then newest), with its derived attributes."""
    members = members_by_story(store.story_members())
    entities = entities_by_article(store.member_entities())
    storyline_of = store.storyline_of()
    stories = [build_story(s, rows, [e for m in rows for e in entities.get(m.article_id, [])],
                           storyline_of.get(s), lang) for s, rows in members.items()]
    return sorted(stories, key=lambda s: (-len(s.article_ids), -(max(
        (m.seq for m in members[s.id]), default=0))))


def list_storylines(store: StoryReader, lang: str | None = None,
                    stories: Sequence[Story] | None = None) -> list[StorylineRecord]:
    """Storylines with their stories; pass ``stories`` when already listed to avoid a reload."""
    grouped: dict[str, list[Story]] = defaultdict(list)
    for story in stories if stories is not None else list_stories(store, lang):
        if story.storyline_id:
            grouped[story.storyline_id].append(story)
    labels = store.storyline_labels()
    lines = [build_storyline(line_id, labels.get(line_id, ""),
                             sorted(members, key=lambda s: (s.first_seen or "9999", s.id)))
             for line_id, members in grouped.items()]
    return sorted(lines, key=lambda line: (-len(line.story_ids), line.id))


def article_export_record(store: StoryReader, article: Article) -> dict[str, object]:
    """The article's export record plus what the corpus stages found about it."""
    record: dict[str, object] = article.to_record()
    duplicate_of, story_id, storyline_id = store.article_links(article.id)
    record["entities"] = [
        {"id": e.entity.id, "name": e.entity.name, "type": e.entity.type,
         "mentions": e.entity.mentions, "confirmed": e.entity.confirmed}
        for e in sorted(store.member_entities([article.id]), key=lambda e: -e.salience)]
    record.update(duplicate_of=duplicate_of, story_id=story_id, storyline_id=storyline_id)
    return record
