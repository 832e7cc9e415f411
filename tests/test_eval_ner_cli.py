"""``newsloom eval ner --dataset FILE --lang xx --format json`` prints the documented object."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from newsloom.cli.app import app

FIXTURE = Path(__file__).parent / "fixtures_ner" / "mini_de.conllu"


def test_eval_ner_json_contract() -> None:
    result = CliRunner().invoke(app, ["eval", "ner", "--dataset", str(FIXTURE), "--lang", "de",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"lang", "precision", "recall", "f1", "per_type"}
    assert data["lang"] == "de"
    assert 0.0 <= data["f1"] <= 1.0
    assert set(data["per_type"]) <= {"PER", "ORG", "LOC", "MISC"}
    # the fixture has 5 gold entities: PER 1, LOC 2, ORG 2
    assert sum(t["support"] for t in data["per_type"].values()) == 5


def test_eval_ner_needs_a_language_for_a_file() -> None:
    result = CliRunner().invoke(app, ["eval", "ner", "--dataset", str(FIXTURE)])
    assert result.exit_code == 2
