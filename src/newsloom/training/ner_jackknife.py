"""Training features of the name-list layer (:mod:`newsloom.enrich.ner_gazetteer`).

A training sentence's own names are of course in a list built from all of train, so the
tagger would learn to trust the list too much; its features come from the other folds. Only
training needs this, so it lives here, apart from the layer the runtime loads.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsloom.enrich.ner_gazetteer import features, lexicon


def jackknifed(sentences: Sequence[Sequence[tuple[Sequence[str], str]]], words: Sequence[
        Sequence[str]], folds: int = 5) -> list[list[int]]:
    """Features of each sentence from a list built on the other folds (sentence k is in fold
    ``k % folds``): ``sentences[k]`` are its annotated names, ``words[k]`` its tokens."""
    out: list[list[int]] = [[] for _ in sentences]
    for fold in range(folds):
        names = lexicon(name for k, annotated in enumerate(sentences) if k % folds != fold
                        for name in annotated)
        for k in range(fold, len(sentences), folds):
            out[k] = features(words[k], names)
    return out
