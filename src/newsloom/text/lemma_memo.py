"""Lemmas of query and snippet words computed before, kept on disk per language.

Lemmatising even one word imports simplemma, whose rules compile on import (0.08 s of CPU,
docs/benchmarks.md "CLI latency"), a sixth of a repeated ``newsloom search``. A word's lemma
is derived and deterministic: the same word, language and simplemma files give the same
lemma. So :func:`~newsloom.text.stem.query_lemma` keeps each one it computes in a small
file per language (``word \\t lemma`` a line, appended), and a later process that meets the
same words never imports simplemma. The folder is named after a digest of simplemma's
installed files (newsloom/cache.py), so an upgrade or reinstall starts afresh; it can be
deleted at any time. A line cut short by a crash is ignored; concurrent appends of whole
lines do not mix on a local file system.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from newsloom.cache import cache_dir, package_fingerprint

log = logging.getLogger("newsloom")

#: Language codes a memo file is kept for (a file name must come from nothing else).
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?")


class LemmaMemo:
    """The lemmas of one language computed before, read from and appended to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._known is None:
            self._known = {}
            try:
                text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            for line in text.splitlines(keepends=True):
                word, tab, lemma = line.partition("\t")
                if tab and lemma.endswith("\n") and "\t" not in lemma:
                    self._known[word] = lemma[:-1]
        return self._known

    def get(self, word: str) -> str | None:
        return self._load().get(word)

    def add(self, word: str, lemma: str) -> None:
        known = self._load()
        if word in known or any(c in s for s in (word, lemma) for c in "\t\n\r"):
            return
        known[word] = lemma
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as stream:
                stream.write(f"{word}\t{lemma}\n")  # one write: whole lines never interleave
        except OSError as exc:  # a read-only or full disk costs speed, never a result
            log.debug("cannot keep lemmas at %s: %s", self.path, exc)


@lru_cache(maxsize=64)
def memo_for(lang: str, root: Path | None = None) -> LemmaMemo | None:
    """The memo of ``lang`` under ``root`` (default cache_dir); None for a code that is not a
    plain language code."""
    if not _LANGUAGE.fullmatch(lang):
        return None
    folder = f"simplemma-{package_fingerprint(('simplemma',))}"
    return LemmaMemo((root or cache_dir()) / "lemmas" / folder / f"{lang}.tsv")
