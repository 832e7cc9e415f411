"""eval ner --news-sample: scoring reported entities against hand labels (eval.ner_news)."""

from __future__ import annotations

import json
from pathlib import Path

from newsloom.eval.ner_news import (
    Label,
    Reported,
    draw_sample,
    label_round,
    load_articles,
    of_rounds,
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


def test_labels_of_chosen_rounds_measure_rules_fresh() -> None:
    old = _label("1", "Nokia", "ORG", "correct", "ORG")
    fresh = Label("de", "semeval", "2", "Guselkumab", "PER", "wrong", "MISC",
                  "round 9 (after the rule): a drug")
    other = Label("de", "semeval", "3", "Juni 2018", "PER", "wrong", "-", "round 8: a date")
    assert [label_round(lb) for lb in (old, fresh, other)] == [None, 9, 8]
    assert of_rounds([old, fresh, other], frozenset({9})) == [fresh]
    assert of_rounds([old, fresh, other], frozenset()) == [old, fresh, other]
    reported = [_rep("1", "Nokia", "ORG"), _rep("2", "Guselkumab", "PER")]
    assert summary(score(reported, of_rounds([old, fresh], frozenset({9}))))["precision"] == 0


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


def test_cli_scores_and_draws_on_real_output(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsloom.cli.app import app

    folder = tmp_path / "semeval-pairs-dev"
    folder.mkdir()
    text = ("Der Konzern Huawei verhandelt mit dem Unternehmen Mail.ru in Moskau. "
            "Er betonte in Interviews, dass Huawei wachsen will.")
    (folder / "articles.jsonl").write_text(json.dumps(
        {"id": "1", "lang": "de", "title": "Huawei in Moskau", "text": text}), encoding="utf-8")
    sample = tmp_path / "sample.tsv"
    write_labels(sample, [Label("de", "semeval", "1", "Huawei", "ORG", "correct", "ORG", "")])
    args = ["eval", "ner", "--news-sample", str(sample), "--news-data", str(tmp_path),
            "--seeds", str(tmp_path / "none"), "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["languages"]["de"]
    assert (data["labelled"], data["correct"]) == (1, 1)
    assert data["unlabelled"] == data["reported"] - 1 >= 1  # Mail.ru, Moscow: not labelled
    result = CliRunner().invoke(app, [*args, "--round", "9"])  # the Huawei label has none
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["languages"]["de"]["labelled"] == 0
    result = CliRunner().invoke(app, [*args, "--draw", "5"])
    assert result.exit_code == 0, result.output
    drawn = read_labels(sample)
    assert drawn[0].name == "Huawei" and {lb.label for lb in drawn[1:]} == {"?"}
    assert "Interviews" not in {lb.name for lb in drawn}
