"""ArticleReader and the report's summary: articles as stored, by reference and in order."""

from __future__ import annotations

from dataclasses import replace

from newsloom.model import DateEstimate, RemovedLine
from newsloom.store.ports import Backend

from .records import page


def test_articles_come_in_ingest_order_and_limit_cuts_the_list(store: Backend) -> None:
    names = ["m", "c", "x", "a"]
    store.add([page(n) for n in names[:2]])
    store.add([page(n) for n in names[2:]])
    assert [a.source_id for a in store.articles()] == names
    assert [a.source_id for a in store.articles(limit=3)] == names[:3]


def test_an_article_comes_back_with_every_field(store: Backend) -> None:
    doc, article = page("full", "Body of the article.", title="Ünïcode title", outlet="Daily",
                        published="2024-05-06")
    article = replace(
        article, url="https://news.example/full", authors=["Ann Author", "Bo Writer"],
        published_estimate=DateEstimate("2024", "year", "latest year in the text"),
        removed_lines=[RemovedLine(2, "Subscribe now", "boilerplate"),
                       RemovedLine(9, "© Daily", "footer")],
        extractor="text+kept-whole", wire_source="dpa/AFP")
    store.add([(doc, article)])
    assert store.get_article(article.id) == article
    assert list(store.articles()) == [article]


def test_get_article_by_id_source_id_and_unique_prefix(store: Backend) -> None:
    old, new = page("p", "Old text."), page("p", "New text.")
    store.add([old])
    store.add([new, page("q", "Other text.")])

    def found(ref: str) -> str | None:
        article = store.get_article(ref)
        return None if article is None else article.id

    assert found(old[0].id) == old[0].id  # an old version by its id
    assert found("p") == new[0].id  # by source id: the current version
    assert found(new[0].id[:8]) == new[0].id
    assert found("nothing") is None
    assert found(new[0].id[:3]) is None  # too short to be a prefix


def test_summary_counts_current_articles_by_language_outlet_date_and_removal(
        store: Backend) -> None:
    a = page("a", "A.", language="en", outlet="Daily", published="2024-01-01")
    b = page("b", "B.", language="de", outlet="Daily")
    c = page("c", "C.", language="en", outlet=None)
    c = (c[0], replace(c[1], removed_lines=[RemovedLine(1, "Menu", "nav"),
                                            RemovedLine(5, "Ad", "ad"),
                                            RemovedLine(6, "Menu", "nav")]))
    store.add([a, b, c])
    store.add([page("a", "A changed.", language="en", outlet="Weekly")])  # a new version
    summary = store.summary()
    assert (summary.documents, summary.articles, summary.skipped) == (4, 3, 0)
    assert summary.by_language == {"en": 2, "de": 1}
    assert summary.by_outlet == {"(unknown)": 1, "Daily": 1, "Weekly": 1}
    assert summary.by_date_source == {"(unknown)": 3}
    assert summary.removed_by_reason == {"nav": 2, "ad": 1}
