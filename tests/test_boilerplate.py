"""The plain-text line classifier: features, rules, numpy inference, training helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsloom.extract.boilerplate import (
    BoilerplateModel,
    TreeEnsemble,
    classify_lines,
    default_model,
)
from newsloom.extract.boilerplate_features import (
    FEATURE_NAMES,
    document_features,
    headline_index,
    stopwords,
)
from newsloom.extract.boilerplate_lexicon import CATEGORIES
from newsloom.extract.lineshape import (
    has_doubled_text,
    is_credit,
    is_date_only,
    is_link_only,
    is_self_repeat,
    repair_mojibake,
)
from newsloom.training.boilerplate_train import label_lines, render_html

# Not under fixtures/: the end-to-end CLI tests ingest that whole folder.
FIXTURES = Path(__file__).parent / "fixtures_plaintext"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EVAL_DEV = SHARED / "trafilatura-eval-dev"


def _lines(name: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_self_repeat_detects_glued_captions() -> None:
    assert is_self_repeat("Huawei Mate 10 ProHuawei Mate 10 ProHuawei Mate 10 Pro")
    assert is_self_repeat("abcabc")
    assert not is_self_repeat("Huawei Mate 10 Pro")
    assert not is_self_repeat("aaaa b")


def test_line_shapes() -> None:
    assert is_credit("© Huawei") and is_credit("@markcjn, Unsplash") and is_credit("Foto: dpa")
    assert not is_credit("Reuters berichtet") and not is_credit("Fotos sind schön.")
    assert is_link_only("WinFuture.de") and is_link_only("https://example.org/a")
    assert not is_link_only("WinFuture.de berichtet")
    assert is_date_only("14.08.2019  16:36 Uhr") and not is_date_only("12.5")
    assert has_doubled_text("Ab 06:05 Uhr Mini PC mit 4K Display | WiFi 6Mini PC mit 4K Display | "
                            "WiFi 6")
    assert not has_doubled_text("Ein ganz normaler Satz, in dem sich nichts wiederholt.")


def test_mojibake_is_repaired_and_clean_text_untouched() -> None:
    assert repair_mojibake("fÃ¼r die EuropÃ¤ische Union") == "für die Europäische Union"
    assert repair_mojibake("â€žZitatâ€œ") == "„Zitat“"
    for clean in ("Ärger über Öl", "Été à Paris", "Привет", "Ä ä Ð Ñ"):
        assert repair_mojibake(clean) == clean


def test_stopwords_per_language_and_fallback() -> None:
    assert {"der", "und", "die"} <= stopwords("de")
    assert {"de", "het", "een"} <= stopwords("nl")
    assert {"the", "and"} <= stopwords("en")
    unknown = stopwords("xx")
    assert {"the", "der", "le"} <= unknown


def test_feature_matrix_shape_and_context_columns() -> None:
    lines = _lines("en_article.txt")
    features = document_features(lines, "en")
    assert features.shape == (len(lines), len(FEATURE_NAMES))
    assert np.isfinite(features).all()
    assert document_features([], "en").shape == (0, len(FEATURE_NAMES))
    # the first line's "previous line" features say "no such line"
    assert features[0, FEATURE_NAMES.index("log_len@-1")] == -1.0


def test_lexicon_hits_are_counted_per_category() -> None:
    lines = ["We use cookies. Accept all cookies", "Log in or sign up", "Plain sentence here."]
    features = document_features(lines, "en")
    cookie = FEATURE_NAMES.index(f"cat_{[c.reason for c in CATEGORIES].index('cookie/consent')}")
    login = FEATURE_NAMES.index(
        f"cat_{[c.reason for c in CATEGORIES].index('login/account prompt')}")
    assert features[0, cookie] >= 2
    assert features[1, login] >= 2
    assert features[2, cookie] == 0 and features[2, login] == 0


def test_headline_index_finds_the_h1_repeating_the_title_line() -> None:
    lines = ["Storm hits the coast | Coastal News", "Home", "News", "Storm hits the coast", "Text"]
    assert headline_index(lines) == 3
    assert headline_index(["Just one headline", "Some text that follows it."]) == 0


def test_tree_ensemble_matches_sklearn_and_survives_a_round_trip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our numpy walk over the exported trees must give sklearn's own ``predict_proba`` of
    the very classifier ``fit_ensemble`` fitted, on rows it was not fitted on."""
    pytest.importorskip("sklearn")
    import sklearn.ensemble

    from newsloom.training.boilerplate_train import fit_ensemble

    fitted: list[Any] = []

    class Kept(sklearn.ensemble.HistGradientBoostingClassifier):  # type: ignore[misc]
        def fit(self, *args: Any, **kwargs: Any) -> Any:
            fitted.append(self)
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(sklearn.ensemble, "HistGradientBoostingClassifier", Kept)
    rng = np.random.default_rng(0)

    def sample(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.normal(size=(n, len(FEATURE_NAMES)))
        x[:, 1] = rng.integers(0, 4, size=n)  # a count-like column: many rows tie
        return x, (x[:, 0] + 0.5 * x[:, 3] + 0.3 * x[:, 1] > 0.5).astype(np.int8)

    x, y = sample(600)
    ensemble = fit_ensemble(x, y, rng.uniform(0.5, 2.0, size=len(y)), iterations=20)
    assert len(fitted) == 1 and fitted[0].n_iter_ == 20
    held_out, truth = sample(400)
    # Rows that sit exactly on a split threshold: "x <= threshold goes left" must agree too.
    inner = np.flatnonzero(ensemble.left != np.arange(len(ensemble.left)))
    on_split = held_out[:len(inner)].copy()
    on_split[np.arange(len(inner)), ensemble.feature[inner]] = ensemble.threshold[inner]
    rows = np.vstack([held_out, on_split])
    expected = fitted[0].predict_proba(rows)[:, 1]
    np.testing.assert_allclose(ensemble.proba(rows), expected, rtol=0, atol=1e-6)
    assert ((ensemble.proba(held_out) > 0.5) == truth).mean() > 0.9
    model = BoilerplateModel(ensemble, "test model")
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = BoilerplateModel.load(path)
    assert loaded.description == "test model"
    np.testing.assert_allclose(loaded.trees.proba(rows), expected, rtol=0, atol=1e-6)


def test_shipped_model_is_small_and_documents_its_training() -> None:
    from newsloom.extract.boilerplate import MODEL_PATH

    assert MODEL_PATH.stat().st_size < 1_000_000
    model = default_model()
    assert "trained on" in model.description
    assert isinstance(model.trees, TreeEnsemble)


def test_rules_catch_shortcodes_glued_captions_and_copyright() -> None:
    lines = [
        "A first paragraph of the article that says something meaningful about the topic.",
        '[sd_posts template="loop.php" posts_per_page="5"]',
        "Mate 10 ProMate 10 Pro",
        "© Huawei",
        "A second paragraph of the article that also says something about the topic.",
        "A third paragraph of the article, which goes on about the topic for a while.",
        "A fourth paragraph of the article, which ends what there is to say about it.",
        "© 2024 WinFuture",
    ]
    verdicts = classify_lines(lines, "en")
    reasons = {v.text: v.reason for v in verdicts}
    assert reasons[lines[1]] == "CMS shortcode"
    assert reasons[lines[2]] == "repeated caption"
    assert reasons["© Huawei"] == "photo credit"
    assert reasons["© 2024 WinFuture"] == "copyright/imprint"


def test_repeated_lines_from_the_batch_are_removed() -> None:
    lines = [*_lines("es_clean.txt"), "Más noticias de la región"]
    verdicts = classify_lines(lines, "es", repeated_lines=frozenset({lines[-1]}))
    assert verdicts[-1].reason == "repeated across documents"
    assert not any(v.boilerplate for v in verdicts[1:-1])


@pytest.mark.parametrize("name", ["en_article.txt", "fr_article.txt", "pl_article.txt"])
def test_furniture_goes_and_prose_stays_in_other_languages(name: str) -> None:
    lines = _lines(name)
    verdicts = classify_lines(lines, name[:2])
    for verdict in verdicts:
        if len(verdict.text.split()) >= 20:  # the article's paragraphs
            assert not verdict.boilerplate, verdict.text
    removed = {v.text for v in verdicts if v.boilerplate}
    assert lines[-1] in removed  # copyright line
    furniture = {"Home", "Accueil", "Strona główna", "Sign in", "Se connecter", "Zaloguj się",
                 "Privacy policy", "Politique de confidentialité", "Polityka prywatności"}
    present = furniture & set(lines)
    assert present and present <= removed
    assert all(v.reason for v in verdicts if v.boilerplate)


def test_clean_text_passes_untouched() -> None:
    lines = _lines("es_clean.txt")
    verdicts = classify_lines(lines[1:], "es")
    assert not any(v.boilerplate for v in verdicts)


def test_render_html_gives_one_block_per_line() -> None:
    lines = render_html((FIXTURES / "mini_page.html").read_bytes())
    assert lines[0] == "Storm hits the coast | Coastal News"
    assert "var x = 1;" not in " ".join(lines)
    assert "Home" in lines and "News" in lines
    # inline markup is glued into its block; a line break in the source breaks the line
    assert "The storm reached the coast on Monday night, and" in lines
    assert "officials said that several roads were closed." in lines
    assert "© 2020 Coastal News Imprint" in lines


def test_label_lines_against_a_reference_body() -> None:
    lines = ["Home", "Storm hits", "The storm reached the coast on Monday night.",
             "Residents were asked to stay at home during the storm.", "Imprint"]
    reference = ("The storm reached the coast on Monday night.\n"
                 "Residents were asked to stay at home during the storm.")
    labels, weights = label_lines(lines, reference)
    assert labels.tolist() == [1, 1, 0, 0, 1]
    assert (weights > 0).all()


@pytest.mark.shared_data
@pytest.mark.skipif(not EVAL_DEV.exists(), reason="needs ../shared/data")
def test_renderer_reproduces_the_eval_renderings() -> None:
    pages = sorted((EVAL_DEV / "html").glob("*.html"))[:15]
    scores = []
    for page in pages:
        mine = set(render_html(page.read_bytes()))
        theirs = {line.strip() for line in (EVAL_DEV / "text" / f"{page.stem}.txt")
                  .read_text(encoding="utf-8").split("\n") if line.strip()}
        scores.append(len(mine & theirs) / max(1, len(mine | theirs)))
    assert np.mean(scores) > 0.95
