"""Entity linking and resolution across languages, inflections and partial names."""

from __future__ import annotations

from newsloom.enrich.entities import link_article, plain_surface
from newsloom.enrich.resolve import EntityResolver
from newsloom.model import Mention


def _mentions(text: str, spans: list[tuple[str, str]]) -> list[Mention]:
    found, cursor = [], 0
    for surface, kind in spans:
        start = text.index(surface, cursor)
        found.append(Mention(start, start + len(surface), surface, kind))  # type: ignore[arg-type]
        cursor = start + len(surface)
    return found


DE = ("Huawei-Chef Ren Zhengfei bittet US-Präsident Donald Trump um Gespräche. "
      "Zhengfei sagte, Huaweis Zukunft hänge an den Vereinigten Staaten und an Trump.")
NL = "Huawei sloot een deal met de Russische provider MTS, terwijl de Verenigde Staten boos zijn."


def test_in_article_merging_of_inflections_surnames_and_compounds() -> None:
    mentions = _mentions(DE, [("Ren Zhengfei", "PER"), ("Donald Trump", "PER"),
                              ("Zhengfei", "PER"), ("Huaweis", "ORG"), ("Trump", "PER")])
    mentions.append(Mention(0, 6, "Huawei", "ORG"))
    entities = {e.key: e for e in link_article(None, DE, mentions)}
    assert set(entities) == {"name:huawei", "name:ren zhengfei", "name:donald trump", "loc:US"}
    assert entities["name:huawei"].mentions == 2
    assert entities["name:ren zhengfei"].surfaces == ("Ren Zhengfei", "Zhengfei")
    # "US-Präsident" and "Vereinigten Staaten" (inflected) are both the USA
    assert entities["loc:US"].mentions == 2


def test_title_mentions_weigh_more() -> None:
    title = "Huawei in Rusland"
    entities = {e.key: e for e in link_article(title, NL, [])}
    assert entities["loc:RU"].salience > entities["loc:US"].salience


def test_resolution_unifies_languages_and_learns_corpus_aliases() -> None:
    resolver = EntityResolver()
    de = resolver.resolve_article(link_article(None, DE, _mentions(
        DE, [("Huawei", "ORG"), ("Ren Zhengfei", "PER"), ("Donald Trump", "PER")])), "de")
    nl = resolver.resolve_article(link_article(None, NL, _mentions(
        NL, [("Huawei", "ORG"), ("MTS", "ORG")])), "nl")
    later = resolver.resolve_article(link_article(
        None, "Huaweis Gewinn fiel, sagte Trump.", _mentions(
            "Huaweis Gewinn fiel, sagte Trump.", [("Huaweis", "ORG"), ("Trump", "PER")])), "de")
    ids = {r.name: r.entity_id for r in de}
    assert {r.entity_id for r in nl if r.name == "United States"} == {ids["United States"]}
    assert {r.entity_id for r in later} == {ids["Huawei"], ids["Donald Trump"]}
    entities, aliases = resolver.take_changes()
    us = next(e for e in entities if e.name == "United States")
    assert set(us.aliases["de"]) == {"US", "Vereinigten Staaten"}
    assert "Verenigde Staten" in us.aliases["nl"]
    assert {(a.alias_key, a.reason) for a in aliases} == {
        ("name:huaweis", "inflection"), ("name:trump", "surname of a known full name")}
    huawei = next(e for e in entities if e.name == "Huawei")
    assert huawei.articles == 3


def test_country_adjectives_tagged_as_organisations() -> None:
    from newsloom.enrich.entities import mention_key

    # "die russischen Mobilfunker": taggers sometimes call the adjective an organisation
    assert mention_key("russischen", "ORG") == ("loc:RU", "LOC")
    assert mention_key("amerikanische", "LOC") == ("loc:US", "LOC")
    # a capitalised single word tagged ORG stays a name ("Deutsche" for Deutsche Bank)
    assert mention_key("Deutsche", "ORG")[0].startswith("name:")


# Timeline17's shape: Penn-Treebank tokenised news.
TOKENISED = ("Oil reached Grand Isle , Louisiana , on Monday -LRB- Reuters -RRB- , and BP chief "
             "Tony Hayward `` regrets '' the spill .")
PLAIN = ("Oil reached Grand Isle, Louisiana, on Monday (Reuters), and BP chief Tony Hayward "
         "\"regrets\" the spill.")


def test_names_from_tokenised_text_read_and_resolve_as_in_plain_text() -> None:
    tokenised = {e.key: e.name for e in link_article(None, TOKENISED, _mentions(TOKENISED, [
        ("Grand Isle , Louisiana", "LOC"), ("-RRB-", "ORG"), ("BP", "ORG"),
        ("Tony Hayward ``", "PER")]), "en")}
    plain = {e.key: e.name for e in link_article(None, PLAIN, _mentions(PLAIN, [
        ("Grand Isle, Louisiana", "LOC"), ("BP", "ORG"), ("Tony Hayward", "PER")]), "en")}
    assert tokenised == plain
    assert tokenised["name:grand isle, louisiana"] == "Grand Isle, Louisiana"
    assert tokenised["name:tony hayward"] == "Tony Hayward"  # the quote the span took is gone
    assert not any("RRB" in name or ")" in name for name in tokenised.values())


def test_a_span_cut_through_a_bracket_keeps_the_name_before_it() -> None:
    assert plain_surface("WASHINGTON -LRB- Reuters") == "WASHINGTON"
    assert plain_surface("BOP -RRB-") == "BOP"
    assert plain_surface("Foo -LRB- Bar -RRB- Baz -RRB-") == "Foo (Bar) Baz"
    assert plain_surface("-LRB- -LRB- Reuters") == ""
    assert plain_surface("Bureau of Ocean Energy Management , Regulation and Enforcement "
                         "-LRB- BOEMRE") == ("Bureau of Ocean Energy Management, Regulation "
                                             "and Enforcement")
    # plain names keep their brackets, quotes, ampersands and periods
    for name in ("(TiHo) Hannover", 'Ahmed "Al" Smith', "AT&T", "U.S.", "Mail.ru"):
        assert plain_surface(name) == name
