"""Held-out boilerplate classifiers, so the plain-text path can be scored honestly.

The shipped classifier (``newsloom/extract/boilerplate_model.npz``) is trained on AEB and on
*all* trafilatura-eval-dev pages, with their with/without snippets among the labels, so its
score on that set is in-sample. This module retrains it k times with the training code of
:mod:`newsloom.training.boilerplate_train`, each time leaving out one fold of dev pages (folds
by host, as the training code assigns them), and writes ``fold-<k>.npz`` plus ``folds.json``
(URL → fold). ``newsloom eval extraction --text-models DIR`` then scores every page with the
model that never saw its host. Needs scikit-learn (the ``train`` extra).
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console


def train_fold_models(data: Path, out_dir: Path, *, folds: int = 2,
                      console: Console | None = None) -> list[Path]:
    """Train one model per held-out fold; ``data`` holds ``aeb/`` and ``trafilatura-eval-dev/``."""
    from newsloom.training.boilerplate_train import (
        eval_pages,
        load_aeb,
        load_eval_html,
        train_model,
    )

    def say(message: str) -> None:
        if console is not None:
            console.print(message)

    out_dir.mkdir(parents=True, exist_ok=True)
    say("rendering and labelling AEB …")
    aeb, clean = load_aeb(data)
    pages = eval_pages(data, folds=folds)
    say("rendering and labelling trafilatura-eval-dev …")
    eval_docs = load_eval_html(data, pages, None)
    fold_of = {page.url: page.fold for page in pages}
    written = []
    for k in range(folds):
        # TrainingDoc.group is "eval:<url>" for dev pages: the same key the folds use
        train = [d for d in eval_docs if fold_of[d.group.removeprefix("eval:")] != k]
        say(f"training fold {k}: AEB + {len(train)} dev pages (holding out "
            f"{sum(1 for f in fold_of.values() if f == k)})")
        model = train_model([*aeb, *clean, *train],
                            f"held-out fold {k} of {folds}: AEB + dev pages of other folds")
        path = out_dir / f"fold-{k}.npz"
        model.save(path)
        written.append(path)
    (out_dir / "folds.json").write_text(json.dumps(fold_of, indent=1, sort_keys=True),
                                        encoding="utf-8")
    return written
