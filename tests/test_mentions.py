"""Mention clean-up between NER and entity linking (newsloom.enrich.mentions)."""

from __future__ import annotations

from newsloom.enrich.mentions import MentionOptions, refine_mentions
from newsloom.model import EntityType, Mention


def _at(text: str, surface: str, kind: EntityType, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(start, start + len(surface), surface, kind)


def _texts(mentions: list[Mention]) -> list[str]:
    return [m.text for m in mentions]


def test_descriptor_before_a_name_is_cut_off() -> None:
    text = "Der chinesischen Netzwerkausrüster Huawei verkauft an den Mobilfunkanbieter AT&T."
    found = refine_mentions(text, [_at(text, "chinesischen Netzwerkausrüster Huawei", "ORG"),
                                   _at(text, "Mobilfunkanbieter AT&T", "ORG")], "de")
    assert _texts(found) == ["Huawei", "AT&T"]
    assert text[found[0].start:found[0].end] == "Huawei"


def test_names_with_particles_places_and_legal_forms_stay_whole() -> None:
    text = "Ursula von der Leyen sprach in Frankfurt am Main mit der Volkswagen AG."
    spans = [_at(text, "Ursula von der Leyen", "PER"), _at(text, "Frankfurt am Main", "LOC"),
             _at(text, "Volkswagen AG", "ORG")]
    assert _texts(refine_mentions(text, spans, "de")) == [
        "Ursula von der Leyen", "Frankfurt am Main", "Volkswagen AG"]


def test_lowercase_words_and_stop_words_are_not_names_but_country_adjectives_are() -> None:
    text = "Ich glaube, die russischen Partner sind realistische Kunden."
    spans = [_at(text, "Ich", "ORG"), _at(text, "russischen", "LOC"),
             _at(text, "realistische", "LOC")]
    assert _texts(refine_mentions(text, spans, "de")) == ["russischen"]
    nl = "Door de deal groeit Huawei."
    assert _texts(refine_mentions(nl, [_at(nl, "Door", "MISC"), _at(nl, "Huawei", "ORG")],
                                  "nl")) == ["Huawei"]


def test_german_common_nouns_are_dropped_but_names_the_lexicon_knows_are_kept() -> None:
    text = "Herz und Hebel: Köln, Nokia und Reuters melden Konditionen."
    spans = [_at(text, w, "ORG") for w in ("Herz", "Hebel", "Köln", "Nokia", "Reuters",
                                           "Konditionen")]
    assert _texts(refine_mentions(text, spans, "de")) == ["Köln", "Nokia", "Reuters"]
    # the same capitalised word is a name in a language that does not capitalise nouns
    en = "Herz met the press."
    assert _texts(refine_mentions(en, [_at(en, "Herz", "PER")], "en")) == ["Herz"]
    off = MentionOptions(drop_common_nouns=False)
    assert "Herz" in _texts(refine_mentions(text, spans, "de", off))


def test_recognised_names_propagate_to_other_occurrences_and_compounds() -> None:
    text = "Huawei wächst. Der Huawei-Chef sagt, Huawei bleibe. Huaweis Gewinn steigt."
    found = refine_mentions(text, [_at(text, "Huawei", "ORG")], "de")
    assert [(m.start, m.text, m.type) for m in found] == [
        (0, "Huawei", "ORG"), (19, "Huawei", "ORG"), (37, "Huawei", "ORG")]
    assert len(refine_mentions(text, [_at(text, "Huawei", "ORG")], "de",
                               MentionOptions(propagate=False))) == 1


def test_news_agencies_are_found_without_the_tagger() -> None:
    text = "Das berichtet die Nachrichtenagentur Reuters unter Berufung auf dpa und AFP."
    assert _texts(refine_mentions(text, [], "de")) == ["Reuters", "dpa", "AFP"]
    assert refine_mentions("Unreuters", [], "de") == []


def test_headline_colon_ends_a_name() -> None:
    text = "Huawei: Sogar Smartphone-Verkauf wird torpediert"
    found = refine_mentions(text, [_at(text, "Huawei: Sogar Smartphone", "ORG")], "de")
    assert _texts(found) == ["Huawei"]
