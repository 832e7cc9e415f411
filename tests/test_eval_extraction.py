"""Tests of the benchmark scorers (tiny synthetic inputs) and a smoke run on the real datasets."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from heldout_text_model import aeb_only_model
from newsloom.eval.cli import app
from newsloom.eval.extraction import evaluate_aeb, evaluate_tev, fold_models, load_tev
from newsloom.eval.extraction_baselines import BASELINE_NAMES
from newsloom.eval.scoring import DateTally, TitleTally, aeb_aggregate, aeb_match, aeb_shingles
from newsloom.eval.throughput import build_corpus, measure
from newsloom.model import content_id
from newsloom.training.scoring import Confusion, score_snippets, titles_match

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
AEB = SHARED_DATA / "aeb"
TEV = SHARED_DATA / "trafilatura-eval-dev"
needs_data = pytest.mark.skipif(not (AEB.is_dir() and TEV.is_dir()),
                                reason="../shared/data is absent")


# ---------------------------------------------------------------------- AEB scorer --


def test_shingles_of_short_and_empty_texts() -> None:
    # fewer tokens than the shingle size still make one (short) shingle; no tokens make none
    assert aeb_shingles("one two") == {("one", "two"): 1}
    assert aeb_shingles("  ,; ") == {}


def test_partial_prediction_is_normalised_per_document() -> None:
    counts = aeb_match("a b c d e", "a b c d")  # truth: abcd, bcde; prediction: abcd
    assert (counts.tp, counts.fp, counts.fn) == pytest.approx((0.5, 0.0, 0.5))
    assert counts.precision == 1.0
    assert counts.recall == pytest.approx(0.5)


def test_repeated_shingles_count_as_a_multiset() -> None:
    # truth has "x y z w" twice among 5 shingles; predicting it once recovers one of them
    counts = aeb_match("x y z w x y z w", "x y z w")
    assert (counts.tp, counts.fp, counts.fn) == pytest.approx((0.2, 0.0, 0.8))


def test_tokens_drop_punctuation_but_keep_case() -> None:
    assert aeb_match("Hello, World! Foo bar", "Hello World Foo bar").recall == 1.0
    assert aeb_match("Hello World Foo bar", "hello world foo bar").tp == 0.0


def test_empty_prediction_costs_recall_only() -> None:
    text = "the quick brown fox jumps over the lazy dog"
    score = aeb_aggregate([aeb_match(text, text), aeb_match(text, "")])
    assert score.precision == 1.0  # the empty page is left out of the precision mean
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 / 3)
    assert (score.documents, score.precision_documents, score.recall_documents) == (2, 1, 2)


def test_f1_is_harmonic_mean_of_averaged_precision_and_recall() -> None:
    # per page (P, R) = (1, .5) and (.5, 1): means .75/.75 → F1 .75 (mean of page F1s is .667)
    score = aeb_aggregate([aeb_match("a b c d e", "a b c d"), aeb_match("a b c d", "a b c d e")])
    assert (score.precision, score.recall, score.f1) == pytest.approx((0.75, 0.75, 0.75))


# ----------------------------------------------------------------- snippet scorer --


def test_snippets_match_after_whitespace_normalisation_case_sensitively() -> None:
    result = "Intro line\nHello\n   world, again. TrustScore 4.2 580 reviews"
    counts = score_snippets(result, ["Hello world", " TrustScore 4.2  580", "hello world"],
                            ["Imprint", "again."])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (2, 1, 1, 1)


def test_failed_extraction_misses_every_with_and_removes_every_without() -> None:
    counts = score_snippets(None, ["a", "b", "c"], ["d", "e"])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (0, 3, 0, 2)
    assert score_snippets("", ["a"], ["b"]) == Confusion(tp=0, fp=0, fn=1, tn=1)


def test_confusion_metrics_follow_trafilatura() -> None:
    total = Confusion()
    total.add(Confusion(tp=3, fp=1, fn=1, tn=2))
    total.add(Confusion(tp=0, fp=0, fn=0, tn=0))
    assert total.with_kept == pytest.approx(0.75)
    assert total.without_removed == pytest.approx(2 / 3)
    assert total.precision == pytest.approx(0.75)
    assert total.f_score == pytest.approx(6 / 8)
    assert total.accuracy == pytest.approx(5 / 7)
    assert Confusion().f_score == 0.0  # no division by zero on an empty corpus


# -------------------------------------------------------------- titles and dates --


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("Headline of the day | Example News", "headline of the day", True),
        ("Headline  of the day", "Headline of the day – Site – Section", True),
        ("La Policía dice que todo 'tranqui'", "La Policía dice que todo ‘tranqui’", True),
        ("Pferdesport bei Olympia 2028 dabei -", "Pferdesport bei Olympia 2028 dabei", True),
        ("Topic: Headline", "Headline", False),  # a leading kicker is not a site name
        ("Covid-19 cases rise", "Covid", False),  # an unspaced hyphen is not a separator
        ("A | B | C | D", "A", False),  # at most two trailing segments are dropped
        (None, "Headline", False),
        ("", "Headline", False),
    ],
)
def test_title_match(predicted: str | None, gold: str, expected: bool) -> None:
    assert titles_match(predicted, gold) is expected


def test_title_tally_counts_missing_titles_as_wrong() -> None:
    tally = TitleTally()
    tally.add("Headline | Site", "Headline")
    tally.add(None, "Other")
    assert (tally.pages, tally.correct, tally.missing) == (2, 1, 1)
    assert tally.accuracy == 0.5


def test_date_tally_separates_wrong_from_abstained() -> None:
    tally = DateTally()
    tally.add("2020-01-27", "2020-01-27")
    tally.add("2020-01-26", "2020-01-27")  # UTC vs local day
    tally.add("2019-01-27", "2020-01-27")
    tally.add(None, "2020-01-27")
    tally.add("2022-10-25", "2022-25-10")  # malformed gold date still counts as wrong
    assert (tally.pages, tally.correct, tally.wrong, tally.abstained) == (5, 1, 3, 1)
    assert tally.off_by_one == 1
    assert tally.accuracy == pytest.approx(0.2)
    assert tally.precision == pytest.approx(0.25)


def test_fold_manifest_maps_each_page_to_the_model_that_never_saw_it(tmp_path: Path) -> None:
    (tmp_path / "folds.json").write_text(json.dumps({"https://a.example/x": 0,
                                                     "https://b.example/y": 1}))
    assert fold_models(tmp_path) == {"https://a.example/x": tmp_path / "fold-0.npz",
                                     "https://b.example/y": tmp_path / "fold-1.npz"}


# ------------------------------------------------------------- throughput corpus --


def _tiny_tev(root: Path) -> Path:
    dataset = root / "trafilatura-eval-dev"
    (dataset / "html").mkdir(parents=True)
    (dataset / "text").mkdir()
    body = ("Der Gemeinderat hat am Dienstag beschlossen, die Sanierung der Grundschule um ein "
            "Jahr vorzuziehen, weil die Heizung im letzten Winter mehrfach ausgefallen ist. ")
    for i in range(2):
        (dataset / "html" / f"p{i}.html").write_text(
            f"<html><head><title>Seite {i}</title></head><body><nav>Start</nav>"
            f"<article><h1>Seite {i}</h1><p>{body * (i + 2)}</p><p>{body}</p></article>"
            "</body></html>", encoding="utf-8")
        (dataset / "text" / f"p{i}.txt").write_text(f"Seite {i}\nStart\n{body * (i + 2)}\n",
                                                    encoding="utf-8")
    return dataset


def test_corpus_copies_are_distinct_documents(tmp_path: Path) -> None:
    dataset = _tiny_tev(tmp_path)
    corpus = build_corpus(dataset, None, tmp_path / "corpus", html_docs=5, text_docs=7)
    html_files = sorted(corpus.html_dir.iterdir())
    text_files = sorted(corpus.text_dir.iterdir())
    assert (len(html_files), len(text_files)) == (5, 7)
    contents = [p.read_text(encoding="utf-8") for p in html_files + text_files]
    assert len({content_id(c) for c in contents}) == 12  # ingest must not dedupe any copy
    assert all("<p>" in c for c in contents[:5])  # the injected paragraph is real markup


def test_measure_runs_the_real_pipeline_in_a_child_process(tmp_path: Path) -> None:
    dataset = _tiny_tev(tmp_path)
    corpus = build_corpus(dataset, None, tmp_path / "corpus", html_docs=4, text_docs=0)
    store = tmp_path / "store.sqlite"
    first = measure(corpus.html_dir, store, workers=1, label="html ingest")
    again = measure(corpus.html_dir, store, workers=1, label="html re-ingest")
    assert first.documents == 4 and first.added + first.new_versions + first.skipped == 4
    assert again.unchanged == first.added + first.new_versions and again.added == 0
    assert first.self_peak_mib > 10 and first.seconds > 0


# ------------------------------------------------------------------ real datasets --


@needs_data
@pytest.mark.shared_data
def test_aeb_on_a_handful_of_pages() -> None:
    report = evaluate_aeb(AEB, limit=5)
    ours = report.systems[0]
    assert ours.score.documents == 5 and ours.failures.count == 0
    assert ours.score.f1 > 0.85
    naive = report.systems[-1]
    assert naive.name.startswith("naive") and naive.score.precision < ours.score.precision


@needs_data
@pytest.mark.shared_data
def test_trafilatura_dev_html_on_a_handful_of_pages() -> None:
    report = evaluate_tev(TEV, paths=("html",), limit=12)
    ours = next(s for s in report.systems if s.name.startswith("newsloom html"))
    naive = next(s for s in report.systems if s.name == "naive: all visible text")
    assert ours.pages == 12 and ours.failures.count == 0
    assert ours.snippets is not None and naive.snippets is not None
    assert ours.snippets.with_kept > 0.7
    assert ours.snippets.without_removed > naive.snippets.without_removed
    dated = sum(1 for page in load_tev(TEV, limit=12) if page.date)
    assert ours.dates is not None and ours.dates.pages == dated > 0
    assert ours.dates.correct + ours.dates.wrong + ours.dates.abstained == dated


@needs_data
@pytest.mark.shared_data
def test_trafilatura_dev_html_runs_the_open_tools_as_baseline_rows() -> None:
    report = evaluate_tev(TEV, paths=("html",), limit=8)
    systems = {s.name: s for s in report.systems}
    dated = sum(1 for page in load_tev(TEV, limit=8) if page.date)
    for name in BASELINE_NAMES.values():
        row = systems[name]
        assert row.dates is not None and row.failures.count == 0
        assert row.dates.correct + row.dates.wrong + row.dates.abstained == dated
    trafilatura = systems["baseline: trafilatura defaults"]
    assert trafilatura.snippets is not None and trafilatura.titles is not None
    # htmldate gives dates only: no body or title to score, rather than an empty one
    quick = systems["baseline: htmldate quick"]
    assert quick.snippets is None and quick.titles is None


def _text_extractor_ready() -> bool:
    """The plain-text path needs extract/text.py and its shipped classifier weights."""
    import newsloom.extract

    weights = list(Path(newsloom.extract.__file__).parent.glob("*.npz"))
    return importlib.util.find_spec("newsloom.extract.text") is not None and bool(weights)


@needs_data
@pytest.mark.shared_data
@pytest.mark.skipif(not _text_extractor_ready(), reason="the plain-text extractor is not ready")
def test_trafilatura_dev_text_path_on_a_handful_of_pages(tmp_path: Path) -> None:
    """Scored with a classifier that never saw these pages (the shipped one was trained on all
    of trafilatura-eval-dev), through the report's own out-of-fold route."""
    models = tmp_path / "held-out"
    models.mkdir()
    aeb_only_model(SHARED_DATA).save(models / "fold-0.npz")
    pages = load_tev(TEV, limit=6)
    (models / "folds.json").write_text(json.dumps({page.url: 0 for page in pages}))
    report = evaluate_tev(TEV, paths=("text",), limit=6, text_models=models)
    systems = {s.name: s for s in report.systems}
    shipped = systems["newsloom text (shipped model)"]
    ours = systems["newsloom text (out-of-fold models)"]
    naive = systems["naive: all visible text"]
    assert shipped.pages == ours.pages == 6
    assert shipped.failures.count == ours.failures.count == 0  # every page gives text
    # Measured when written: with 18/19 kept, without 6/17 removed (naive: 0/17).
    assert ours.snippets is not None and naive.snippets is not None
    assert ours.snippets.with_kept > 0.85
    assert ours.snippets.without_removed >= 0.3 > naive.snippets.without_removed


@needs_data
@pytest.mark.shared_data
def test_cli_prints_one_json_object() -> None:
    result = CliRunner().invoke(app, ["extraction", "--dataset", str(AEB), "--limit", "2",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "aeb" and data["pages"] == 2
    assert {s["name"] for s in data["systems"]} >= {"naive: all visible text"}
