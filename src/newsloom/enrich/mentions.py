"""Mention clean-up between NER and entity linking: fix spans, drop common words, add what the
tagger missed.

Our compact taggers are trained on WikiANN, whose sentences are Wikipedia fragments where
nearly every capitalised word is part of a name. On news prose they over-tag in ways a few
rules can repair, each a property of names that holds in every language we support:

- **Names are capitalised.** A mention with no capital letter ("realistische", "die") is not a
  name, unless it is a country adjective ("russischen"), which the gazetteer resolves.
- **A descriptor is not part of the name.** German and Dutch news put an apposition before a
  name ("chinesischen Netzwerkausrüster Huawei", "amerikanischen Mobilfunkanbieter AT&T");
  the tagger often swallows it. A span is cut at lower-case words (name particles such as
  "von", "van der" excepted) and its last capitalised run is kept — in German, Dutch and
  English only, whose names hardly ever contain other lower-case words.
- **Function words are not names.** A one-word mention that is a stop word of the language
  ("Ich", "Nicht", "Door") is dropped: sentence-initial capitals fool the tagger.
- **German capitalises every noun.** A one-word mention that the German lexicon knows as a
  common noun ("Herz", "Hebel", "Konditionen") is dropped. The lexicon lists names too
  ("Köln", "Nokia"), so only a word whose lemma also takes a plural or dative ending
  ("Herzen", "Hebeln") counts as a common noun — names take at most a genitive "-s".
  Known places, agencies and brand shapes (AT&T) are never dropped. Descriptor nouns before
  a name ("Mobilfunkanbieter AT&T") and common nouns after one ("AT&T Interesse") are cut.
- **An article keeps naming its actors.** Once a name is recognised, its other occurrences in
  the same article (also inside hyphen compounds: "Huawei-Chef") are mentions too, so that
  salience counts how often an article names an actor, not how often the tagger noticed.
- **News agencies** are named in credit lines the tagger rarely sees ("berichtet die
  Nachrichtenagentur Reuters"); a short list of wire services is matched exactly. They matter
  beyond NER: a wire credit is how syndicated copies are recognised.

Each rule is a pure function of one article's text and mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsloom.enrich.mention_filter import filter_mentions
from newsloom.enrich.organisations import corporate_marker, find_organisations, is_organisation
from newsloom.enrich.places import adjective_in_text, adjective_key, place_key
from newsloom.enrich.spans import TakenSpans as TakenSpans  # re-exported (tests, callers)
from newsloom.enrich.spans import _occurrences as _occurrences
from newsloom.model import EntityType, Mention
from newsloom.text.stem import lexicon_knows, lexicon_lemma

#: Lower-case words that belong inside names (Ursula von der Leyen, Frans van der Ploeg).
NAME_PARTICLES = frozenset({
    "von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "des", "la", "le",
    "al", "bin", "ibn", "y", "zu", "ten", "ter", "het", "of", "and", "the", "&", "et", "i",
    "für", "voor", "pour", "para", "na", "w", "e", "und", "en", "am", "an", "ob", "upon",
    "sur", "aan", "op",
})

#: Wire services by canonical name, with the surface forms matched (case-sensitive, whole
#: words). Two-letter forms ("AP") are left out: too many other things are called that.
NEWS_AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters",),
    "Associated Press": ("Associated Press",),
    "Agence France-Presse": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "ANP": ("ANP", "Algemeen Nederlands Persbureau"),
    "Belga": ("Belga",),
    "APA": ("APA", "Austria Presse Agentur"),
    "Keystone-SDA": ("Keystone-SDA", "SDA"),
    "EFE": ("EFE", "Agencia EFE"),
    "Europa Press": ("Europa Press",),
    "ANSA": ("ANSA",),
    "PAP": ("PAP", "Polska Agencja Prasowa"),
    "TASS": ("TASS", "ТАСС"),
    "Interfax": ("Interfax", "Интерфакс"),
    "RIA Novosti": ("RIA Novosti", "РИА Новости"),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo",),
    "Yonhap": ("Yonhap",),
    "Bloomberg": ("Bloomberg",),
    "Anadolu": ("Anadolu",),
}

#: Languages whose names rarely contain lower-case words other than particles, so a
#: lower-case word in a span marks a descriptor. Russian ("Государственная дума"), Polish,
#: Spanish and French names do contain them: splitting there cost up to 0.18 WikiANN F1.
DESCRIPTOR_SPLITTING = frozenset({"de", "nl", "en", "lb"})
#: Languages that capitalise common nouns, so a capital letter says nothing there.
NOUN_CAPITALISING = frozenset({"de", "lb"})
#: Names shorter than this are not propagated to other occurrences (too ambiguous).
MIN_PROPAGATED_CHARS = 3

_WORD = re.compile(r"\S+")
_LEGAL_FORM = re.compile(r"AG|SE|GmbH|KG|NV|BV|SA|SpA|Inc\.?|Ltd\.?|LLC|PLC|plc|Corp\.?|Co\.?")
_EDGE_PUNCT = ".,;:!?\"'()[]«»„“”‚‘’"
#: Punctuation a name never starts or ends with (a final "." may be "Co." or "Paul II.").
_RUN_EDGE = ",;:!?\"'«»„“”‚‘’"


@dataclass(frozen=True, slots=True)
class MentionOptions:
    """Which clean-up rules run; all on by default."""

    split_descriptors: bool = True
    drop_stop_words: bool = True
    drop_common_nouns: bool = True
    propagate: bool = True
    agencies: bool = True
    organisations: bool = True


def _name_like(token: str) -> bool:
    return any(c.isupper() or c.isdigit() for c in token) or token in ("&",)


def _is_particle(token: str) -> bool:
    return token.lower() in NAME_PARTICLES and not _name_like(token[:1])


def _split_descriptor(mention: Mention) -> Mention | None:
    """The last capitalised run of a span cut at lower-case non-particle words; the mention
    itself when it is all name-like; ``None`` when nothing name-like is left."""
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(mention.text)]
    colon = next((k for k, (_, t) in enumerate(tokens[:-1]) if t.endswith(":")), None)
    if colon is not None:  # "Huawei: Sogar Smartphone": a headline's colon ends the name
        tokens = tokens[:colon + 1]
    runs: list[list[tuple[int, str]]] = [[]]
    if colon is None and all(_name_like(t) or _is_particle(t)
                             or not any(c.isalnum() for c in t) for _, t in tokens):
        return mention  # nothing to cut: "Osjorsk (Kaliningrad)", "Paul II ."
    for offset, token in tokens:
        punctuation = not any(c.isalnum() for c in token)
        if _name_like(token) or (runs[-1] and (punctuation or _is_particle(token))):
            runs[-1].append((offset, token))
        elif runs[-1]:
            runs.append([])
    runs = [[(o, t) for o, t in r if t.strip(_RUN_EDGE)] for r in runs]
    run = next((r for r in reversed(runs) if r), None)
    while run and _is_particle(run[-1][1]):
        run.pop()
    if not run:
        return None
    first = run[0][0] + len(run[0][1]) - len(run[0][1].lstrip(_RUN_EDGE))
    last = run[-1][0] + len(run[-1][1].rstrip(_RUN_EDGE))
    if (first, last) == (0, len(mention.text)):
        return mention
    return Mention(mention.start + first, mention.start + last, mention.text[first:last],
                   mention.type)


@lru_cache(maxsize=16)
def _stop_words(lang: str) -> frozenset[str]:
    try:
        from spacy.util import get_lang_class

        return frozenset(get_lang_class(lang).Defaults.stop_words)
    except (ImportError, KeyError):
        return frozenset()


#: Endings that German nouns take in the plural or dative; a lexicon lemma that takes one
#: is a common noun ("Herz" → "Herzen", "Hebel" → "Hebeln"). Names take at most the genitive
#: "-s" ("Köln" → "Kölns"), so this tells "Herz" from "Köln" where capitals cannot.
_NOUN_ENDINGS = ("e", "en", "n", "er", "ern", "ns", "ens")


@lru_cache(maxsize=65536)
def _is_common_word(token: str, lang: str) -> bool:
    # simplemma's German lexicon (Wiktionary forms), read from its file on disk
    if not lexicon_knows(token, lang):
        return False
    lemma = lexicon_lemma(token, lang)
    lower = token.lower()
    if not lemma[:1].isupper() or (
            lexicon_knows(lower, lang)
            and not lexicon_lemma(lower, lang)[:1].isupper()):
        return True  # a verb, adverb or adjective written with a capital ("Außen")
    if token not in (lemma, lemma + "s", lemma + "es"):
        return True  # itself a plural or dative form ("Konditionen", "Systemen")
    return any(lexicon_knows(lemma + ending, lang)
               and lexicon_lemma(lemma + ending, lang) == lemma
               for ending in _NOUN_ENDINGS)


def _compound_noun(token: str, lang: str) -> bool:
    """A German-style compound whose head is a known noun: "Netzwerkausrüster",
    "Kommunikations-Ausrüster", "Mobiltelefonchip". Descriptors, not names."""
    head = token.rsplit("-", 1)[-1]
    if head != token:
        return len(head) >= 4 and _head_noun(head, lang)
    return len(token) >= 10 and any(
        _head_noun(token[i:].capitalize(), lang) for i in range(4, len(token) - 3))


def _head_noun(head: str, lang: str) -> bool:
    """A common noun, or a loanword with an "-s" plural ("Chip", "Chips"): names are rarely
    the head of a compound, so the weaker evidence is enough here."""
    if _is_common_word(head, lang):
        return True

    plural = head + "s"
    return (lexicon_knows(head, lang) and lexicon_knows(plural, lang)
            and lexicon_lemma(plural, lang) == head)


def _descriptor_noun(token: str, lang: str) -> bool:
    """A noun that introduces a name ("Netzwerkausrüster Huawei", "Mobiltelefonchip von
    Huawei"); long, since short known words before a name are often first names."""
    return _compound_noun(token, lang) or (len(token) >= 6 and _is_common_word(token, lang))


def _trim_common_edges(mention: Mention, lang: str) -> Mention:
    """Cut German descriptors off a multi-word span while a word the lexicon does not know
    remains: a leading compound noun ("Mobilfunkanbieter AT&T" → "AT&T") and, outside
    person names, a trailing common noun ("AT&T Interesse" → "AT&T"). A place is never cut
    off or left alone ("Universität Hamburg", "FC Bayern München" stay whole): there the
    common noun is part of the name."""
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(mention.text)]
    if len(tokens) < 2:
        return mention

    def name_remains(part: list[tuple[int, str]]) -> bool:
        if place_key(" ".join(t for _, t in part)) is not None:
            return False
        if part[-1][1].endswith(("isch", "ische", "isches", "ischen", "ischer")):
            return False  # "Aksumitisches (Reich)": an adjective is no name on its own
        return any((any(c.isalpha() for c in t) and not _LEGAL_FORM.fullmatch(t)
                    and (_brand_shaped(t) or not _is_common_word(t, lang)))
                   or (t.isdigit() and len(part) > 1) for _, t in part)  # "Mate 10"

    while len(tokens) > 1 and _descriptor_noun(tokens[0][1].lstrip("-"), lang) \
            and name_remains(tokens[1:]):
        tokens.pop(0)
    while tokens and _is_particle(tokens[0][1]):
        tokens.pop(0)
    while len(tokens) > 1 and mention.type != "PER" and not _brand_shaped(tokens[-1][1]) \
            and not _is_particle(tokens[-2][1]) \
            and place_key(tokens[-1][1]) is None and _is_common_word(tokens[-1][1], lang) \
            and name_remains(tokens[:-1]):
        tokens.pop()
    if not tokens:
        return mention
    first, last = tokens[0][0], tokens[-1][0] + len(tokens[-1][1])
    return Mention(mention.start + first, mention.start + last, mention.text[first:last],
                   mention.type)


def _brand_shaped(token: str) -> bool:
    """AT&T, iPhone, SCMP, 5G, Mail.ru, 10: shapes common nouns do not have (a lone "&" or
    "." between words is none: "Director & Conference Call Details")."""
    return any(c.isalnum() for c in token) and (
        any(c.isupper() for c in token[1:]) or any(c.isdigit() or c in "&." for c in token))


def _protected(text: str) -> bool:
    """Known places, country adjectives, agencies, and brand-shaped words."""
    return (_brand_shaped(text) or place_key(text) is not None or text in _AGENCY_FORMS
            or adjective_key(text) is not None)


def _head_protected(token: str) -> bool:
    """A word (of a span) whose head — its last hyphen part — is brand-shaped, a place or a
    country adjective: "Mail.ru", "Mate 10", "US-Regierung" is not ("Regierung" is its head)."""
    head = token.strip(_EDGE_PUNCT).rsplit("-", 1)[-1]
    return bool(head) and (_brand_shaped(head) or place_key(head) is not None
                           or adjective_key(head) is not None)


def _keep_single_word(mention: Mention, lang: str | None, options: MentionOptions) -> bool:
    if " " in mention.text:
        return True
    word = mention.text
    if options.drop_stop_words and lang and word.lower() in _stop_words(lang):
        return False
    return not (options.drop_common_nouns and lang in NOUN_CAPITALISING
                and not _protected(word) and _is_common_word(word, lang))


def _function_word(word: str, lang: str | None) -> bool:
    lower = word.lower()
    return lower in NAME_PARTICLES or bool(lang and lower in _stop_words(lang))


def _agency_mentions(text: str) -> list[Mention]:
    found = []
    for match in _agency_pattern().finditer(text):
        found.append(Mention(match.start(), match.end(), match.group(), "ORG"))
    return found


_AGENCY_FORMS = frozenset(form for forms in NEWS_AGENCIES.values() for form in forms)


@lru_cache(maxsize=1)
def _agency_pattern() -> re.Pattern[str]:
    forms = sorted(_AGENCY_FORMS, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])")


def _propagated(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Other occurrences of recognised non-place names: whole words, or the modifier of a
    hyphen compound ("Huawei-Chef"); each keeps the name's majority type."""
    votes: dict[str, Counter[EntityType]] = {}
    for m in mentions:
        if len(m.text) >= MIN_PROPAGATED_CHARS and place_key(m.text) is None \
                and adjective_key(m.text) is None:
            votes.setdefault(m.text, Counter())[m.type] += 1
    if not votes:
        return []
    taken = TakenSpans((m.start, m.end) for m in mentions)
    added: list[Mention] = []
    for start, name in _occurrences(text, sorted(votes, key=len, reverse=True)):
        end = start + len(name)
        if taken.overlaps(start, end):
            continue
        entity_type = votes[name].most_common(1)[0][0]
        added.append(Mention(start, end, name, entity_type))
        taken.add(start, end)
    return added


def refine_mentions(text: str, mentions: Sequence[Mention], lang: str | None,
                    options: MentionOptions | None = None) -> list[Mention]:
    """Clean NER mentions of ``text`` (see the module docstring), sorted by offset."""
    options = options or MentionOptions()
    kept: list[Mention] = []
    for mention in mentions:
        if not any(c.isupper() for c in mention.text):
            if adjective_in_text(mention.text.strip(_EDGE_PUNCT), lang):
                kept.append(mention)  # "russischen": a country, resolved by the gazetteer
            continue
        if place_key(mention.text) is not None:
            kept.append(mention)  # "Frankfurt am Main" is whole as it is
            continue
        split = options.split_descriptors and lang in DESCRIPTOR_SPLITTING
        fixed = _split_descriptor(mention) if split else mention
        if fixed is not None and options.drop_common_nouns and lang in NOUN_CAPITALISING:
            fixed = _trim_common_edges(fixed, lang)
        if fixed is not None:
            kept.append(fixed)
    person_words = {m.text.split()[-1].strip(_EDGE_PUNCT) for m in kept
                    if m.type == "PER" and " " in m.text}  # surnames of full names

    def protected(text: str) -> bool:
        """Never dropped. A span's words (asked with a trailing space) and single words:
        a bare surname, a place or a brand-shaped head; a whole span: a known place or
        organisation, an agency, or a brand-shaped word ("Mate 10")."""
        word = text.strip()
        # a place's name written in lower case ("manzana israel") is not protected as one
        if is_organisation(word) or word in _AGENCY_FORMS or (
                not word[:1].islower() and place_key(word) is not None):
            return True
        if " " not in word:  # a person's word protects a bare surname, not a span's word
            return (word in person_words and word == text) or _head_protected(word)
        return any(_brand_shaped(t.strip(_EDGE_PUNCT).rsplit("-", 1)[-1])
                   for t in word.split())

    kept = [m for m in kept if m.text in person_words or _keep_single_word(m, lang, options)]
    if options.drop_common_nouns:
        kept = filter_mentions(kept, lang, lambda w: _function_word(w, lang), protected, text)
    if options.agencies:
        taken = TakenSpans((m.start, m.end) for m in kept)
        kept += [m for m in _agency_mentions(text) if not taken.overlaps(m.start, m.end)]
    if options.propagate:
        kept += _propagated(text, kept)
    if options.organisations:
        taken = TakenSpans((m.start, m.end) for m in kept)
        kept += [m for m in find_organisations(text, lang)
                 if not taken.overlaps(m.start, m.end) and m.text not in person_words]
        kept = [_organisation_typed(m) for m in kept]
    return sorted(kept, key=lambda m: (m.start, m.end))


def _organisation_typed(mention: Mention) -> Mention:
    """A gazetteer organisation or a name with a corporate marker is an ORG, whatever the
    tagger said (a person only yields to a corporate marker: "Ford" may be Harrison Ford)."""
    if mention.type == "ORG" or place_key(mention.text) is not None:
        return mention
    if corporate_marker(mention.text) or (mention.type != "PER" and is_organisation(mention.text)):
        return Mention(mention.start, mention.end, mention.text, "ORG")
    return mention
