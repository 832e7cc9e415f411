"""Organisations a gazetteer or the name itself marks as organisations.

The taggers learned organisations from Wikipedia fragments, where a company name is rare and
often confused with the town it is named after ("Nokia" is a Finnish town): on news they type
"Nokia", "Alcatel" or "Mail.ru" as places. Three kinds of evidence say ORG regardless of
the tagger, and the linking step lets them win:

- **A company gazetteer**: ``data/organisations.txt``, the constituents of 20 stock indices
  (DAX, CAC 40, AEX, IBEX 35, FTSE 100, S&P 500, OMX Stockholm 30, OMX Helsinki 25, …), each
  with its name as listed and without its legal form ("Ericsson", "Nokia", "AT&T",
  "Deutsche Bank"), from the pytickersymbols package (MIT licence, kept in the file's
  header; built by :mod:`newsloom.enrich.organisations_build`, never edited by hand).
- **Corporate markers in the name**: a legal form or group word ("Mail.ru Group",
  "Siemens AG", "Apple Inc."), an internet domain ("Mail.ru", "Amazon.com"), or an ampersand
  between capitalised words ("AT&T", "Procter & Gamble").
- **The corpus**: a name typed ORG in most of its mentions (the type vote in
  :mod:`newsloom.enrich.resolve`).

A gazetteer name is also *found* in text when the tagger missed it ("… noch Ericsson dar"),
but only if it is not a common word of the language ("Orange", "Next", "Shell" are found only
when the tagger tags them).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from newsloom.model import Mention
from newsloom.text.stem import lexicon_knows

DATA = Path(__file__).parent / "data" / "organisations.txt"
#: Shortest gazetteer name searched for in text (shorter ones are too often other things).
MIN_FOUND_CHARS = 4

_CORPORATE = re.compile(
    # a legal form or group word ending a name (its final period may have been stripped);
    # alone ("KG", "Group") it names no firm
    r"\S\s(?:Group|Gruppe|Groep|Groupe|Grupo|Inc\.?|Corp\.?|Corporation|Ltd\.?|LLC|plc|PLC|"
    r"AG|SE|GmbH|KGaA|KG|OHG|e\.V\.?|NV|N\.V\.?|BV|B\.V\.?|SA|S\.A\.?|SAS|SARL|SpA|"
    r"S\.p\.A\.?|S\.L\.?|S\.r\.l\.?|Srl|Ltda\.?|LLP|Pty|Oyj?|A/S|ApS|ASA|AB|"
    r"[Ss]p\. z o\.o\.?|Holding|Holdings)$"
    r"|^[\w-]+\.(?:com|ru|de|net|org|io|co|fr|nl|es|pl|uk|cn|jp)$"
    # an ampersand between capitals, with at most two words on either side: "Procter &
    # Gamble", "Pacific Gas & Electric"; a headline "Announces New Director & Conference
    # Call Details" is no firm
    r"|^(?:\S+\s){0,1}[A-Z][\w.]*\s?&\s?[A-Z]\S*(?:\s\S+)?$")


@lru_cache(maxsize=1)
def organisation_names() -> frozenset[str]:
    """Names of the company gazetteer (exact, case-sensitive)."""
    names = set()
    with DATA.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            names.add(line.split("\t", 1)[0])
    return frozenset(names)


def _cleaned(text: str) -> str:
    text = text.strip().strip(".,;:!?\"'()[]«»„“”")
    return re.sub(r"(?:['’]s|['’])$", "", text)


def is_organisation(text: str) -> bool:
    """A name the company gazetteer lists, or one with a corporate marker."""
    cleaned = _cleaned(text)
    return cleaned in organisation_names() or corporate_marker(cleaned)


def corporate_marker(text: str) -> bool:
    """A legal form or group word, a domain name, or an ampersand between capitals."""
    return bool(_CORPORATE.search(_cleaned(text)))


@lru_cache(maxsize=1)
def _first_words() -> dict[str, tuple[str, ...]]:
    """First word → gazetteer names starting with it, longest first."""
    table: dict[str, list[str]] = {}
    for name in organisation_names():
        if len(name) >= MIN_FOUND_CHARS:
            table.setdefault(name.split(" ", 1)[0], []).append(name)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in table.items()}


_TOKEN = re.compile(r"(?<![\w&.-])[A-Z][\w&.'-]*(?<![.'-])")


def find_organisations(text: str, lang: str | None) -> list[Mention]:
    """Gazetteer names in ``text`` (whole words, exact case) that are not common words of
    ``lang`` or English: the tagger's misses. Overlaps are the caller's to resolve."""
    from newsloom.enrich.lexicon import is_common_word, lower_case_lemma

    table = _first_words()
    found: list[Mention] = []
    reached = 0
    for match in _TOKEN.finditer(text):
        if match.start() < reached or match.group() not in table:
            continue
        for name in table[match.group()]:
            end = match.start() + len(name)
            if text.startswith(name, match.start()) and (
                    end == len(text) or not (text[end].isalnum() or text[end] in "&-")):
                if " " not in name and (is_common_word(name, lang) or lower_case_lemma(name, "en")
                                        or (lang is not None and _known_word(name, lang))):
                    break
                found.append(Mention(match.start(), end, name, "ORG"))
                reached = end
                break
    return found


def _known_word(name: str, lang: str) -> bool:
    """Any word form the lexicon of ``lang`` knows in lower case ("shell", "next")."""

    try:
        return lang != "de" and lexicon_knows(name.lower(), lang)
    except ValueError:
        return False
