"""simplemma's lexicons as sorted files on disk (text/lexicon_index.py, issue 13's CLI latency):
the same lemmas as simplemma's in-memory dictionaries, for every word of the seed articles,
and the same search results whichever of the two a query is lemmatised with."""

from __future__ import annotations

import importlib
import logging
import random
from pathlib import Path
from typing import Any

import pytest
import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from newsloom.model import SearchQuery
from newsloom.search import retrieve, search, search_stories, to_dict
from newsloom.store import open_store
from newsloom.text import stem
from newsloom.text.lemma_memo import LemmaMemo, memo_for
from newsloom.text.lexicon_index import (
    IndexedDictionaryFactory,
    IndexedLexicon,
    index_path,
    open_lexicon,
    write_index,
)

ROOT = Path(__file__).parents[1]
#: Words simplemma's strategies treat specially: case, hyphens, apostrophes, compounds,
#: digits, unknown words, other scripts.
TRICKY = ["Netzen", "NETZE", "US-Präsident", "Huawei-Chef", "Mobilfunkbetreibers",
          "Telekommunikationsriesen", "Boykottmaßnahmen", "5G-netwerk", "aanleggen",
          "Rusland's", "l'Amérique", "2019", "x", "Zzyzxqwv", "Москва", "华为", "don't",
          "ﬁnanzen", "Straße"]


@pytest.fixture(scope="module")
def lexicons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lexicons")


def _seed_words() -> list[str]:
    words = {w for path in sorted((ROOT / "examples").rglob("*.txt"))
             for w in stem.WORD.findall(path.read_text(encoding="utf-8"))}
    return sorted(words) + TRICKY


def test_lexicon_file_holds_the_dictionary(lexicons: Path) -> None:
    entries = DefaultDictionaryFactory(cache_max_size=1).get_dictionary("en")
    lexicon = open_lexicon("en", lexicons)
    assert index_path("en", lexicons).is_file()
    assert len(lexicon) == len(entries)
    keys = random.Random(13).sample(sorted(entries), 5000)
    assert [lexicon.get(k) for k in keys] == [entries[k] for k in keys]
    for missing in ("", "zzzzqqqx", "\U0010ffff", keys[0] + "zz"):
        assert lexicon.get(missing) is None and missing not in lexicon
    first = min(entries, key=str.encode)
    assert lexicon[first] == entries[first]
    with pytest.raises(KeyError):
        lexicon["zzzzqqqx"]
    assert next(iter(lexicon)) == first


def test_a_damaged_file_is_rebuilt_and_a_bad_entry_refused(tmp_path: Path) -> None:
    good = {"b": "b1", "a": "a1", "c": "c1"}
    path = tmp_path / "x.lex"
    write_index(good, path)
    assert dict(IndexedLexicon.open(path)) == good
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        IndexedLexicon.open(path)
    path.write_bytes(b"something else entirely, long enough for a header")
    with pytest.raises(ValueError, match="not a lexicon"):
        IndexedLexicon.open(path)
    with pytest.raises(ValueError, match="control character"):
        write_index({"a\tb": "a"}, tmp_path / "bad.lex")
    assert not (tmp_path / "bad.lex").exists() and not list(tmp_path.glob("*.tmp"))
    # open_lexicon replaces a damaged file with a good one
    real = index_path("en", tmp_path)
    real.parent.mkdir(parents=True)
    real.write_bytes(b"damaged")
    assert open_lexicon("en", tmp_path).get("went") == "go"


@pytest.mark.parametrize("lang", ["de", "nl", "en"])
def test_indexed_lemmas_equal_simplemmas(lexicons: Path, lang: str) -> None:
    indexed = Lemmatizer(lemmatization_strategy=DefaultStrategy(
        dictionary_factory=IndexedDictionaryFactory(lexicons)))
    words = _seed_words()
    assert len(words) > 900
    assert [indexed.lemmatize(w, lang) for w in words] == [
        simplemma.lemmatize(w, lang=lang) for w in words]


def test_without_a_writable_cache_the_whole_lexicon_is_loaded(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    caplog.set_level(logging.INFO, logger="newsloom")
    dictionary = IndexedDictionaryFactory(blocked).get_dictionary("en")
    assert not isinstance(dictionary, IndexedLexicon)
    assert dictionary.get("went") == "go" and "no lexicon index for en" in caplog.text
    with pytest.raises(ValueError, match="Unsupported"):
        IndexedDictionaryFactory(tmp_path).get_dictionary("xx-nope")


def _whole_lexicon_lemma(word: str, lang: str | None) -> str:
    """The lemma with simplemma's lexicon loaded whole, as ``stem.lemma`` gave it before."""
    return stem._lemma_by(lambda w, lg: str(simplemma.lemmatize(w, lang=lg)), word, lang)


def test_query_lemma_and_lemma_are_simplemmas(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSLOOM_CACHE_DIR", str(tmp_path))
    for word in ["Netzen", "Gespräche", "bittet", "Rusland", "2019", "Huawei"]:
        for lang in ["de", "nl", None, "xx"]:
            expected = _whole_lexicon_lemma(word, lang)
            assert stem.query_lemma(word, lang) == expected == stem.lemma(word, lang)


def test_lemma_text_of_the_seeds_is_unchanged_by_the_files(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    """What the store's lemma index holds for each seed (ingest's path), in its language and
    in the other seed languages: the same with the files as with the whole lexicons."""
    monkeypatch.setenv("NEWSLOOM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(stem, "lemma", stem.lemma.__wrapped__)  # no cache shared with others
    for path in sorted((ROOT / "examples" / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for lang in ("de", "nl", "en"):
            expected = " ".join(w if w.isdigit() else _whole_lexicon_lemma(w, lang)
                                for w in stem.WORD.findall(text))
            assert stem.lemma_text(text, lang) == expected


def test_lemmas_kept_on_disk_come_back(tmp_path: Path) -> None:
    memo = memo_for("de", tmp_path)
    assert memo is not None and memo_for("../x", tmp_path) is None
    memo.add("Netzen", "netz")
    memo.add("Netzen", "other")  # the first lemma stays: it is the one simplemma gave
    memo.add("a\tb", "x")
    with memo.path.open("a", encoding="utf-8") as stream:
        stream.write("cut\tshort")  # a line a crash left without its end
    again = LemmaMemo(memo.path)
    assert again.get("Netzen") == "netz"
    assert again.get("a\tb") is None and again.get("cut") is None
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    unwritable = LemmaMemo(blocked / "de.tsv")
    unwritable.add("Netzen", "netz")  # no error: only speed is lost
    assert unwritable.get("Netzen") == "netz"


def _results(db: Path) -> list[dict[str, Any]]:
    store = open_store(db)
    try:
        found: list[dict[str, Any]] = []
        for text in ["Huawei Russland 5G", "Netze Smartphones", "Gespräche US-Präsident",
                     "verbünden Russen", "krijgt voet aan de grond"]:
            for mode in ("keyword", "hybrid"):
                query = SearchQuery(text, limit=10, mode=mode)
                found += [to_dict(search(store, query)), to_dict(search_stories(store, query))]
        return found
    finally:
        store.close()


def test_search_finds_the_same_with_either_lexicon(base_db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Before issue 13, search lemmatised query and snippet words with the lexicons loaded
    whole; now with the files (``query_lemma``): every hit, rank, score and highlighted
    snippet is the same on the seeds."""
    after = _results(base_db)
    monkeypatch.setattr(retrieve, "query_lemma", _whole_lexicon_lemma)
    # the module, not the function newsloom.search re-exports under the same name
    monkeypatch.setattr(importlib.import_module("newsloom.search.snippets"), "query_lemma",
                        _whole_lexicon_lemma)
    before = _results(base_db)
    assert after == before
    assert any(hit["keyword_rank"] for result in after for hit in result.get("hits", []))


def test_ingest_lemmas_never_load_a_lexicon_whole(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """Once a language's file exists, lemmatising texts (what every ingest does for the lemma
    index) reads the file: the ~1 GB of whole lexicons AEB's languages took in the ingest
    process is never loaded."""
    from simplemma.strategies.dictionaries import dictionary_factory

    monkeypatch.setenv("NEWSLOOM_CACHE_DIR", str(tmp_path))
    stem.reset_lexicons()  # another test's may hold another folder's file
    stem.index_lexicons(["de"])  # builds the file (the one whole load, once per machine)
    assert list(tmp_path.rglob("*de*"))

    def refuse(lang: str) -> None:
        raise AssertionError(f"the whole {lang} lexicon was loaded")

    monkeypatch.setattr(dictionary_factory, "_load_dictionary_from_disk", refuse)
    monkeypatch.setattr(stem, "lemma", stem.lemma.__wrapped__)
    stem.reset_lexicons()
    try:
        assert stem.lemma_text("Die Häuser kosten 12345 Euro", "de") == \
            "der haus kosten 12345 euro"
    finally:
        stem.reset_lexicons()


@pytest.mark.parametrize("lang", ["de", "nl", "en", "es"])
def test_lexicon_knows_and_lemma_are_simplemmas(lang: str) -> None:
    """The entity clean-up's questions to the lexicon (known word? its lemma, case kept)
    get simplemma's own answers from the files."""
    words = _seed_words() + [w.lower() for w in TRICKY] + ["Protegerse", "Smartphone"]
    assert [stem.lexicon_knows(w, lang) for w in words] == [
        simplemma.is_known(w, lang=lang) for w in words]
    assert any(stem.lexicon_knows(w, lang) for w in words)
    assert not all(stem.lexicon_knows(w, lang) for w in words)
    assert [stem.lexicon_lemma(w, lang) for w in words] == [
        simplemma.lemmatize(w, lang=lang) for w in words]
    with pytest.raises(ValueError):
        stem.lexicon_knows("word", "xx")


def test_entity_cleanup_never_loads_a_lexicon_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mention filter's lexicon tests read the files: loading simplemma's lexicons whole
    for them cost 1-6 s of CPU per language in every process that linked entities."""
    from simplemma.strategies.dictionaries import dictionary_factory

    from newsloom.enrich import lexicon, mention_filter, mentions, organisations

    stem.index_lexicons(["de", "en", "nl", "fr", "es"])  # builds missing files first

    def refuse(lang: str) -> None:
        raise AssertionError(f"the whole {lang} lexicon was loaded")

    monkeypatch.setattr(dictionary_factory, "_load_dictionary_from_disk", refuse)
    # simplemma's process-wide dictionaries, which earlier tests may have loaded
    dictionary_factory.DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_clear()
    stem.reset_lexicons()
    for cached in (lexicon.lower_case_lemma, lexicon.german_loanword, lexicon.verb_with_clitic,
                   mentions._is_common_word):
        cached.cache_clear()  # answers from earlier tests would hide a load
    assert lexicon.is_common_word("Chefposten", "de")
    assert lexicon.is_common_word("Smartphone", "de")
    assert not lexicon.is_common_word("Huawei", "de")
    assert lexicon.is_common_word("Vivienda", "es") and lexicon.is_common_word("Protegerse", "es")
    assert not lexicon.is_common_word("Trump", "en")
    assert mention_filter.shouted_word("HIGHLIGHTS") and not mention_filter.shouted_word("NASA")
    assert mention_filter.lower_case_word("Star", "en")
    assert organisations._known_word("Shell", "en")
