"""A plain-text line classifier that never saw a trafilatura-eval-dev page.

The shipped ``boilerplate_model.npz`` is trained on AEB *and all* trafilatura-eval-dev pages,
so its scores there are in-sample. Tests that score the plain-text path on those pages use
this one instead: the real training code (:func:`train_model`) on AEB pages only. A subset of
AEB keeps the fit to about ten seconds; it is made once per test session.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from newsloom.extract.boilerplate import BoilerplateModel

#: AEB pages (and as many of their clean bodies) to train on.
AEB_PAGES = 60


@cache
def aeb_only_model(data: Path) -> BoilerplateModel:
    """``data`` holds ``aeb/``; needs scikit-learn (a dev dependency)."""
    pytest.importorskip("sklearn")
    from newsloom.training.boilerplate_train import load_aeb, train_model

    pages, clean = load_aeb(data)
    return train_model([*pages[:AEB_PAGES], *clean[:AEB_PAGES]],
                       f"held out: {AEB_PAGES} AEB pages, no trafilatura-eval-dev page")
