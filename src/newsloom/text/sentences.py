"""Sentence splitting with character offsets.

The splitter is deliberately simple (news prose, five Latin-script languages): a line break
always ends a sentence; ".", "!", "?" or "…" end one when a capital, digit or opening quote
follows, except after a day ordinal ("am 14. August"), an initial ("J. Smith") or a common
abbreviation ("Dr.", "z.B.", "Sept.").
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")
_WORD_BEFORE = re.compile(r"[\w.]+$")
_ABBREVIATIONS = frozenset((
    "dr", "prof", "mr", "mrs", "ms", "st", "nr", "no", "bzw", "ca", "vs", "vgl", "inkl", "evtl",
    "abs", "art", "mio", "mrd", "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept",
    "okt", "oct", "nov", "dez", "dec", "m", "mme", "mlle", "sr", "sra", "dhr", "mevr", "blz", "gen",
))


def _breaks(text: str, match: re.Match[str]) -> bool:
    if "\n" in match.group():
        return True
    following = text[match.end():match.end() + 1]
    if not following or not (following.isupper() or following.isdigit()
                             or following in "\"'«“„¿¡(["):
        return False
    if match.group().rstrip()[-1:] != ".":
        return True
    word = _WORD_BEFORE.search(text, 0, match.start())
    if word is None:
        return True
    token = word.group()
    if token.isdigit() and len(token) <= 2:
        return False  # a German day ordinal or list number: "14. August"
    letters = token.replace(".", "")
    return not (len(letters) == 1 or "." in token or letters.lower() in _ABBREVIATIONS)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if not _breaks(text, match):
            continue
        end = match.start() + len(match.group().rstrip())
        _add(text, start, end, spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        first = start + len(chunk) - len(chunk.lstrip())
        spans.append((first, first + len(stripped)))
