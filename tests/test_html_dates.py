"""The HTML date ensemble: evidence gathering and each decision rule.

Page fixtures (tests/fixtures_html_dates/) are small pages in real publishers' shapes with our
own text; rule tests build the evidence directly so each rule is checked on its own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from newsloom.extract import ExtractOptions, extract
from newsloom.extract.html_date_evidence import (
    DateCandidate,
    parse_day,
    parse_page,
    structured_candidates,
    text_candidates,
)
from newsloom.extract.html_dates import DateEvidence, crawl_day, decide
from newsloom.model import RawDocument

FIXTURES = Path(__file__).parent / "fixtures_html_dates"
CRAWLED = date(2024, 6, 1)


def _page(name: str, url: str | None = None, **metadata: str) -> RawDocument:
    path = FIXTURES / f"{name}.html"
    doc = RawDocument.create(content=path.read_text(encoding="utf-8"), source_id=name,
                             source=str(path), content_type="html",
                             url=url or f"https://news.example.org/{name}")
    return replace(doc, metadata=dict(metadata))


def _published(doc: RawDocument) -> tuple[str | None, str | None]:
    article = extract(doc, ExtractOptions())
    return ((article.published.value, article.published.source) if article.published
            else (None, None))


def _cand(day: str, kind: str = "published", origin: str = "meta:article:published_time",
          utc: bool = False) -> DateCandidate:
    return DateCandidate(date.fromisoformat(day), kind, origin, utc)  # type: ignore[arg-type]


def _decide(*candidates: DateCandidate, quick: str | None = None,
            extensive: str | None = None) -> str | None:
    evidence = DateEvidence(
        tuple(candidates), date.fromisoformat(quick) if quick else None, CRAWLED,
        lambda: date.fromisoformat(extensive) if extensive else None)
    decision = decide(evidence)
    return decision.date.value if decision.date else None


# ------------------------------------------------------------------ whole pages --


def test_jsonld_published_beats_modified_and_last_updated_line() -> None:
    # htmldate's quick search takes the "Last updated" day here; the ensemble does not
    assert _published(_page("jsonld_published_and_modified")) == ("2021-03-16", "metadata")


def test_local_day_of_an_offset_timestamp_is_kept() -> None:
    # 05:50 in Tokyo is the 18th in UTC; the page's own day is the 19th
    assert _published(_page("og_published_tokyo_offset"))[0] == "2018-06-19"


def test_url_day_beats_utc_metadata_one_day_later() -> None:
    doc = _page("utc_metadata_local_url",
                url="https://news.example.org/2020/02/24/late-vote-harbour-plan/")
    assert _published(doc)[0] == "2020-02-24"


def test_a_page_with_only_an_update_date_gets_none() -> None:
    assert _published(_page("updated_line_only")) == (None, None)


def test_japanese_dateline_is_read() -> None:
    assert _published(_page("japanese_dateline")) == ("2018-06-19", "byline")


def test_junk_metadata_year_before_the_url_date_is_rejected() -> None:
    doc = _page("junk_metadata_year",
                url="https://news.example.org/2019/05/06/harbour-market-opens.html")
    assert _published(doc)[0] == "2019-05-06"


def test_a_date_after_the_crawl_is_rejected() -> None:
    # the Tokyo page fetched in 2017: its 2018 date cannot be the publication date
    doc = _page("og_published_tokyo_offset", fetched="2017-03-01T12:00:00Z")
    assert crawl_day(doc) == date(2017, 3, 1)
    assert _published(doc) == (None, None)


# ------------------------------------------------------------------- evidence --


def test_parse_day_keeps_the_written_day_and_flags_utc() -> None:
    assert parse_day("2018-06-19T05:50:00+09:00") == (date(2018, 6, 19), False)
    assert parse_day("2020-02-25T02:40:00Z") == (date(2020, 2, 25), True)
    assert parse_day("2020-02-25") == (date(2020, 2, 25), False)  # no time: no zone
    assert parse_day("20190506") == (date(2019, 5, 6), False)
    assert parse_day("not a date") is None


def test_structured_candidates_read_graph_meta_and_time_elements() -> None:
    tree = parse_page((FIXTURES / "jsonld_published_and_modified.html").read_text())
    assert tree is not None
    found = {(c.day.isoformat(), c.kind, c.origin) for c in structured_candidates(tree)}
    assert ("2021-03-16", "published", "jsonld:NewsArticle:datePublished") in found
    assert ("2021-03-20", "modified", "jsonld:NewsArticle:dateModified") in found
    assert ("2021-03-20", "modified", "meta:article:modified_time") in found
    # the embedded image's date is gathered with its type, so the decision can drop it
    assert ("2019-07-02", "published", "jsonld:ImageObject:datePublished") in found


def test_xhtml_page_with_an_encoding_declaration_is_read() -> None:
    tree = parse_page('<?xml version="1.0" encoding="utf-8"?>\n<html><head>'
                      '<meta name="pubdate" content="2020-01-02"></head><body>x</body></html>')
    assert tree is not None
    assert [c.day for c in structured_candidates(tree)] == [date(2020, 1, 2)]


def test_broken_jsonld_is_skipped() -> None:
    tree = parse_page('<html><head><script type="application/ld+json">{"datePublished": '
                      '</script><meta name="pubdate" content="2022-01-05"></head>'
                      "<body><p>x</p></body></html>")
    assert tree is not None
    assert [c.origin for c in structured_candidates(tree)] == ["meta:pubdate"]


@pytest.mark.parametrize(("line", "kind"), [
    ("Last updated 20 March 2021", "modified"),
    ("Aktualisiert am 20.03.2021, 10:15 Uhr", "modified"),
    ("Mis à jour le 20 mars 2021", "modified"),
    ("20 March 2021, 18:05", "published"),
    ("Veröffentlicht am 16.03.2021, aktualisiert am 20.03.2021", "published"),
])
def test_text_candidates_tell_updates_from_datelines(line: str, kind: str) -> None:
    found = text_candidates(f"{line}\nThe council met on a rainy evening.")
    assert [c.kind for c in found] == [kind]


# ---------------------------------------------------------------------- rules --


def test_htmldate_agreeing_with_metadata_is_kept() -> None:
    assert _decide(_cand("2021-05-05"), quick="2021-05-05") == "2021-05-05"


def test_update_day_is_replaced_by_the_published_day() -> None:
    assert _decide(_cand("2021-03-16"), _cand("2021-03-20", "modified"),
                   quick="2021-03-20") == "2021-03-16"


def test_only_an_update_day_abstains() -> None:
    assert _decide(_cand("2021-03-20", "modified", "meta:og:updated_time"),
                   quick="2021-03-20") is None


def test_utc_day_yields_to_a_local_dateline_one_day_earlier() -> None:
    assert _decide(_cand("2023-11-09", utc=True), _cand("2023-11-08", origin="byline"),
                   quick="2023-11-09") == "2023-11-08"


def test_utc_day_is_kept_when_the_local_evidence_is_a_teaser_list() -> None:
    teasers = [_cand(day, "unknown", "element:time") for day in
               ("2020-08-15", "2020-08-16", "2020-08-15", "2020-08-13")]
    assert _decide(_cand("2020-08-14", utc=True), *teasers, quick="2020-08-14") == "2020-08-14"


def test_lone_time_element_is_local_evidence() -> None:
    assert _decide(_cand("2022-05-04", utc=True), _cand("2022-05-03", "unknown", "element:time"),
                   _cand("2017-10-12", "unknown", "element:time"),
                   quick="2022-05-04") == "2022-05-03"


def test_day_month_swap_is_resolved_by_the_visible_dateline() -> None:
    assert _decide(_cand("2023-01-11", origin="meta:date"), _cand("2023-11-01", origin="byline"),
                   quick="2023-01-11") == "2023-11-01"


def test_published_sources_agreeing_against_htmldate_win() -> None:
    assert _decide(_cand("2020-04-27", origin="jsonld:NewsArticle:dateCreated"),
                   _cand("2020-04-27", origin="element:datePublished"),
                   quick="2020-07-08") == "2020-04-27"


def test_the_day_most_kinds_of_source_state_wins_over_a_stray_one() -> None:
    # JSON-LD and an itemprop element say the 27th; another element (a teaser) the 28th
    assert _decide(_cand("2020-04-27", origin="jsonld:NewsArticle:datePublished"),
                   _cand("2020-04-27", origin="element:datePublished"),
                   _cand("2020-04-28", origin="element:datePublished"),
                   quick="2020-07-08") == "2020-04-27"


def test_a_tie_between_days_abstains_when_metadata_contradicts_htmldate() -> None:
    assert _decide(_cand("2020-04-27", origin="jsonld:NewsArticle:datePublished"),
                   _cand("2020-04-28", origin="element:datePublished"),
                   quick="2020-07-08") is None


def test_htmldate_is_kept_when_only_a_body_dateline_disagrees() -> None:
    # a date line lower in the text is often an event the article recalls
    assert _decide(_cand("2023-10-09", origin="byline"), quick="2023-10-31") == "2023-10-31"


def test_disagreeing_published_sources_without_htmldate_abstain() -> None:
    assert _decide(_cand("2021-10-14", origin="byline"), _cand("2022-01-01", origin="meta:date"),
                   extensive="2021-08-17") is None


def test_extensive_search_is_the_last_resort_with_low_confidence() -> None:
    evidence = DateEvidence((), None, CRAWLED, lambda: date(2021, 11, 3))
    decision = decide(evidence)
    assert decision.date is not None and decision.date.source == "page-text"
    assert decision.date.confidence < 0.7


def test_extensive_search_is_not_run_when_other_evidence_decides() -> None:
    def fail() -> date | None:
        raise AssertionError("extensive search should not run")

    evidence = DateEvidence((_cand("2021-05-05"),), date(2021, 5, 5), CRAWLED, fail)
    assert decide(evidence).date is not None


def test_january_first_from_a_page_search_is_a_year_not_a_day() -> None:
    assert _decide(extensive="2016-01-01") is None


@pytest.mark.parametrize("day", ["1994-12-31", "2024-06-03"])
def test_days_before_the_web_or_after_the_crawl_are_rejected(day: str) -> None:
    assert _decide(_cand(day), quick=day) is None


def test_media_object_dates_are_not_the_page_date() -> None:
    assert _decide(_cand("2015-01-16", origin="jsonld:VideoObject:uploadDate")) is None
