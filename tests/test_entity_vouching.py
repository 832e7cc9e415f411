"""Which entities newsloom lists: vouched for by their article, persons, or named twice."""

from __future__ import annotations

import pytest

from newsloom.enrich.entities import link_article
from newsloom.enrich.vouching import introduced_as_organisation
from newsloom.model import Entity, Mention
from newsloom.model.entities import CORROBORATING_ARTICLES, confirmed_entity
from newsloom.store.rows import CONFIRMED_E_SQL, CONFIRMED_SQL


@pytest.mark.parametrize(("text", "lang"), [
    ("Huawei sloot een deal met de Russische telecomprovider MTS", "nl"),
    ("Huawei signed a deal with the Russian operator MTS", "en"),
    ("ein Vertrag mit dem Technologiekonzern Zeta", "de"),
    ("un accord avec l'opérateur MTS", "fr"),
    ("un acuerdo con la empresa MTS", "es"),
])
def test_a_noun_of_its_kind_introduces_an_organisation(text: str, lang: str) -> None:
    name = text.split()[-1]
    assert introduced_as_organisation(text, text.rindex(name), lang)


@pytest.mark.parametrize(("text", "lang"), [
    ("the deal was confirmed, said MTS", "en"),
    ("MTS", "en"),  # nothing before it
    ("mit dem Technologiekonzern Zeta", None),  # no language, no lexicon
    ("mit der Datenbank Zeta", "en"),  # German compound head, but English rules
    ("het werk van Zeta", "nl"),
])
def test_other_words_before_a_name_vouch_for_nothing(text: str, lang: str | None) -> None:
    assert not introduced_as_organisation(text, text.rindex("MTS" if "MTS" in text else "Zeta"),
                                          lang)


def _mention(text: str, name: str, kind: str = "ORG") -> Mention:
    start = text.index(name)
    return Mention(start, start + len(name), name, kind)  # type: ignore[arg-type]


def test_linking_marks_what_the_article_vouches_for() -> None:
    text = ("Huawei sloot een lucratieve deal met de Russische telecomprovider MTS. "
            "Ook Moraalboost reageerde. Het bedrijf is actief in Rusland.")
    mentions = [_mention(text, "MTS"), _mention(text, "Moraalboost"),
                _mention(text, "Rusland", "LOC")]
    linked = {e.name: e.vouched for e in link_article(None, text, mentions, "nl")}
    assert linked["MTS"] is True  # introduced by "telecomprovider"
    assert linked["Rusland"] is True  # a gazetteer place
    assert linked.get("Moraalboost", False) is False  # if kept at all: nothing vouches


def test_a_list_with_a_known_company_vouches_for_its_members() -> None:
    text = "Zum Unternehmen sind Alcatel, Lucent und Nokia zusammengeschmolzen."
    mentions = [_mention(text, "Alcatel", "LOC"), _mention(text, "Lucent", "PER"),
                _mention(text, "Nokia", "LOC")]
    linked = {e.name: (e.type, e.vouched) for e in link_article(None, text, mentions, "de")}
    assert linked == {"Alcatel": ("ORG", True), "Lucent": ("ORG", True),
                      "Nokia": ("ORG", True)}


def test_confirmed_entities_and_the_sql_of_the_same_rule() -> None:
    assert confirmed_entity("ORG", CORROBORATING_ARTICLES, vouched=False, key="name:acme")
    assert confirmed_entity("PER", 1, vouched=False, key="name:pierre thomas")
    assert not confirmed_entity("PER", 1, vouched=False, key="name:guselkumab")
    assert confirmed_entity("PER", CORROBORATING_ARTICLES, vouched=False, key="name:durant")
    assert confirmed_entity("LOC", 1, vouched=True, key="loc:RU")
    assert not confirmed_entity("ORG", 1, vouched=False, key="name:zeta")
    assert not confirmed_entity("ORG", 1, vouched=False, key="name:deutsche bank")
    assert not Entity("e", "name:zeta", "Zeta", "ORG", {}, 1).confirmed
    assert Entity("e", "name:ada zeta", "Ada Zeta", "PER", {}, 1).confirmed
    for sql in (CONFIRMED_SQL, CONFIRMED_E_SQL):
        assert f">= {CORROBORATING_ARTICLES} " in sql and "'PER'" in sql and "vouched" in sql
        assert "surname IS NOT NULL" in sql
