"""End to end through the CLI (issue 10): the seeds' entities have no common-noun junk and
the organisations the issue names are typed ORG."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).parents[1] / "examples" / "seeds"

JUNK = ("Engagement", "Firmware", "Hardware", "Interviews", "Smartphone", "Moraalboost",
        "Chinas Wachstum", "E-Mail-Service", "Internet")
ORGANISATIONS = ("AT&T", "Mail.ru", "MTS", "Alcatel", "Lucent", "Nokia", "Ericsson", "Huawei")


def _newsloom(*args: str, db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSLOOM_DB": str(db), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsloom", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def seed_entities(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, object]]:
    work = tmp_path_factory.mktemp("seed-entities")
    db = work / "x.db"
    result = _newsloom("analyze", str(SEEDS), "--no-print", db=db, cwd=work)
    assert result.returncode == 0, result.stderr
    listed = _newsloom("entities", "--format", "jsonl", "--limit", "0", db=db, cwd=work)
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def test_no_common_noun_junk(seed_entities: list[dict[str, object]]) -> None:
    names = {str(e["name"]) for e in seed_entities}
    surfaces = {s for e in seed_entities
                for forms in e["aliases"].values()  # type: ignore[attr-defined]
                for s in forms}
    assert not (set(JUNK) & names), set(JUNK) & names
    assert not (set(JUNK) & surfaces), set(JUNK) & surfaces
    # nor inside a longer name: "Firmware-Quellcodes", "Premium-Smartphone Mate 10"
    parts = {p for name in names | surfaces for w in name.split() for p in w.split("-")}
    assert not (set(JUNK) & parts), set(JUNK) & parts


def test_organisations_typed_org(seed_entities: list[dict[str, object]]) -> None:
    types = {str(e["name"]): e["type"] for e in seed_entities}
    assert {name: types.get(name) for name in ORGANISATIONS} == dict.fromkeys(
        ORGANISATIONS, "ORG")


def test_people_and_places_kept(seed_entities: list[dict[str, object]]) -> None:
    types = {str(e["name"]): e["type"] for e in seed_entities}
    for name, kind in (("Ren Zhengfei", "PER"), ("Xi Jinping", "PER"), ("Donald Trump", "PER"),
                       ("United States", "LOC"), ("Russia", "LOC"), ("China", "LOC"),
                       ("Reuters", "ORG")):
        assert types.get(name) == kind, name
