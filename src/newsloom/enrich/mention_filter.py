"""News-aware filter of NER spans, in every language: what is not a name is not reported.

Rules (each a property of names, not a list of bad words):

- **A name does not run across a sentence or a headline colon.** "Harvard Business Review.
  So", "Francja: Leki": the span is cut at ". " + capital or ": " and its first part kept.
- **A name does not begin with a cardinal number or a lower-case word.** "38 Prozent",
  "prezydenta Lecha Kaczyńskiego", "bazylice oo. Franciszkanów", "of Hitler": leading
  numbers and lower-case words (particles that open names such as "de", "van", "von der"
  excepted, and words with a capital inside such as "iPhone", "al-Assad") are cut, and the
  rest is judged as a span of its own.
- **A person's name does not begin with a capitalised function word at a sentence start.**
  "Also Lugner", "Drei Hemeraner": a sentence's first word is capitalised whatever it is;
  stop words of four letters or more are cut there from person spans (shorter ones may
  start names: "Van", "De"), unless a known multi-word place or organisation begins with
  that word ("Buenos", "Nueva", "Estados": spaCy lists them as stop words).
- **A date is not a name.** "Juni 2018", "August 1925", "Friday 12": a span of month or
  weekday names and numbers only.
- **A currency code is not an organisation**: "EUR", "GBP & CHF" in an article that writes
  the code beside a number or another code (ISO 4217, CLDR); a code alone may be an acronym.
- **A day is not an organisation or a place.** "Day of Solidarity of World Azerbaijanis",
  "International Women's Day", "Día de la Hispanidad", "Nowy Rok": a non-person span headed
  by a word for a day, week, month or year names a holiday or a period (its head: the first
  or last word, or the word before the first "of"-like particle).
- **Brackets around a whole span are not part of the name**: "(KMK)" is KMK. **A person's
  name holds no bracket, and no name an unclosed one**: "Yorki (Archie Yates)", "Jörg
  Steinbach ( SPD)", "First Majestic Silver Corp. (First Majestic" keep what comes before
  it ("Frankfurt (Oder)", "Kalisza (woj. wielkopolskie)" stay whole).
- **A person is not named with more than five words** (particles aside): "Ryan Kenny Mike
  Cripps Mattie Sharman" is a caption's list of names, not one; **nor with a number**
  ("Krok 2", a recipe's step 2; Roman numerals are letters: "Elizabeth II.").
- **English common words are no person's name in any language**: "Shut Down", "Energy
  Rising", "Wine Intelligence" in German or Polish text (English text already drops them as
  a phrase of common words).
- **A name does not end in a function word.** "Dirección de Agricultura y", "Code de conduite
  en": trailing particles and stop words are trimmed.
- **A single word that the language's lexicon knows as a common word is not a name**
  (:func:`newsloom.enrich.lexicon.is_common_word`): "Vivienda", "Lire", "Lockdown", "Juni";
  nor is one that the article itself also writes in lower case ("Moraalboost" as a header
  over "een flinke moraalboost").
- **A word in capitals that English writes in lower case** ("COVID-19", "HIGHLIGHTS") is a
  header or a disease, not an acronym (NASA, NATO are not English lower-case words).
- **A hyphen compound whose head is a common noun is a common noun** ("EU-Staaten",
  "5G-netwerk", "Coronavirus-Pandemie"); a place or name inside it is still found by the
  gazetteer and by propagation ("US-Regierung" → United States).
- **A phrase of common words is not a name.** A multi-word span whose words are all common
  words, stop words or particles ("Wer Symptome", "Sensación de sed", "Guérisons en hausse")
  is dropped — unless it is typed ORG and, in a language that writes common nouns (and
  headlines) in lower case, every content word is capitalised, which is how such languages
  write institution names ("Ministerio de Trabajo", "Ministerstwo Zdrowia"). Persons and
  places are not named with common words alone (gazetteer places such as "Buenos Aires"
  are protected).
- **Outside German, a one-word organisation or place that the lexicon knows as a lower-case
  word** ("Star", "Viking") is dropped; persons are exempt (Bush, Brown).

Never dropped (the caller's ``protected``): known places and country adjectives, news
agencies, brand shapes (AT&T, Mail.ru, iPhone), organisations of the company gazetteer
(:mod:`newsloom.enrich.organisations`), and a word of a longer person name the same article
uses ("Macron" after "Emmanuel Macron").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from newsloom.enrich.lexicon import inflected_common_word, is_common_word
from newsloom.enrich.organisations import is_organisation
from newsloom.enrich.places import fold
from newsloom.enrich.span_shapes import EDGE as _EDGE
from newsloom.enrich.span_shapes import (
    at_sentence_start,
    calendar_headed,
    currency_span,
    date_phrase,
    name_openers,
    unbracketed,
)
from newsloom.model import Mention
from newsloom.text.stem import lexicon_knows

_WORD = re.compile(r"\S+")
_SENTENCE_CUT = re.compile(r"(?<=\w)[.!?:]\s+(?=\S)")
_ORDINAL = re.compile(r"\d+\.\s+")
#: Languages that capitalise every noun: there a capital letter marks nothing.
NOUN_CAPITALISING = frozenset({"de", "lb"})
#: Languages whose news precision was measured with these rules (docs/benchmarks.md); others
#: (Russian names hold lower-case words: "Государственная дума") keep the older clean-up.
MEASURED = frozenset({"de", "en", "nl", "fr", "es", "pl"})
#: Languages whose headlines capitalise every word ("Britain Summons Iranian Ambassador"):
#: there a capitalised phrase of common words is no institution name either.
TITLE_CASE = frozenset({"en"})
#: Languages that decline nouns by case, whose lexicons list surnames sharing a form with a
#: common word (Spanish plurals are surnames too: "Flores", "Torres", so it is not here).
NOUN_CASES = frozenset({"pl", "cs", "sk", "ru", "uk"})


def cut_at_sentence(mention: Mention) -> Mention | None:
    """The part of a span before a sentence end or colon inside it (``None`` if empty)."""
    ordinal = _ORDINAL.match(mention.text)
    if ordinal and ordinal.end() < len(mention.text):  # "1. ÖVP": an ordinal before a name
        start = ordinal.end()
        mention = Mention(mention.start + start, mention.end, mention.text[start:],
                          mention.type)
    match = _SENTENCE_CUT.search(mention.text)
    if match is None or (mention.text[match.start()] == "."
                         and _abbreviation(mention.text[:match.start()])):
        match = None  # "Dr. Cathy Gale", "Kalisza (woj. wielkopolskie)": not a sentence end
        line_end = mention.text.find("\n")
        if line_end < 0:
            return mention
        head = mention.text[:line_end].rstrip(_EDGE + " ")  # a name never spans two lines
        return Mention(mention.start, mention.start + len(head), head, mention.type) \
            if head else None
    head = mention.text[:match.start()].rstrip(_EDGE + " ")
    if not head:
        return None
    return Mention(mention.start, mention.start + len(head), head, mention.type)


_CARDINAL = re.compile(r"\d[\d.,]*")


#: Lower-case particles that may open a name ("van Gogh", "von der Leyen", "de Gaulle",
#: "al-Assad", "bin Salman"); other short function words ("of", "and", "für") never do.
LEADING_PARTICLES = frozenset({
    "von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "des", "la", "le",
    "el", "al", "bin", "ibn", "zu", "ten", "ter", "het", "dos", "das",
})
#: Shortest capitalised stop word cut at a sentence start (shorter ones start names).
MIN_SENTENCE_START_CUT = 4
def cut_leading_words(mention: Mention, function_word: Callable[[str], bool],
                      sentence_start: bool = False) -> Mention | None:
    """Cut leading cardinal numbers and lower-case words that are not particles opening names,
    and from a person span at a sentence start a capitalised stop word of four letters or
    more that opens no known name (see the module docstring); ``None`` when nothing is
    left."""
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(mention.text)]
    cut = 0
    while cut < len(tokens):
        word = tokens[cut][1].strip(_EDGE)
        particle = word in LEADING_PARTICLES
        opener = (cut == 0 and sentence_start and mention.type == "PER" and word[:1].isupper()
                  and len(word) >= MIN_SENTENCE_START_CUT and function_word(word)
                  and fold(word) not in name_openers())
        if _CARDINAL.fullmatch(word) or opener or (
                word[:1].islower() and not particle and not any(c.isupper() for c in word)):
            cut += 1
            continue
        break
    if cut == 0:
        return mention
    if cut == len(tokens):
        return None
    start = tokens[cut][0]
    return Mention(mention.start + start, mention.end, mention.text[start:], mention.type)


#: Most words of one person's name, particles aside ("Prof. Dr. Holger Volk" has four).
MAX_PERSON_WORDS = 5


def not_a_persons_name(text: str, lang: str, function_word: Callable[[str], bool]) -> bool:
    """Too many words, a number, or only English common words (see the module docstring)."""
    words = [w for w in text.split() if not function_word(w)]
    if len(words) > MAX_PERSON_WORDS or any(any(c.isdigit() for c in w) for w in words):
        return True
    return lang != "en" and len(words) >= 2 and common_phrase(text, "en", function_word,
                                                              entity_type="PER")


def _abbreviation(before: str) -> bool:
    """"Dr", "Prof", "woj", "U.S": a short word before a period abbreviates."""
    last = before.rsplit(" ", 1)[-1].strip(_EDGE)
    return len(last) <= 4 or last.isupper()


def trim_function_words(mention: Mention, function_word: Callable[[str], bool]
                        ) -> Mention | None:
    """Drop trailing tokens that are particles or stop words ("… de Agricultura y")."""
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(mention.text)]
    while len(tokens) > 1 and function_word(tokens[-1][1].strip(_EDGE)):
        tokens.pop()
    if not tokens:
        return None
    last = tokens[-1][1]
    closes = last.endswith(")") and "(" in mention.text  # "Kalisza (woj. wielkopolskie)"
    end = tokens[-1][0] + (len(last) if closes else len(last.rstrip(_EDGE)))
    if end == len(mention.text):
        return mention
    return Mention(mention.start, mention.start + end, mention.text[:end], mention.type)


def common_compound(token: str, lang: str) -> bool:
    """A hyphen compound whose head is a common noun: "EU-Staaten", "5G-netwerk"."""
    if "-" not in token.strip("-"):
        return False
    head = token.rsplit("-", 1)[-1].strip(_EDGE)
    if len(head) < 3 or not head.isalpha():
        return False
    return is_common_word(head if lang in NOUN_CAPITALISING else head.capitalize(), lang)


def common_phrase(text: str, lang: str, function_word: Callable[[str], bool],
                  protected: Callable[[str], bool] = lambda _: False,
                  entity_type: str = "ORG") -> bool:
    """Every word of a multi-word span is a common word, stop word or particle, and (outside
    German) not every content word is capitalised (see the module docstring). A protected
    word (a place: "Frankfurter Rundschau") makes it a name."""
    words = [w.strip(_EDGE) for w in text.split()]
    words = [w for w in words if w]
    content = [w for w in words if not function_word(w)]
    if len(words) < 2 or any(not w.isalpha() or protected(f"{w} ") for w in content):
        return False
    def cased(word: str) -> str:
        return word if word[:1].isupper() and not word.isupper() else word.capitalize()

    # Only the lexicon's common words count: a word it merely knows in lower case may be a
    # name too ("harvard", and given names such as "rose"). In a language with noun cases,
    # a person span may also not be made of inflected forms of common words ("Trzech
    # Króli", "Księgi Rodzaju"); a place may ("Zielonej Góry", of Zielona Góra).
    declined = lang in NOUN_CASES and entity_type == "PER"
    if not all(is_common_word(cased(w), lang)
               or (declined and inflected_common_word(w, lang)) for w in content):
        return False
    if lang in NOUN_CAPITALISING or lang in TITLE_CASE or entity_type != "ORG":
        return True
    return not (content and all(w[:1].isupper() for w in content))


def place_in_phrase(mention: Mention, lang: str, function_word: Callable[[str], bool],
                    protected: Callable[[str], bool]) -> Mention | None:
    """A place span that is one protected word among common words ("Chinas Wachstum",
    "Pianistinnen Paraguays", "US-amerikanischen Mobilfunkern") is that word alone; ``None``
    when the word is a compound or adjective, which the gazetteer pass finds by itself."""
    words = [(m.start(), m.group().strip(_EDGE)) for m in _WORD.finditer(mention.text)]
    if len(words) < 2:
        return mention
    if lang in NOUN_CAPITALISING:
        if words[0][1].rsplit("-", 1)[-1][:1].islower():
            return None  # "US-amerikanischen Mobilfunkern": an adjective leads, no name
        # A German name phrase holds no place in the genitive: "Chinas Wachstum".
        names = [(at, w) for at, w in words if _genitive_place(w)]
    else:
        names = []
    if len(names) != 1:
        names = [(at, w) for at, w in words if not function_word(w) and (
            protected(f"{w} ") or not is_common_word(
                w if w[:1].isupper() else w.capitalize(), lang))]
    if len(names) != 1 or not protected(f"{names[0][1]} "):
        return mention
    at, word = names[0]
    if "-" in word or word[:1].islower():
        return None
    start = mention.start + mention.text.index(word, at)
    return Mention(start, start + len(word), word, mention.type)


def name_core(mention: Mention, lang: str, function_word: Callable[[str], bool],
              protected: Callable[[str], bool]) -> Mention:
    """Outside German, the run of (at least two) name words inside a span with common words
    only at its edges: a title before a person ("Prime Minister Boris Johnson") or a
    headline verb after one ("Jennifer Aniston Reacts"). Organisations lose only a leading
    title without function words, never down to a place ("Council of Turkic-speaking
    States", "University of Rochester", "Court of Berlin" stay whole)."""
    words = [(m.start(), m.group()) for m in _WORD.finditer(mention.text)]
    kinds = []
    for _, raw in words:
        word = raw.strip(_EDGE)
        if not word or function_word(word):
            kinds.append("f")
        elif not protected(f"{word} ") and word.isalpha() and word[:1].isupper() \
                and is_common_word(word, lang):
            kinds.append("c")
        else:
            kinds.append("n")
    names = [i for i, k in enumerate(kinds) if k == "n"]
    if not names or "c" not in kinds:
        return mention
    first, last = names[0], names[-1]
    if "c" in kinds[first:last + 1] or len(names) < 2:
        # Common words inside the name: an institution, kept whole. One name word left:
        # the "common" word may be a given name the lexicon also lists ("Angela Merkel").
        return mention
    if mention.type != "PER" and ("c" in kinds[last + 1:] or "f" in kinds[:first] or protected(
            " ".join(w for _, w in words[first:last + 1]))):
        return mention  # "Cooperation Council of Turkic-speaking States" is one name
    start = words[first][0]
    end = words[last][0] + len(words[last][1].rstrip(_EDGE))
    if (start, end) == (0, len(mention.text)):
        return mention
    return Mention(mention.start + start, mention.start + end, mention.text[start:end],
                   mention.type)


def _place(word: str) -> bool:
    from newsloom.enrich.places import place_key

    return place_key(word) is not None


def _genitive_place(word: str) -> bool:
    from newsloom.enrich.places import exact_names, fold, place_key

    if len(word) < 4 or not word.endswith("s") or not word[:1].isupper():
        return False
    key = place_key(word[:-1])
    return key is not None and fold(word[:-1]) in exact_names(key)


_NUMBER_SUFFIX = re.compile(r"-?\d+$")


def shouted_word(word: str) -> bool:
    """A word of four or more capitals, or a capitalised word with a number ("Covid-19"),
    that is an English lower-case word: a header or a disease ("HIGHLIGHTS", "COVID-19"),
    not an acronym ("NASA", "NATO", which no English lexicon lists in lower case). English
    only: some lexicons list acronyms in lower case (Spanish "nasa", German "nato")."""

    bare = _NUMBER_SUFFIX.sub("", word)
    numbered = bare != word and bare[:1].isupper()
    return len(bare) >= 4 and bare.isalpha() and (bare.isupper() or numbered) \
        and lexicon_knows(bare.lower(), "en")


def lower_case_word(word: str, lang: str) -> bool:
    """Outside German, the lexicon knows the word in lower case ("star", "viking"): a
    capitalised one-word organisation or place that is also a common word is more often the
    word than the name (persons are exempt: surnames are often words — Bush, Brown)."""

    if lang in NOUN_CAPITALISING or word.lower() == word or word.isupper():
        return False
    try:
        return lexicon_knows(word.lower(), lang)
    except ValueError:
        return False


_CONJUNCTION = re.compile(r"\s(?:y|e|and|und|en|et|i|oraz)$")
_HYPHEN_NAME = re.compile(r"-[A-ZÀ-ÖØ-Þ][\w]*")


def _joined(mentions: Sequence[Mention], article: str, lang: str) -> list[Mention]:
    """Repair spans the tagger broke: one that ends in a conjunction and is followed at once
    by another is one name ("Dirección de Agricultura y" + "Contingencias Climáticas"), and
    a span is extended over a capitalised hyphen continuation that is no common noun (in
    German, where every noun is capitalised, only over a place): "Sint-Jans" + "-Molenbeek",
    "Court of Berlin" + "-Brandenburg"."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    out: list[Mention] = []
    for m in ordered:
        previous = out[-1] if out else None
        if previous is not None and _CONJUNCTION.search(previous.text) and article and \
                article[previous.end:m.start] == " ":
            m = Mention(previous.start, m.end, article[previous.start:m.end], previous.type)
            out.pop()
        while article and m.end < len(article):
            more = _HYPHEN_NAME.match(article, m.end)
            if more is None or is_common_word(more.group()[1:], lang) or (
                    lang in NOUN_CAPITALISING and not _place(more.group()[1:])):
                break  # "ÖVP-Regierung", "Firmware-Quellcodes": compound nouns, not names
            m = Mention(m.start, more.end(), article[m.start:more.end()], m.type)
        if out and m.start < out[-1].end:  # an extension ran into the next span
            out[-1] = Mention(out[-1].start, max(out[-1].end, m.end),
                              article[out[-1].start:max(out[-1].end, m.end)], out[-1].type)
            continue
        out.append(m)
    return out


def written_lower(word: str, text: str) -> bool:
    """``word`` also occurs in ``text`` in lower case, as a whole word: the article itself
    uses it as a common word ("Moraalboost" as a header, "een flinke moraalboost")."""
    lower = word.lower()
    if lower == word:
        return False
    return re.search(rf"(?<!\w){re.escape(lower)}(?!\w)", text) is not None


def filter_mentions(mentions: Sequence[Mention], lang: str | None,
                    function_word: Callable[[str], bool],
                    protected: Callable[[str], bool], article: str = "") -> list[Mention]:
    """Apply the rules of the module docstring to spans already cleaned by the
    language-specific rules, in ``article``; ``protected(text)`` says what is never dropped
    (for a multi-word span's words it is asked with a trailing space)."""
    if lang not in MEASURED:
        return list(mentions)
    kept = []
    for mention in _joined(mentions, article, lang):
        fixed = unbracketed(mention)
        fixed = cut_at_sentence(fixed) if fixed is not None else None
        if fixed is not None and " " in fixed.text:
            fixed = cut_leading_words(fixed, function_word,
                                      bool(article) and at_sentence_start(article, fixed.start))
        if fixed is not None and not protected(fixed.text):
            fixed = trim_function_words(fixed, function_word)
        if fixed is None or date_phrase(fixed.text) or currency_span(fixed.text, article) or (
                fixed.type != "PER" and calendar_headed(fixed.text, lang)) or (
                fixed.type == "PER" and not_a_persons_name(fixed.text, lang, function_word)):
            continue
        text = fixed.text
        if " " not in text and shouted_word(text.strip(_EDGE)) and not is_organisation(text):
            continue
        if not protected(text):
            if " " not in text:
                word = text.strip(_EDGE)
                if function_word(word) or is_common_word(word, lang) \
                        or common_compound(word, lang) or written_lower(word, article) \
                        or (fixed.type != "PER" and lower_case_word(word, lang)):
                    continue
            elif common_phrase(text, lang, function_word, protected, fixed.type):
                continue
            elif fixed.type == "LOC":
                fixed = place_in_phrase(fixed, lang, function_word, protected)
                if fixed is None:
                    continue
            elif lang not in NOUN_CAPITALISING:
                fixed = name_core(fixed, lang, function_word, protected)
        if any(c.isupper() for c in fixed.text) or protected(fixed.text):
            kept.append(fixed)  # what the cuts left without a capital is no name
    return kept
