"""Lemmas: words reduced to their dictionary form in the article's language.

The store keeps a second full-text index over each article's title and text rewritten as
lower-case lemmas (simplemma, dictionary lookup: "Netze" → "netz", "bittet" → "bitten"),
because full-text tokenizers cannot call Python; :func:`lemma_text` is what that index holds.
Search lemmatises query words the same way, and event features count content lemmas. Words
simplemma does not know, and languages it does not cover, stay as they are (lower-case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: Word tokens as FTS5's unicode61 tokenizer sees them (letters and digits); everything else,
#: including FTS5 query syntax (quotes, *, parentheses, ":", "^"), separates words.
WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return frozenset(SUPPORTED_LANGUAGES)


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str | None) -> str:
    """Lower-case lemma of one word in ``lang`` (the word itself when unknown)."""
    lower = word.lower()
    if not lang or lang not in _supported() or word.isdigit():
        return lower
    import simplemma

    try:
        return str(simplemma.lemmatize(word, lang=lang)).lower()
    except Exception:
        return lower


def lemma_text(text: str | None, lang: str | None) -> str:
    """``text`` as space-separated lower-case lemmas (what the lemma index stores)."""
    if not text:
        return ""
    # numbers are their own lemma: kept out of the cache, which unique figures would fill
    return " ".join(word if word.isdigit() else lemma(word, lang)
                    for word in WORD.findall(text))


def load_lexicons(languages: Iterable[str]) -> None:
    """Load simplemma's lexicons now (each costs up to ~2 s once per process)."""
    for lang in languages:
        lemma.__wrapped__("warm", lang)
