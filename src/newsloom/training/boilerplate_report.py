"""The k-fold report for training the line classifier, scored on trafilatura-eval-dev.

Matching rules are the official ones of ``newsloom eval extraction`` (``training.scoring``:
whitespace-normalised, case-sensitive substrings; a failed page keeps nothing), so the numbers
printed while training are the numbers the benchmark reports.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsloom.extract import ExtractionError, ExtractOptions
from newsloom.extract.boilerplate import BoilerplateModel
from newsloom.model import RawDocument
from newsloom.training.boilerplate_train import EvalPage, TrainingDoc, train_model
from newsloom.training.scoring import Confusion, score_snippets, titles_match


@dataclass(slots=True)
class SnippetScore:
    """Counts over a set of pages; the ratios are the reported numbers."""

    pages: int = 0
    snippets: Confusion = field(default_factory=Confusion)
    titles: int = 0
    titles_right: int = 0
    seconds: float = 0.0

    def add(self, other: SnippetScore) -> None:
        self.pages += other.pages
        self.snippets.add(other.snippets)
        self.titles += other.titles
        self.titles_right += other.titles_right
        self.seconds += other.seconds

    def summary(self) -> str:
        c = self.snippets
        return (f"{self.pages} pages: with kept {c.with_kept:.3f} ({c.tp}/{c.tp + c.fn}), "
                f"without removed {c.without_removed:.3f} ({c.tn}/{c.tn + c.fp}), title "
                f"{self.titles_right / max(1, self.titles):.3f} ({self.titles} titles), "
                f"{self.pages / max(self.seconds, 1e-9):.0f} docs/s")


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
        text: str | None
        title: str | None = None
        if naive:
            text = content
        else:
            doc = RawDocument.create(content=content, source_id=page.stem, source=str(path),
                                     content_type="text")
            try:
                article = extract_text(doc, options, model=model)
                text, title = article.text, article.title
            except ExtractionError:
                text = None  # scored as empty output, as the official scorer does
        score.seconds += time.perf_counter() - started
        score.pages += 1
        score.snippets.add(score_snippets(text, page.with_, page.without))
        if page.title:
            score.titles += 1
            score.titles_right += titles_match(title, page.title)
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
