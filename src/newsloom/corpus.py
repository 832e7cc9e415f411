"""The corpus stages, after extraction: features → entities → duplicates → stories.

Per-article work (:func:`featurize`: NER, entity linking, MinHash, embedding) is a function of
a batch of articles with models loaded once per process. Resolution, duplicate lookup and
clustering see the corpus through the store and go strictly in ingest order, one committed
batch at a time: an interrupted run resumes with the first article that has no features.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from newsloom.cluster.index import VectorIndex
from newsloom.cluster.stories import StoryClusterer
from newsloom.cluster.storylines import link_storylines
from newsloom.cluster.views import build_story, build_storyline, story_profile
from newsloom.enrich.entities import link_article
from newsloom.enrich.ner import recognize_many
from newsloom.enrich.resolve import EntityResolver
from newsloom.model import (
    Article,
    ArticleEntity,
    ClusterEvent,
    Evidence,
    MemberEntity,
    MemberRow,
    Mention,
    Story,
    Storyline,
    StorylineRecord,
)
from newsloom.represent.embed import Vectors, event_text, get_embedder
from newsloom.represent.minhash import DuplicateIndex, Signature, signature
from newsloom.store import SQLiteStore
from newsloom.store.sqlite_corpus import FeatureRow

log = logging.getLogger("newsloom")

#: Characters of an article given to NER: entities that matter are named early, and the cap
#: bounds the time a 100-page document can take.
NER_CHARS = 6000
BATCH_SIZE = 256


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    article_id: str
    entities: list[ArticleEntity]
    signature: Signature
    vector: np.ndarray


def featurize(articles: Sequence[Article], embedder: str = "use-m3") -> list[ArticleFeatures]:
    """Per-article features of a batch; NER runs per language with batched inference."""
    by_lang: dict[str | None, list[int]] = defaultdict(list)
    texts = [f"{a.title}\n{a.text}"[:NER_CHARS] if a.title else a.text[:NER_CHARS]
             for a in articles]
    for i, article in enumerate(articles):
        by_lang[article.language].append(i)
    mentions: list[list[Mention]] = [[] for _ in articles]
    for lang, members in by_lang.items():
        found = recognize_many([texts[i] for i in members], lang)
        for i, article_mentions in zip(members, found, strict=True):
            mentions[i] = article_mentions
    vectors: Vectors = get_embedder(embedder).embed([event_text(a) for a in articles])
    return [
        ArticleFeatures(a.id, link_article(a.title, a.text[:NER_CHARS], mentions[i],
                                                  a.language),
                        signature(a.text), vectors[i])
        for i, a in enumerate(articles)
    ]


def _index_path(store: SQLiteStore) -> Path:
    return store.path.with_name(store.path.name + ".vectors.usearch")


def _published(article: Article) -> date | None:
    return date.fromisoformat(article.published.value) if article.published else None


@dataclass
class CorpusStage:
    """State for one run of the corpus stages over a store."""

    store: SQLiteStore
    embedder: str = "use-m3"

    def __post_init__(self) -> None:
        entities, aliases = self.store.load_entities()
        self.resolver = EntityResolver.from_entities(entities, aliases)
        state = self.store.load_cluster_state()
        dim = get_embedder(self.embedder).dim
        index = VectorIndex(dim, _index_path(self.store))
        if len(index) != len(state.keys):  # missing or stale index file: rebuild from store
            index.reset()
            for key, vector in self._stored_vectors(state.keys):
                index.add(key, vector)
        self.clusterer = StoryClusterer(index=index, load=self.store.evidence,
                                        story_of=state.story_of, keys=state.keys,
                                        entity_df=state.entity_df, documents=len(state.keys),
                                        created=state.created, redirects=state.redirects)
        self.duplicates = DuplicateIndex()
        self.duplicates.add_all(self.store.signatures())

    def _stored_vectors(self, keys: dict[int, str]) -> list[tuple[int, np.ndarray]]:
        evidence = self.store.evidence(list(keys.values()))
        return [(k, evidence[a].vector) for k, a in keys.items() if a in evidence]

    def run_batch(self, batch: Sequence[tuple[int, str]]) -> list[ClusterEvent]:
        articles = [self.store.get_article(article_id) for _, article_id in batch]
        present = [(seq, a) for (seq, _), a in zip(batch, articles, strict=True) if a]
        feats = featurize([a for _, a in present], self.embedder)
        rows, events = [], []
        for (seq, article), feat in zip(present, feats, strict=True):
            resolved = self.resolver.resolve_article(feat.entities, article.language)
            matches = self.duplicates.matches(feat.signature)
            duplicate_of = matches[0][0] if matches else None
            if duplicate_of is None:
                self.duplicates.add(article.id, feat.signature)
            evidence = Evidence(article.id, feat.vector,
                                {r.entity_id: r.salience for r in resolved},
                                _published(article), article.outlet, article.language)
            happened = self.clusterer.add(seq, evidence, duplicate_of)
            events.extend(happened)
            rows.append(FeatureRow(article.id, seq, self.embedder, feat.vector, feat.signature,
                                   duplicate_of, self.clusterer.story_of[article.id], resolved))
        entities, aliases = self.resolver.take_changes()
        self.store.save_corpus_batch(rows, entities, aliases, events)
        self.clusterer.index.save()
        return events


def build_stories(store: SQLiteStore, embedder: str = "use-m3", batch_size: int = BATCH_SIZE,
                  on_progress: Callable[[int, int], None] | None = None) -> int:
    """Run the corpus stages over every article that has none yet; returns how many."""
    total = store.count_pending_articles()
    if total == 0:
        return 0
    stage = CorpusStage(store, embedder)
    done = 0
    while batch := store.pending_articles(batch_size):
        stage.run_batch(batch)
        done += len(batch)
        if on_progress:
            on_progress(done, total)
    return done


def _members_by_story(store: SQLiteStore) -> dict[str, list[MemberRow]]:
    members: dict[str, list[MemberRow]] = defaultdict(list)
    for row in store.story_members():
        members[row.story_id].append(row)
    return members


def _entities_by_article(store: SQLiteStore) -> dict[str, list[MemberEntity]]:
    found: dict[str, list[MemberEntity]] = defaultdict(list)
    for item in store.member_entities():
        found[item.article_id].append(item)
    return found


def update_storylines(store: SQLiteStore) -> list[Storyline]:
    """Recompute storylines over all stories (cheap next to clustering) and store them."""
    members = _members_by_story(store)
    entities = _entities_by_article(store)
    vectors = store.article_vectors()
    order = sorted(members, key=lambda s: min(m.seq for m in members[s]))
    profiles = [story_profile(s, members[s], [e for m in members[s]
                                              for e in entities.get(m.article_id, [])], vectors)
                for s in order]
    lines = link_storylines(profiles)
    names = {e.entity.id: e.entity.name for items in entities.values() for e in items}
    labels = {line.id: " · ".join(names.get(k, k) for k in line.label_entities) or "(unlabelled)"
              for line in lines}
    store.save_storylines(lines, labels)
    return lines


def list_stories(store: SQLiteStore, lang: str | None = None) -> list[Story]:
    """Every story, largest first (then newest), with its derived attributes."""
    members = _members_by_story(store)
    entities = _entities_by_article(store)
    storyline_of = store.storyline_of()
    stories = [build_story(s, rows, [e for m in rows for e in entities.get(m.article_id, [])],
                           storyline_of.get(s), lang) for s, rows in members.items()]
    return sorted(stories, key=lambda s: (-len(s.article_ids), -(max(
        (m.seq for m in members[s.id]), default=0))))


def list_storylines(store: SQLiteStore, lang: str | None = None,
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


def article_export_record(store: SQLiteStore, article: Article) -> dict[str, object]:
    """The article's export record plus what the corpus stages found about it."""
    record: dict[str, object] = article.to_record()
    duplicate_of, story_id, storyline_id = store.article_links(article.id)
    record["entities"] = [
        {"id": e.entity.id, "name": e.entity.name, "type": e.entity.type,
         "mentions": e.entity.mentions}
        for e in sorted(store.member_entities([article.id]), key=lambda e: -e.salience)]
    record.update(duplicate_of=duplicate_of, story_id=story_id, storyline_id=storyline_id)
    return record
