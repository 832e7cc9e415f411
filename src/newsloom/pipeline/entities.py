"""Entity resolution state loaded per batch from the store, not per run from the whole corpus.

:class:`~newsloom.enrich.resolve.EntityResolver` was built from every stored entity and alias
at the start of each run: at 50,000 articles that is a corpus-sized load before the first new
article. Resolving one article only ever consults a few keys, so :class:`StoredEntities`
fetches exactly those before each batch (indexed lookups), and resolution decides as it would
with everything loaded (tests/test_scale_store.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable

from newsloom.enrich.name_context import candidate_tokens
from newsloom.enrich.resolve import _MAX_INFLECTION, EntityResolver
from newsloom.model import ArticleEntity
from newsloom.store.ports import EntityLookup


class StoredEntities:
    """Owns a resolver and fills it from the store on demand."""

    def __init__(self, store: EntityLookup) -> None:
        self.store = store
        self.resolver = EntityResolver()
        # Only this run writes the store, so a key looked up once needs no second look:
        # whatever it resolves to later is created in (and remembered by) the resolver.
        self._keys_seen: set[str] = set()
        self._surnames_seen: set[str] = set()
        self._terms_seen: set[str] = set()
        store.load_contexts([], self.resolver.contexts, with_corpus=True)

    def prefetch(self, items: Iterable[ArticleEntity]) -> None:
        """Load every stored entity that resolving ``items`` can consult: the keys
        themselves, their aliases, the bases the inflection rule may strip them to (the
        resolver's own constant, imported so the two cannot drift), and every person whose
        surname a bare name may stand for."""
        keys: set[str] = set()
        surnames: set[str] = set()
        terms: set[str] = set()
        for item in items:
            keys.add(item.key)
            if item.key.startswith("name:"):
                terms.update(candidate_tokens(item.key, self.resolver.name_options))
                name = item.key.removeprefix("name:")
                keys.update(f"name:{name[:-cut]}" for cut in range(1, _MAX_INFLECTION + 1)
                            if len(name) > cut)
                if item.type == "PER" and " " not in name:
                    surnames.add(name)
        keys -= self._keys_seen
        surnames -= self._surnames_seen
        terms -= self._terms_seen
        if not keys and not surnames and not terms:
            return
        self._keys_seen |= keys
        self._surnames_seen |= surnames
        self._terms_seen |= terms
        # Entities with a similar name are what the similar-name rule may choose from.
        similar = sorted({i for ids in self.store.entity_ids_for_terms(sorted(terms)).values()
                          for i in ids})
        entities, aliases = self.store.entities_for(sorted(keys), sorted(surnames), similar)
        known = self.resolver
        # Indexed by the resolver's own code; what is already in memory is newer than the
        # store (this run changed it), so it is never overwritten.
        loaded = EntityResolver.from_entities(
            [e for e in entities if e.id not in known.entities], aliases)
        for entity_id, entity in loaded.entities.items():
            known.entities.setdefault(entity_id, entity)
        for key, entity_id in loaded.by_key.items():
            known.by_key.setdefault(key, entity_id)
        for surname, people in loaded.surnames.items():
            known.surnames[surname] |= people
        for term, ids in loaded.name_terms.items():
            known.name_terms[term] |= ids
        # Before any of them gains this run's articles: the stored sums are the base.
        self.store.load_contexts(sorted(loaded.entities), known.contexts)
