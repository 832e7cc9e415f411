"""eval ner --news-sample: scoring reported entities against hand labels (eval.ner_news)."""

from __future__ import annotations

import json
from pathlib import Path

from newsloom.eval.ner_news import (
    Label,
    Reported,
    draw_sample,
    load_articles,
    read_labels,
    score,
    summary,
    write_labels,
)


def _rep(article: str, name: str, kind: str, lang: str = "de") -> Reported:
    return Reported(lang, "semeval", article, name, kind, (name,))


def _label(article: str, name: str, kind: str, label: str, gold: str) -> Label:
    return Label("de", "semeval", article, name, kind, label, gold, "")


def test_precision_uses_the_gold_type_and_counts_unlabelled() -> None:
    reported = [_rep("1", "Nokia", "ORG"), _rep("1", "Interviews", "LOC"),
                _rep("2", "Nokia", "LOC"), _rep("2", "Berlin", "LOC")]
    labels = [_label("1", "Nokia", "LOC", "wrong", "ORG"),  # labelled when typed LOC
              _label("1", "Interviews", "LOC", "wrong", "-"),
              _label("2", "Nokia", "LOC", "wrong", "ORG"),
              _label("3", "Gone", "ORG", "correct", "ORG")]  # no longer reported: ignored
    result = score(reported, labels)["de"]
    assert (result.reported, result.labelled, result.correct, result.unlabelled) == (4, 3, 1, 1)
    assert [w.name for w in result.wrong] == ["Interviews", "Nokia"]
    assert summary(score(reported, labels))["precision"] == round(1 / 3, 3)


def test_draw_adds_seeded_unlabelled_entities_and_keeps_labels(tmp_path: Path) -> None:
    reported = [_rep(str(i), f"Name{i}", "PER") for i in range(30)]
    labels = [_label("0", "Name0", "PER", "correct", "PER")]
    first = draw_sample(reported, labels, 5, seed=3)
    again = draw_sample(reported, labels, 5, seed=3)
    assert first == again and len(first) == 6 and first[0] == labels[0]
    assert all(lb.label == "?" for lb in first[1:])
    assert all(lb.name != "Name0" for lb in first[1:])
    path = tmp_path / "sample.tsv"
    write_labels(path, first)
    assert read_labels(path) == first


def test_articles_are_read_from_the_shared_data_layout(tmp_path: Path) -> None:
    folder = tmp_path / "semeval-pairs-dev"
    folder.mkdir()
    records = [{"id": "7", "lang": "de", "title": "T", "text": "Huawei in Berlin."},
               {"id": "8", "lang": "tr", "title": "T", "text": "no model"},
               {"id": "9", "lang": "en", "title": None, "text": ""}]
    (folder / "articles.jsonl").write_text(
        "\n".join(json.dumps(r) for r in records), encoding="utf-8")
    articles = load_articles(tmp_path, None)
    assert [(a.lang, a.id, a.text) for a in articles] == [("de", "7", "Huawei in Berlin.")]
