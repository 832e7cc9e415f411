"""Corpus-wide entity resolution: per-article keys → canonical entities with stable ids.

Per-article linking (:mod:`newsloom.enrich.entities`) already unifies scripts, place names
and inflections it can check inside one article. Across articles this adds what only the
corpus shows: an inflected form whose base is a known entity ("Huaweis" in an article that
never says "Huawei"), and a bare surname whose full name is known ("Trump" → "Donald
Trump") when exactly one known person fits, and a related spelling ("Mail.ru Group",
"Selenskyj") of a known entity when the article reads like that entity's articles
(:mod:`newsloom.enrich.name_context`). Every alias is recorded with its reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from newsloom.enrich.name_context import (
    EntityContexts,
    NameMatchOptions,
    candidate_tokens,
    context_alias,
)
from newsloom.enrich.places import place
from newsloom.model import Alias, ArticleEntity, Entity, EntityType, ResolvedEntity

_MAX_INFLECTION = 2
_MIN_BASE = 3
#: Weight of one article in the type vote; an article's mentions only break ties.
_ARTICLE_VOTE = 1000


def entity_id_for(key: str) -> str:
    return "e" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:11]


def display_name(key: str, surface: str) -> str:
    """Places get their English CLDR name; everything else the surface form first seen."""
    found = place(key) if key.startswith("loc:") else None
    return found.name("en") if found else surface


@dataclass
class EntityResolver:
    """In-memory resolution state, loaded from the store once per run."""

    entities: dict[str, Entity] = field(default_factory=dict)  # id → entity
    by_key: dict[str, str] = field(default_factory=dict)  # key or alias key → id
    surnames: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    new_aliases: list[Alias] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # entity ids created or changed
    #: Context vectors and the name-term index behind the similar-name rule.
    contexts: EntityContexts = field(default_factory=EntityContexts)
    name_terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    name_options: NameMatchOptions = field(default_factory=NameMatchOptions)
    #: Mentions per type of each name entity: its type is the majority over the corpus.
    type_votes: dict[str, Counter[EntityType]] = field(default_factory=dict)

    @classmethod
    def from_entities(cls, entities: list[Entity], aliases: list[Alias]) -> EntityResolver:
        resolver = cls()
        for entity in entities:
            resolver._index(entity)
        for alias in aliases:
            resolver.by_key[alias.alias_key] = alias.entity_id
        return resolver

    def _index(self, entity: Entity) -> None:
        if entity.id not in self.type_votes and entity.key.startswith("name:"):
            # A stored entity's votes are not stored: its type counts once per article.
            self.type_votes[entity.id] = Counter(
                {entity.type: _ARTICLE_VOTE * entity.articles})
        self.entities[entity.id] = entity
        self.by_key[entity.key] = entity.id
        tokens = entity.key.removeprefix("name:").split()
        if entity.type == "PER" and len(tokens) > 1:
            self.surnames[tokens[-1]].add(entity.id)
        if entity.key.startswith("name:"):
            for term in candidate_tokens(entity.key, self.name_options):
                self.name_terms[term].add(entity.id)

    def _corpus_alias(self, item: ArticleEntity, vector: npt.NDArray[np.float32] | None
                      ) -> Alias | None:
        key = item.key
        if not key.startswith("name:"):
            return None
        name = key.removeprefix("name:")
        for cut in range(1, _MAX_INFLECTION + 1):
            base = f"name:{name[:-cut]}"
            if len(name) - cut >= _MIN_BASE and name[-cut:].isalpha() and base in self.by_key:
                return Alias(key, self.by_key[base], "inflection")
        if item.type == "PER" and " " not in name:
            people = self.surnames.get(name, set())
            if len(people) == 1:
                return Alias(key, next(iter(people)), "surname of a known full name")
        if vector is None:
            return None
        ids = sorted({i for term in candidate_tokens(key, self.name_options)
                      for i in self.name_terms.get(term, ())})
        return context_alias(key, item.type, vector, [self.entities[i] for i in ids],
                             self.contexts, self.name_options)

    def _resolve(self, item: ArticleEntity, lang: str | None,
                 vector: npt.NDArray[np.float32] | None) -> ResolvedEntity:
        entity_id = self.by_key.get(item.key)
        if entity_id is None:
            alias = self._corpus_alias(item, vector)
            if alias is not None:
                self.by_key[alias.alias_key] = alias.entity_id
                self.new_aliases.append(alias)
                entity_id = alias.entity_id
        if entity_id is None:
            entity = Entity(id=entity_id_for(item.key), key=item.key,
                            name=display_name(item.key, item.name), type=item.type, aliases={},
                            vouched=item.vouched)
            self._index(entity)
            entity_id = entity.id
        self._add_surfaces(entity_id, item, lang)
        self._vote(entity_id, item)
        entity = self.entities[entity_id]
        return ResolvedEntity(entity_id, entity.name, entity.type, item.mentions, item.salience,
                              item.surfaces)

    def _vote(self, entity_id: str, item: ArticleEntity) -> None:
        """Count the article's vote for its type; the entity takes the corpus majority (ties
        keep the current type). Places (``loc:`` keys) are always LOC."""
        votes = self.type_votes.get(entity_id)
        if votes is None:
            return
        entity = self.entities[entity_id]
        # One vote per article, mentions breaking ties: propagation repeats an article's
        # one reading of a name, so its mentions are not independent votes.
        # A person is introduced by full name in news; a one-word name typed PER in an
        # article that never names it in full ("Huawei" read as a surname) only breaks ties.
        bare_person = item.type == "PER" and " " not in item.name.strip()
        votes[item.type] += item.mentions if bare_person else _ARTICLE_VOTE + item.mentions
        best, count = votes.most_common(1)[0]
        if best != entity.type and count > votes[entity.type]:
            self.entities[entity_id] = replace(entity, type=best)
            self.touched.add(entity_id)

    def _add_surfaces(self, entity_id: str, item: ArticleEntity, lang: str | None) -> None:
        entity = self.entities[entity_id]
        aliases = {k: list(v) for k, v in entity.aliases.items()}
        known = aliases.setdefault(lang or "und", [])
        known.extend(s for s in item.surfaces if s not in known)
        self.entities[entity_id] = replace(entity, aliases=aliases,
                                           vouched=entity.vouched or item.vouched)
        self.touched.add(entity_id)

    def resolve_article(self, items: list[ArticleEntity], lang: str | None,
                        vector: npt.NDArray[np.float32] | None = None
                        ) -> list[ResolvedEntity]:
        """Resolve all of one article's entities; two keys that resolve to one entity merge.
        ``vector``, the article's document embedding, enables the similar-name rule and
        joins the context of every entity the article mentions."""
        merged: dict[str, ResolvedEntity] = {}
        for item in items:
            resolved = self._resolve(item, lang, vector)
            previous = merged.get(resolved.entity_id)
            if previous is not None:
                resolved = ResolvedEntity(
                    resolved.entity_id, resolved.name, resolved.type,
                    previous.mentions + resolved.mentions, previous.salience + resolved.salience,
                    previous.surfaces + tuple(s for s in resolved.surfaces
                                              if s not in previous.surfaces))
            merged[resolved.entity_id] = resolved
        for entity_id in merged:
            entity = self.entities[entity_id]
            self.entities[entity_id] = replace(entity, articles=entity.articles + 1)
            if vector is not None and entity.key.startswith("name:"):
                # Only names are ever matched by context; places resolve by the gazetteer.
                self.contexts.add(entity_id, vector)
        if vector is not None:
            self.contexts.add_article(vector)
        return sorted(merged.values(), key=lambda r: (-r.salience, r.entity_id))

    def take_changes(self) -> tuple[list[Entity], list[Alias]]:
        """Entities created or updated and aliases learned since the last call."""
        changed = [self.entities[i] for i in sorted(self.touched)]
        aliases, self.new_aliases, self.touched = self.new_aliases, [], set()
        return changed, aliases
