"""Lemmatised text for the second full-text index, and the query terms that match it.

FTS5's tokenizers cannot call Python, so the store keeps a contentless FTS5 table
(``articles_lemma_fts``, migration 4) over each article's title and text rewritten as
lower-case lemmas in the article's language (simplemma, dictionary lookup: "Netze" →
"netz", "bittet" → "bitten"). SQLite calls :func:`lemma_text` from triggers, registered on
every connection as ``newsloom_lemmas``, so ingest keeps the index current by itself.
Words simplemma does not know, and languages it does not cover, stay as they are (lower-case).
"""

from __future__ import annotations

import re
import unicodedata
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


def query_terms(text: str, languages: Iterable[str]) -> list[tuple[str, ...]]:
    """One group of alternative index terms per query word: the word itself (lower-case)
    and its lemma in each candidate language, since a short query's language is unknown."""
    langs = sorted(set(languages))
    groups: list[tuple[str, ...]] = []
    for word in WORD.findall(text):
        forms = dict.fromkeys([word.lower()] + [lemma(word, lang) for lang in langs])
        groups.append(tuple(forms))
    return groups


def match_expression(groups: list[tuple[str, ...]], operator: str = "AND") -> str:
    """FTS5 MATCH string: every term quoted (so no query word is read as syntax), the
    alternatives of one word OR-ed, the words joined by ``operator`` (AND or OR)."""
    parts = ["(" + " OR ".join(f'"{term}"' for term in group) + ")" for group in groups]
    return f" {operator} ".join(parts)


def index_form(term: str) -> str:
    """``term`` as FTS5's ``unicode61 remove_diacritics 2`` stores it (its vocabulary)."""
    decomposed = unicodedata.normalize("NFD", term.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_lexicons(languages: Iterable[str]) -> None:
    """Load simplemma's lexicons now (each costs up to ~2 s once per process)."""
    for lang in languages:
        lemma.__wrapped__("warm", lang)
