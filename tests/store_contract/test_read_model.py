"""ReadModel: the listings kept per committed write, and the catalog's counted and paged reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from newsloom.model import ClusterEvent, Entity, EntityRef, Storyline
from newsloom.queries.stories import list_stories
from newsloom.store.ports import ArticleListFilter, Backend, Cooccurrence

from .records import clustered, entity, feature, mention, page


def test_listing_after_a_batch_holds_each_story_derived_from_its_members(
        store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    ada = EntityRef(corpus.ada.id, "Ada Lovelace", "PER", 1)
    acme = EntityRef(corpus.acme.id, "Acme", "ORG", 1)
    changes = store.listing_changes(0)
    assert changes.gone_stories == [] and changes.storylines == []
    stories = {listed.story.id: listed for listed in changes.stories}
    assert set(stories) == {"s1", "s2", "s3"}
    s1, s2 = stories["s1"].story, stories["s2"].story
    assert (s1.title, s1.languages, s1.article_ids, s1.duplicates, s1.sources) == (
        "Title a", ["en"], [ids["a"], ids["b"]], 1, 1)
    assert (s1.key_entities, s1.first_seen, s1.last_seen, s1.storyline_id) == (
        [ada], "2024-03-01", "2024-03-01", None)
    assert (s2.languages, s2.key_entities, s2.first_seen) == (["de"], [ada, acme], None)
    # the listing's order: largest, then the newest member
    assert stories["s3"].last_seq > stories["s2"].last_seq
    assert stories["s1"].last_seq == max(m.seq for m in store.story_members(["s1"]))
    assert store.listing_changes(changes.version).stories == []  # nothing newer


def test_a_merge_and_storylines_list_only_what_they_touched(store: Backend) -> None:
    ids = clustered(store).ids
    before = store.listing_changes(0).version
    store.save_corpus_batch([], [], [], [ClusterEvent("merge", "s1", ids["c"], "s2", 0.9)])
    merged = store.listing_changes(before)
    assert [x.story.id for x in merged.stories] == ["s1"] and merged.gone_stories == ["s2"]
    assert merged.stories[0].story.article_ids == [ids["a"], ids["b"], ids["c"]]
    assert merged.version > before

    store.save_storylines([Storyline("L1", ["s1", "s3"], [])], {"L1": "Ada and Acme"})
    lined = store.listing_changes(merged.version)
    assert {x.story.id: x.story.storyline_id for x in lined.stories} == {"s1": "L1",
                                                                         "s3": "L1"}
    (line,) = lined.storylines
    assert (line.id, line.label, line.story_ids) == ("L1", "Ada and Acme", ["s1", "s3"])
    # summed over the stories, ties by id: Ada in a and c (b is a copy), Acme in c and d
    assert [(r.id, r.mentions) for r in line.key_entities] == [("e-acme", 2), ("e-ada", 2)]
    assert (line.first_seen, line.last_seen) == ("2024-03-01", "2024-03-01")


def test_a_story_lists_confirmed_entities_and_relists_when_a_later_batch_confirms_one(
        store: Backend) -> None:
    corpus = clustered(store)

    def batch(source: str, story: str, names: Sequence[tuple[Entity, float]]) -> int:
        store.add([page(source, f"{source}: " + ", ".join(e.name for e, _ in names))])
        ((seq, article),) = store.pending_articles(10)
        before = store.listing_changes(0).version
        store.save_corpus_batch(
            [feature(article, seq, story, (0, 0, 0, 1),
                     mentions=[mention(e.id, e.name, weight, e.type) for e, weight in names])],
            [e for e, _ in names], [], [ClusterEvent("create", story, article)])
        return before

    # Zeta, an organisation one article names with nothing to back it, is not listed: the
    # story shows Acme only, though Zeta weighs more in it.
    zeta = entity("e-zeta", "Zeta", "ORG")
    batch("e", "s4", [(zeta, 3.0), (dataclasses.replace(corpus.acme, articles=3), 1.0)])
    assert _listed(store)["s4"] == ["e-acme"]
    # A second article names it: Zeta is confirmed, and the earlier story is listed again.
    before = batch("f", "s5", [(dataclasses.replace(zeta, articles=2), 1.0)])
    relisted = {x.story.id: [r.id for r in x.story.key_entities]
                for x in store.listing_changes(before).stories}
    assert relisted == {"s4": ["e-zeta", "e-acme"], "s5": ["e-zeta"]}
    assert {s.id: s.key_entities for s in list_stories(store)} == {
        x.story.id: x.story.key_entities for x in store.listing_changes(0).stories}


def _listed(store: Backend) -> dict[str, list[str]]:
    return {x.story.id: [r.id for r in x.story.key_entities]
            for x in store.listing_changes(0).stories}


def test_mark_changes_with_ingest_and_with_corpus_batches(store: Backend) -> None:
    first = store.read_model_mark()
    assert store.read_model_mark() == first  # reading changes nothing
    clustered(store)
    after_batch = store.read_model_mark()
    assert after_batch != first
    store.add([page("e", outlet="Daily")])
    assert store.read_model_mark() != after_batch


def test_article_counts_facets_and_pages(store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    assert store.count_articles() == 4
    assert store.facets(10) == (["en", "de"], ["Daily", "Weekly"])
    assert store.facets(1) == (["en"], ["Daily"])
    for filters, expected in ((ArticleListFilter(), 4),
                              (ArticleListFilter(languages=("en",)), 3),
                              (ArticleListFilter(outlet="Daily"), 3),
                              (ArticleListFilter(languages=("de",), outlet="Daily"), 1),
                              (ArticleListFilter(story_id="s1"), 2),
                              (ArticleListFilter(entity_id=corpus.acme.id), 2),
                              (ArticleListFilter(date_from="2024", date_to="2024-03"), 1),
                              (ArticleListFilter(date_from="2025"), 0)):
        assert store.count_matching_articles(filters) == expected, filters
        assert len(store.article_page(filters, 10, 0)) == expected, filters
    assert [r.id for r in store.article_page(ArticleListFilter(), 2, 0)] == [ids["d"], ids["c"]]
    assert [r.id for r in store.article_page(ArticleListFilter(), 2, 2)] == [ids["b"], ids["a"]]
    row = store.article_rows([ids["b"], "unknown", ids["a"]])
    assert [(r.id, r.story_id, r.duplicate_of) for r in row] == [
        (ids["b"], "s1", ids["a"]), (ids["a"], "s1", None)]
    assert [r.id for r in store.entity_articles(corpus.ada.id, 2)] == [ids["c"], ids["b"]]


def test_a_new_version_replaces_its_page_in_the_counts(store: Backend) -> None:
    store.add([page("x", "First text of x.", language="en", outlet="Daily")])
    store.add([page("x", "Second text of x.", language="nl", outlet="Daily")])
    assert store.count_articles() == 1
    assert store.facets(10) == (["nl"], ["Daily"])
    assert store.count_matching_articles(ArticleListFilter(languages=("en",))) == 0


def test_a_storys_originals_copies_and_entities(store: Backend) -> None:
    corpus = clustered(store)
    ids = corpus.ids
    assert store.count_story_originals("s1") == 1
    assert store.story_original_ids("s1", 10, 0) == [ids["a"]]
    copies = store.story_copies("s1", [ids["a"]])
    assert {k: [r.id for r in v] for k, v in copies.items()} == {ids["a"]: [ids["b"]]}
    refs, counted = store.story_entity_counts("s2", 1000, 50)
    assert ([r.name for r in refs], counted) == (["Acme", "Ada Lovelace"], 1)
    assert store.story_entity_counts("s2", 1000, 1)[0] == refs[:1]


def test_entity_pages_counts_and_cooccurrence(store: Backend) -> None:
    corpus = clustered(store)
    assert store.entity_page("lovelace", None, 10, 0) == [corpus.ada]
    assert store.entity_page(None, None, 10, 0) == [corpus.ada, corpus.acme]
    assert store.entity_page(None, None, 1, 1) == [corpus.acme]
    assert store.count_entities(None, "ORG") == 1 and store.count_entities("zzz", None) == 0
    assert store.entity_by_id(corpus.acme.id) == corpus.acme
    assert store.entity_by_id("Acme") is None  # by id only; find_entity takes names
    assert store.cooccurring(corpus.ada.id, 20, 1000) == [Cooccurrence(corpus.acme, 1)]


def test_entities_are_listed_when_confirmed_and_kept_otherwise(store: Backend) -> None:
    """One article names Zeta and nothing vouches for it: kept, not listed. Nokia, also named
    once, was vouched for by its article (a gazetteer, a list, an introducing noun); Ada is a
    person. Listings, story entities and co-occurrences show the confirmed ones."""
    pages = [page("z", "Zeta, Nokia and Ada Lovelace.", outlet="Daily")]
    store.add(pages)
    article = pages[0][0].id
    seq = {a: s for s, a in store.pending_articles(10)}
    ada = entity("e-ada", "Ada Lovelace")  # a person named once: listed
    zeta = Entity("e-zeta", "name:zeta", "Zeta", "ORG", {"en": ["Zeta"]}, 1)
    nokia = Entity("e-nokia", "name:nokia", "Nokia", "ORG", {"en": ["Nokia"]}, 1, vouched=True)
    row = feature(article, seq[article], "s9", (1, 0, 0, 0),
                  mentions=[mention(zeta.id, zeta.name, 3.0, "ORG"),
                            mention(nokia.id, nokia.name, 2.0, "ORG"),
                            mention(ada.id, ada.name, 1.0)])
    store.save_corpus_batch([row], [ada, zeta, nokia], [], [ClusterEvent("create", "s9", article)])
    assert not zeta.confirmed and nokia.confirmed and ada.confirmed
    assert [e.name for e in store.entity_page(None, None, 10, 0)] == ["Ada Lovelace", "Nokia"]
    assert store.count_entities(None, "ORG") == 1
    assert store.entity_page(None, None, 10, 0, unconfirmed=True) == [ada, nokia, zeta]
    assert store.count_entities(None, None, unconfirmed=True) == 3
    assert store.entity_by_id("e-nokia") == nokia  # the flag round-trips
    assert store.entity_page("zeta", None, 10, 0, unconfirmed=True) == [zeta]
    refs, _ = store.story_entity_counts("s9", 1000, 50)
    assert [r.name for r in refs] == ["Ada Lovelace", "Nokia"]
    assert [c.entity.name for c in store.cooccurring(ada.id, 20, 1000)] == ["Nokia"]
    flags = {m.entity.name: m.entity.confirmed for m in store.member_entities([article])}
    assert flags == {"Ada Lovelace": True, "Nokia": True, "Zeta": False}
    assert store.entity_names([ada.id, zeta.id, nokia.id]) == {ada.id: "Ada Lovelace",
                                                                nokia.id: "Nokia"}
