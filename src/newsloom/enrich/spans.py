"""Character spans of one text: which are taken, and where names occur as whole words."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class TakenSpans:
    """Character spans ``[start, end)`` already claimed in one text. An overlap test scans
    only the queried characters of a mask, not every claimed span: an article has hundreds
    of mentions and the gazetteer asks once per token, which made the plain list scan the
    largest cost of linking. Same answers as ``any(start < e and s < end for s, e in
    spans)``; empty spans or queries (which no NER span is) fall back to that scan."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._mask = bytearray()
        self._spans: list[tuple[int, int]] = []
        self._empty = False
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        self._spans.append((start, end))
        if end <= start:
            self._empty = True
            return
        if end > len(self._mask):
            self._mask.extend(bytes(end - len(self._mask)))
        self._mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        if self._empty or end <= start:
            return any(start < e and s < end for s, e in self._spans)
        low = max(start, 0)  # a negative bound would count from the mask's end
        return end > low and self._mask.find(1, low, end) != -1


def _word_char(c: str) -> bool:
    """What the regular expression class ``[\\w&]`` matches."""
    return c.isalnum() or c in "_&"


def _occurrences(text: str, names: Sequence[str]) -> list[tuple[int, str]]:
    """Whole-word occurrences of ``names`` (no word character or "&" on either side), as the
    alternation regex ``(?<![\\w&])(?:n1|n2|…)(?![\\w&])`` over names sorted longest first
    would find them: left to right, at each position the first name (in ``names`` order) that
    fits, none overlapping the one before. Compiling that regex per article cost more than
    the search; ``str.find`` per name needs no compilation."""
    found: list[tuple[int, int, str]] = []
    for rank, name in enumerate(names):
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            if (at == 0 or not _word_char(text[at - 1])) and (
                    end == len(text) or not _word_char(text[end])):
                found.append((at, rank, name))
            at = text.find(name, at + 1)
    found.sort()
    out: list[tuple[int, str]] = []
    reached = 0
    for at, _, name in found:
        if at >= reached:
            out.append((at, name))
            reached = at + len(name)
    return out
