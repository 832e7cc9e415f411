"""Highlighted snippets: the sentence that best shows why an article matched.

Highlighting is done here rather than with FTS5's ``snippet()``: keyword matches come from
the lemma index, whose stored "text" is lemmas, so ``snippet()`` there would show lemmas,
and the surface index would not mark inflected forms ("Netzen" for "Netz"). A sentence with
the most distinct query words wins; for an article that matched only semantically (often in
another language) it is the lead sentence most similar to the query under the same encoder.
Snippets are lists of :class:`SnippetSpan`, never HTML, so a UI escapes and marks them safely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from newsloom.model import SnippetSpan
from newsloom.text.sentences import split_sentences
from newsloom.text.stem import query_lemma

if TYPE_CHECKING:
    from newsloom.represent.embed import Embedder, Vectors

SNIPPET_CHARS = 240
#: Only the start of long texts is scanned for the snippet sentence (news puts the facts
#: first; articles in the 50k benchmark store average 4,000 characters).
SCAN_CHARS = 8_000
#: Semantic-only hits: this many leading sentences per article are compared with the query,
#: and at most SEMANTIC_BUDGET per page, which bounds the encoder's share of a query's time.
SEMANTIC_SENTENCES = 3
SEMANTIC_BUDGET = 9
#: Characters of each candidate sentence the encoder sees (its cost grows with length).
SEMANTIC_CHARS = 200
_MIN_WORDS = 4
_PREFIX = 3


@dataclass(frozen=True, slots=True)
class SnippetSource:
    article_id: str
    text: str
    language: str | None


def _candidates(forms: frozenset[str]) -> re.Pattern[str] | None:
    """Words that start like a query form (its first _PREFIX characters), found by the regex
    engine: inflection changes word ends, and testing every word of every hit in Python
    (a dictionary lookup each) would dominate a query's time."""
    prefixes = sorted({form[:_PREFIX] for form in forms if form}, key=len, reverse=True)
    if not prefixes:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(p) for p in prefixes)
                      + r")[^\W_]*", re.IGNORECASE)


def _marks(sentence: str, lang: str | None, forms: frozenset[str],
           candidates: re.Pattern[str] | None) -> list[tuple[int, int]]:
    if candidates is None:
        return []
    return [(m.start(), m.end()) for m in candidates.finditer(sentence)
            if m.group().lower() in forms or query_lemma(m.group(), lang) in forms]


def _spans(sentence: str, marks: list[tuple[int, int]]) -> tuple[SnippetSpan, ...]:
    """The sentence cut to about SNIPPET_CHARS around its first mark, as spans."""
    start, end = 0, len(sentence)
    if end > SNIPPET_CHARS:
        first = marks[0][0] if marks else 0
        start = max(0, first - SNIPPET_CHARS // 4)
        if start:
            start = sentence.find(" ", start, first) + 1 if " " in sentence[start:first] \
                else start
        end = min(len(sentence), start + SNIPPET_CHARS)
        if end < len(sentence) and " " in sentence[start:end]:
            end = sentence.rindex(" ", start, end)
    spans: list[SnippetSpan] = [SnippetSpan("…", False)] if start else []
    cursor = start
    for left, right in marks:
        if left < start or right > end:
            continue
        if left > cursor:
            spans.append(SnippetSpan(sentence[cursor:left], False))
        spans.append(SnippetSpan(sentence[left:right], True))
        cursor = right
    if cursor < end:
        spans.append(SnippetSpan(sentence[cursor:end], False))
    if end < len(sentence):
        spans.append(SnippetSpan("…", False))
    return tuple(spans)


def _lines(text: str) -> list[str]:
    # Line by line: a line break always ends a sentence, and the splitter's look-back costs
    # time in proportion to the text it is given, once per candidate sentence end.
    return [line for line in text[:SCAN_CHARS].split("\n") if line.strip()]


def _best_sentence(lines: list[str], lang: str | None, forms: frozenset[str],
                   candidates: re.Pattern[str] | None) -> tuple[str, list[tuple[int, int]]] | None:
    """The sentence with the most distinct query words (the first of equals), with its marks.
    Only lines holding a match are split into sentences."""
    best, best_marks, best_words = "", list[tuple[int, int]](), 0
    for line in lines:
        marks = _marks(line, lang, forms, candidates)
        if not marks:
            continue
        for start, end in split_sentences(line):
            inside = [(a - start, b - start) for a, b in marks if start <= a and b <= end]
            words = len({line[start + a:start + b].lower() for a, b in inside})
            if words > best_words:
                best, best_marks, best_words = line[start:end], inside, words
    return (best, best_marks) if best_words else None


def _lead(lines: list[str], count: int) -> list[str]:
    """The first ``count`` sentences of at least _MIN_WORDS words (else the first one)."""
    first, found = "", []
    for line in lines:
        for start, end in split_sentences(line):
            sentence = " ".join(line[start:end].split())
            first = first or sentence
            if len(sentence.split()) >= _MIN_WORDS:
                found.append(sentence)
                if len(found) == count:
                    return found
    return found or ([first] if first else [])


def snippets(sources: list[SnippetSource], forms: frozenset[str], vector: Vectors | None,
             embedder: Embedder | None) -> dict[str, tuple[SnippetSpan, ...]]:
    """One snippet per article: the sentence with the most distinct query words; else (when
    a query vector is given) the leading sentence closest to it; else the first sentence."""
    result: dict[str, tuple[SnippetSpan, ...]] = {}
    candidates = _candidates(forms)
    pending: list[tuple[SnippetSource, list[str]]] = []
    for source in sources:
        lines = _lines(source.text)
        best = _best_sentence(lines, source.language, forms, candidates)
        if best is not None:
            result[source.article_id] = _spans(*best)
            continue
        lead = _lead(lines, SEMANTIC_SENTENCES)
        result[source.article_id] = _spans(lead[0], []) if lead else ()
        if len(lead) > 1:
            pending.append((source, lead))
    if vector is not None and embedder is not None and pending:
        _closest(pending, vector, embedder, result)
    return result


def _closest(pending: list[tuple[SnippetSource, list[str]]], vector: Vectors,
             embedder: Embedder, result: dict[str, tuple[SnippetSpan, ...]]) -> None:
    budget, chosen = SEMANTIC_BUDGET, []
    for source, candidates in pending:
        if budget < len(candidates):
            break
        chosen.append((source, candidates))
        budget -= len(candidates)
    if not chosen:
        return
    scores = embedder.embed([s[:SEMANTIC_CHARS] for _, cands in chosen for s in cands]) @ vector
    offset = 0
    for source, candidates in chosen:
        best = int(np.argmax(scores[offset:offset + len(candidates)]))
        result[source.article_id] = _spans(candidates[best], [])
        offset += len(candidates)
