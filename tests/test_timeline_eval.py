"""``newsloom eval timelines``: protocol helpers, tilse scoring, and a real run on one
Timeline17 collection when the shared data is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from newsloom.eval.timelines import collapse, load_references, print_report, score
from newsloom.model import TimelineEntry, TimelineSentence, TimexGranularity

DATA = Path(__file__).parents[1].parent / "shared" / "data" / "timeline17-dev"

REFERENCE = {
    date(2010, 4, 20): ["An explosion on the Deepwater Horizon rig kills 11 workers ."],
    date(2010, 7, 15): ["BP caps the leaking well with a new sealing cap ."],
}


def _entry(day: str, texts: list[str], granularity: TimexGranularity = "day"
           ) -> TimelineEntry:
    sentences = [TimelineSentence(t, "en", f"a{i}", None, 0, len(t)) for i, t in enumerate(texts)]
    return TimelineEntry(day, granularity, "mentioned", texts[0], sentences, "s", ["s"],
                         ["a0"], [], 1.0)


def test_load_references_normalises_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "timelines.jsonl"
    path.write_text(json.dumps([["2010-04-20", ["An  explosion .\n"]]]) + "\n"
                    + json.dumps([["2010-05-01T00:00:00", ["x"]]]) + "\n", encoding="utf-8")
    assert load_references(path) == [{date(2010, 4, 20): ["An explosion ."]},
                                     {date(2010, 5, 1): ["x"]}]


def test_collapse_merges_entries_of_a_day_and_drops_coarse_ones() -> None:
    entries = [_entry("2010-04-20", ["one", "two"]), _entry("2010-04-20", ["three"]),
               _entry("2010-04", ["month"], "month")]
    assert collapse(entries, 2) == {date(2010, 4, 20): ["one", "two"]}


def test_tilse_scores_a_perfect_and_a_disjoint_timeline() -> None:
    pytest.importorskip("tilse")
    perfect = score(dict(REFERENCE), REFERENCE)
    assert perfect["date_f1"] == pytest.approx(1.0)
    assert perfect["ar1_f"] == pytest.approx(1.0) and perfect["concat_r1_f"] == pytest.approx(1.0)
    wrong = score({date(2011, 1, 1): ["Markets rallied on Friday ."]}, REFERENCE)
    assert wrong["date_f1"] == 0.0 and wrong["ar1_f"] == 0.0
    shifted = score({date(2010, 4, 21): REFERENCE[date(2010, 4, 20)]}, REFERENCE)
    assert 0.0 < shifted["ar1_f"] < 1.0 and shifted["date_f1"] == 0.0


@pytest.mark.shared_data
def test_eval_timelines_cli_on_one_collection(tmp_path: Path) -> None:
    if not (DATA / "H1N1_guardian").is_dir():
        pytest.skip("shared Timeline17 data not available")
    pytest.importorskip("tilse")
    result = subprocess.run(
        [sys.executable, "-m", "newsloom", "eval", "timelines", "--dataset", str(DATA),
         "--collection", "H1N1_guardian", "--workdir", str(tmp_path), "--format", "json"],
        capture_output=True, text=True, timeout=900, check=False,
        env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [t["collection"] for t in report["timelines"]] == ["H1N1_guardian"]
    assert report["collections"]["H1N1_guardian"]["articles"] > 50
    for metric in ("date_f1", "ar1_f", "ar2_f"):
        assert 0.0 < report["mean"][metric] <= 1.0
    assert (tmp_path / "H1N1_guardian" / "complete").exists()


def test_report_names_the_worst_collection_beside_the_mean() -> None:
    from io import StringIO

    from rich.console import Console

    from newsloom.eval.timelines import TimelineScore, TimelinesReport, report_to_json

    def timeline(collection: str, ar1: float) -> TimelineScore:
        return TimelineScore(collection, 0, 5, 1, {"date_f1": 0.5, "ar1_f": ar1, "ar2_f": 0.0,
                                                   "concat_r1_f": 0.0, "concat_r2_f": 0.0})
    report = TimelinesReport([timeline("long", 0.02), timeline("long", 0.06),
                              timeline("short", 0.05)], {"long": 9, "short": 3})
    assert report.worst() == "long"  # mean 0.04 < 0.05, though it holds the best timeline
    data = report_to_json(report)
    assert data["worst"]["collection"] == "long"
    assert data["worst"]["ar1_f"] == pytest.approx(0.04)
    assert data["mean"]["ar1_f"] == pytest.approx(0.13 / 3)
    out = StringIO()
    print_report(report, Console(file=out, width=200))
    assert "worst (AR1-F): long" in out.getvalue()
    assert TimelinesReport().worst() is None and report_to_json(TimelinesReport())["worst"] is None


def test_load_keywords_reads_the_list_and_tolerates_absence(tmp_path: Path) -> None:
    from newsloom.eval.timelines import load_keywords

    assert load_keywords(tmp_path) == ()
    (tmp_path / "keywords.json").write_text('["haiti", 3, "quake"]', encoding="utf-8")
    assert load_keywords(tmp_path) == ("haiti", "quake")
    (tmp_path / "keywords.json").write_text('{"k": 1}', encoding="utf-8")
    assert load_keywords(tmp_path) == ()
