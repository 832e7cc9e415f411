"""Is a capitalised word a common word? Lexicon tests behind the mention clean-up.

A tagger trained on Wikipedia fragments calls many capitalised words names: sentence-initial
words ("Aclaran", "Congratulations"), headers ("Publicidad", "Buitenland"), German nouns
("Chefposten", "Lockdown"), month and weekday names. Whether a word is a common word is a
property of the language, which its lexicon knows (simplemma's Wiktionary-derived tables):

- **Languages that write common nouns in lower case** (en, nl, fr, es, pl, …): the lexicon
  lists proper nouns capitalised ("Trump" → lemma "Trump") and common words in lower case, so
  a capitalised word whose lemma is lower-case ("Vivienda" → "vivienda", "Lire" → "lire",
  "Coronavirus" → "coronavirus") is a common word written with a capital.
- **German** capitalises every noun, so the lemma's case says nothing. A German noun is a
  common noun when its lemma also takes a plural or dative ending
  (:func:`newsloom.enrich.mentions._is_common_word`), when it is a compound whose head is one
  ("Chefposten", "Gelenkschäden"), or when it is a **loanword** the German lexicon lists that
  is a lower-case common word in English or in two other languages ("Smartphone",
  "Hardware", "Interviews", "Internet"). Names take no plural, head no compound, and are not
  lower-case words abroad.
- **Spanish verbs with enclitic pronouns** ("Protegerse", "Trasladarlos", "Decirlo"): the
  lexicon lists the infinitive or gerund, not every form with pronouns attached, so a word
  that is a known infinitive or gerund plus a clitic is a verb, not a name.
- **Month and weekday names** (CLDR, via babel) are capitalised in English and German but are
  dates, not entities.

Callers protect what must never be dropped (known places, organisations, brand shapes, a
surname of a person the article names in full) before asking.
"""

from __future__ import annotations

from functools import lru_cache

from newsloom.text.stem import lexicon_knows, lexicon_lemma

#: Languages whose lexicon is asked as a second opinion on a German loanword.
DONOR_LANGUAGES = ("en", "nl", "fr", "es")


@lru_cache(maxsize=131072)
def lower_case_lemma(token: str, lang: str) -> bool:
    """The lexicon knows ``token`` and its lemma is written in lower case: a common word of
    ``lang`` written with a capital (``lang`` must not capitalise nouns)."""

    try:
        if not lexicon_knows(token, lang):
            return False
        lemma = lexicon_lemma(token, lang)
    except ValueError:  # a language simplemma does not have
        return False
    return bool(lemma[:1]) and lemma[:1].islower()


@lru_cache(maxsize=65536)
def inflected_common_word(token: str, lang: str) -> bool:
    """``token`` in lower case is an inflected form of a lower-case word of ``lang``
    ("Rodzaju" → "rodzaj", "Klubów" → "klub"), whatever the lexicon says of the capitalised
    form: an inflecting language's lexicon lists surnames and places that share a form with
    a common word, and then the capitalised lookup finds the name ("Rodzaj"). A name in an
    inflected case is rarely a common word's form ("Kaczyńskiego" is unknown in lower case)."""
    lower = token.lower()
    try:
        if lower == token or not lexicon_knows(lower, lang):
            return False
        lemma = lexicon_lemma(lower, lang)
    except ValueError:  # a language simplemma does not have
        return False
    return lemma != lower and lemma[:1].islower()


@lru_cache(maxsize=65536)
def german_loanword(token: str) -> bool:
    """A word the German lexicon lists that is a lower-case common word in English, or in
    two of the other donor languages ("Smartphone", "Internet")."""

    if not lexicon_knows(token, lang="de"):
        return False
    if lower_case_lemma(token, "en"):
        return True
    return sum(lower_case_lemma(token, lang) for lang in DONOR_LANGUAGES[1:]) >= 2


@lru_cache(maxsize=64)
def calendar_words(lang: str) -> frozenset[str]:
    """Month and weekday names of ``lang`` and English, lower-cased (CLDR)."""
    from babel import Locale, UnknownLocaleError

    words: set[str] = set()
    for code in {lang, "en"}:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for table in (locale.months, locale.days):
                    names = table.get(context, {}).get(width, {})
                    words.update(str(n).lower().rstrip(".") for n in names.values())
    return frozenset(w for w in words if len(w) >= 3)


_CLITIC_HOSTS = {"es": ("ar", "er", "ir", "ando", "iendo", "ándo", "iéndo")}
_CLITICS = {"es": ("selas", "selos", "sela", "selo", "nos", "los", "las", "les", "se", "lo",
                   "la", "le", "me", "te", "os")}
_ACCENTS = str.maketrans("áéíóú", "aeiou")


@lru_cache(maxsize=65536)
def verb_with_clitic(token: str, lang: str) -> bool:
    """A Spanish infinitive or gerund with enclitic pronouns: "Protegerse", "Trasladarlos",
    "Diciéndolo" (the accent a gerund takes before a clitic is dropped to find it)."""

    lower = token.lower()
    for clitic in _CLITICS.get(lang, ()):
        host = lower[:-len(clitic)]
        if not lower.endswith(clitic) or len(host) < 4:
            continue
        if not host.endswith(_CLITIC_HOSTS[lang]):
            continue
        for form in {host, host.translate(_ACCENTS)}:
            if lexicon_knows(form, lang) and lexicon_lemma(form, lang)[:1] \
                    .islower():
                return True
    return False


def is_common_word(token: str, lang: str | None) -> bool:
    """Whether a capitalised single word is a common word of ``lang`` (module docstring)."""
    if not lang or not any(c.isalpha() for c in token):
        return False
    if token.lower().rstrip(".") in calendar_words(lang):
        return True
    if lang == "de":
        from newsloom.enrich.mentions import _compound_noun, _is_common_word

        return (_is_common_word(token, lang) or german_loanword(token)
                or ("-" not in token and _compound_noun(token, lang)))
    return lower_case_lemma(token, lang) or (" " not in token and verb_with_clitic(token, lang))
