"""Score the plain-text path on trafilatura-eval-dev, and the k-fold report for training.

A ``with`` snippet counts as kept when it occurs in the article text and a ``without`` snippet
as removed when it does not (both whitespace-normalised, case-sensitive substrings). Titles
count as right when equal after whitespace normalisation ("exact") or when one contains the
other or their words overlap by 80 % ("loose"). This is a developer's scorer for training;
``newsloom eval extraction`` is the official one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.extract.boilerplate import BoilerplateModel
from newsloom.extract.boilerplate_train import EvalPage, TrainingDoc, train_model
from newsloom.model import RawDocument

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class SnippetScore:
    """Counts over a set of pages; the ratios are the reported numbers."""

    pages: int = 0
    with_total: int = 0
    with_kept: int = 0
    without_total: int = 0
    without_removed: int = 0
    titles: int = 0
    titles_exact: int = 0
    titles_loose: int = 0
    seconds: float = 0.0

    def add(self, other: SnippetScore) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return (f"{self.pages} pages: with kept {self.with_kept / max(1, self.with_total):.3f} "
                f"({self.with_kept}/{self.with_total}), without removed "
                f"{self.without_removed / max(1, self.without_total):.3f} "
                f"({self.without_removed}/{self.without_total}), title exact "
                f"{self.titles_exact / max(1, self.titles):.3f}, loose "
                f"{self.titles_loose / max(1, self.titles):.3f} ({self.titles} titles), "
                f"{self.pages / max(self.seconds, 1e-9):.0f} docs/s")


def _title_loose(found: str, wanted: str) -> bool:
    a, b = found.casefold(), wanted.casefold()
    if a in b or b in a:
        return True
    wa, wb = set(re.findall(r"\w+", a)), set(re.findall(r"\w+", b))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.8


def score_plain_text(data: Path, pages: Sequence[EvalPage], model: BoilerplateModel | None = None,
                     threshold: float = 0.5, naive: bool = False) -> SnippetScore:
    """Feed each page's ``text/<stem>.txt`` to the plain-text path and score the snippets."""
    from newsloom.extract.text import extract_text

    score = SnippetScore()
    options = ExtractOptions(boilerplate_threshold=threshold)
    for page in pages:
        path = data / "trafilatura-eval-dev" / "text" / f"{page.stem}.txt"
        content = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        if naive:
            text, title = content, None
        else:
            doc = RawDocument.create(content=content, source_id=page.stem, source=str(path),
                                     content_type="text")
            try:
                article = extract_text(doc, options, model=model)
            except ExtractionError:
                continue
            text, title = article.text, article.title
        score.seconds += time.perf_counter() - started
        score.pages += 1
        clean = _norm(text)
        score.with_total += len(page.with_)
        score.with_kept += sum(_norm(s) in clean for s in page.with_)
        score.without_total += len(page.without)
        score.without_removed += sum(_norm(s) not in clean for s in page.without)
        if page.title:
            score.titles += 1
            score.titles_exact += bool(title) and _norm(title or "") == page.title
            score.titles_loose += bool(title) and _title_loose(_norm(title or ""), page.title)
    return score


def cross_validate(data: Path, base: Sequence[TrainingDoc], eval_docs: Sequence[TrainingDoc],
                   pages: Sequence[EvalPage], folds: int = 2) -> str:
    """Out-of-fold scores: train on ``base`` + the other folds' pages, score the held-out fold.
    Also scores a model that never saw any trafilatura-eval-dev page, and the naive scraper."""
    by_url = {page.url: page for page in pages}
    lines = [f"naive (keep everything): {score_plain_text(data, pages, naive=True).summary()}"]
    total = SnippetScore()
    for k in range(folds):
        train = [d for d in eval_docs if by_url[d.group.removeprefix("eval:")].fold != k]
        model = train_model([*base, *train], f"fold {k}")
        held = [p for p in pages if p.fold == k]
        fold_score = score_plain_text(data, held, model)
        lines.append(f"fold {k} (trained on AEB + {len({d.group for d in train})} pages of the "
                     "other folds): "
                     f"{fold_score.summary()}")
        total.add(fold_score)
    lines.append(f"out-of-fold, all pages: {total.summary()}")
    aeb_only = train_model(base, "AEB only")
    lines.append(f"AEB-only model, all pages: {score_plain_text(data, pages, aeb_only).summary()}")
    return "\n".join(lines)
