"""Lemmas: words reduced to their dictionary form in the article's language.

The store keeps a second full-text index over each article's title and text rewritten as
lower-case lemmas (simplemma, dictionary lookup: "Netze" → "netz", "bittet" → "bitten"),
because full-text tokenizers cannot call Python; :func:`lemma_text` is what that index holds.
Lemmas come from simplemma's lexicons kept as sorted files on disk, never loaded whole.
Search lemmatises query words the same way (:func:`query_lemma`, which also remembers each
word's lemma on disk), and event features count content lemmas. Words
simplemma does not know, and languages it does not cover, stay as they are (lower-case).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simplemma import Lemmatizer
    from simplemma.strategies import DictionaryLookupStrategy

    from newsloom.text.lexicon_index import IndexedDictionaryFactory

#: Word tokens as FTS5's unicode61 tokenizer sees them (letters and digits); everything else,
#: including FTS5 query syntax (quotes, *, parentheses, ":", "^"), separates words.
WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _supported() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return frozenset(SUPPORTED_LANGUAGES)


def _lemma_by(lemmatize: Callable[[str, str], str], word: str, lang: str | None) -> str:
    lower = word.lower()
    if not lang or lang not in _supported() or word.isdigit():
        return lower
    try:
        return str(lemmatize(word, lang)).lower()
    except Exception:
        return lower


@lru_cache(maxsize=1)
def _indexed_factory() -> IndexedDictionaryFactory:
    from newsloom.text.lexicon_index import IndexedDictionaryFactory

    return IndexedDictionaryFactory()


@lru_cache(maxsize=1)
def _indexed_lemmatizer() -> Lemmatizer:
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy

    # simplemma.lemmatize's own set-up (DefaultStrategy, greedy off) over another dictionary
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(
        dictionary_factory=_indexed_factory()))


@lru_cache(maxsize=1)
def _indexed_lookup() -> DictionaryLookupStrategy:
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(_indexed_factory())


def _indexed(word: str, lang: str) -> str:
    return _indexed_lemmatizer().lemmatize(word, lang)


def reset_lexicons() -> None:
    """Forget the opened lexicon files, so the next lookup opens them under the cache
    folder of that moment (tests point NEWSLOOM_CACHE_DIR elsewhere)."""
    for cached in (_indexed_factory, _indexed_lemmatizer, _indexed_lookup, lexicon_knows,
                   lexicon_lemma):
        cached.cache_clear()


@lru_cache(maxsize=100_000)
def lexicon_lemma(word: str, lang: str) -> str:
    """``simplemma.lemmatize(word, lang=lang)``, case kept, from the lexicon files on disk.
    Raises ValueError for a language simplemma does not have, as simplemma does."""
    return _indexed(word, lang)


@lru_cache(maxsize=200_000)
def lexicon_knows(word: str, lang: str) -> bool:
    """``simplemma.is_known(word, lang=lang)`` from the lexicon files on disk: the entity
    clean-up asks it of a few thousand words per batch, and simplemma's own answer loads
    each language's lexicon whole first (1-6 s of CPU per language and process); a lookup
    in the file takes ~15 µs, and news repeats its words, so answers are kept. Raises
    ValueError for a language simplemma does not have, as simplemma does."""
    import unicodedata

    return _indexed_lookup().get_lemma(unicodedata.normalize("NFC", word), lang) is not None


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str | None) -> str:
    """Lower-case lemma of one word in ``lang`` (the word itself when unknown), as
    ``simplemma.lemmatize`` gives it, looked up in the lexicon's file on disk
    (text/lexicon_index.py, mapped, shared by every process through the page cache). Loading
    simplemma's lexicons whole instead cost 0.4-6.6 s per language and process and ~1 GB of
    memory for AEB's languages, for lookups ~15 µs faster per distinct word."""
    return _lemma_by(_indexed, word, lang)


@lru_cache(maxsize=20_000)
def query_lemma(word: str, lang: str | None) -> str:
    """The same lemma as :func:`lemma`, for the few words of a query or a snippet: each is
    also kept on disk (text/lemma_memo.py), so a later process asking for the same word does
    not import simplemma at all."""
    if not lang or word.isdigit():
        return word.lower()
    from newsloom.text.lemma_memo import memo_for

    memo = memo_for(lang)
    found = memo.get(word) if memo is not None else None
    if found is None:
        found = _lemma_by(_indexed, word, lang)
        if memo is not None:
            memo.add(word, found)
    return found


def lemma_text(text: str | None, lang: str | None) -> str:
    """``text`` as space-separated lower-case lemmas (what the lemma index stores)."""
    if not text:
        return ""
    # numbers are their own lemma: kept out of the cache, which unique figures would fill
    return " ".join(word if word.isdigit() else lemma(word, lang)
                    for word in WORD.findall(text))


def index_lexicons(languages: Iterable[str]) -> None:
    """Open (building where missing) the on-disk lexicons :func:`query_lemma` reads. Opened
    directly: a word the lemma memo already knows would not reach the lexicon."""
    factory = _indexed_factory()
    for lang in languages:
        if lang in _supported():
            factory.get_dictionary(lang)
