"""Counted nouns for every surface (CLI, report, pages): "1 story", "1,266 entities"."""

from __future__ import annotations

# English plurals the product prints; anything else takes a plain "s".
_IRREGULAR = {
    "story": "stories",
    "entity": "entities",
    "storyline": "storylines",
    "match": "matches",
    "is": "are",
    "was": "were",
}


def plural(noun: str, count: int) -> str:
    """The noun as it reads after `count`: singular for exactly 1, else plural."""
    if count == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, noun: str) -> str:
    """'1 story', '0 stories', '1,266 entities' (thousands separated)."""
    return f"{count:,} {plural(noun, count)}"
