"""Made-up mentions for the entity tests: a span found in a text, and what the mention
clean-up keeps of spans."""

from __future__ import annotations

from newsloom.enrich.mentions import refine_mentions
from newsloom.model import EntityType, Mention


def at(text: str, surface: str, kind: EntityType) -> Mention:
    """The mention of ``surface``'s first occurrence in ``text``."""
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, kind)


def kept(text: str, spans: list[tuple[str, EntityType]], lang: str) -> list[tuple[str, str]]:
    """(text, type) of what the clean-up keeps of ``spans`` in ``text``."""
    found = refine_mentions(text, [at(text, s, k) for s, k in spans], lang)
    return [(m.text, m.type) for m in found]
