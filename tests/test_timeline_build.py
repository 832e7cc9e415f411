"""Timeline building on small fixtures: dates, ranking, merging, undated material, options."""

from __future__ import annotations

from typing import Any

import pytest

from newsloom.model import TimelineRequest
from newsloom.timeline import TimelineOptions, UnknownTarget, bounds, build_timeline
from newsloom.timeline.build import headline
from newsloom.timeline.dates import rank_dates
from newsloom.timeline.textsim import fit_tfidf, mmr
from timeline_fakes import fake_store, load_fixture


def _build(records: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
    request = TimelineRequest(**{"story": "s-bridge", **kwargs})
    return build_timeline(fake_store(records), request)


def test_a_stated_date_becomes_one_entry_citing_every_language() -> None:
    timeline = _build(max_dates=5)
    collapse = [e for e in timeline.entries if e.date == "2024-03-18"]
    assert len(collapse) == 1
    entry = collapse[0]
    assert entry.granularity == "day" and entry.basis == "mentioned"
    # en, de and nl articles all state the day; the duplicate (a5) is not counted
    assert entry.citations == ["a1", "a2", "a3"]
    assert entry.story_id == "s-bridge"
    assert {s.article_id for s in entry.sentences} <= {"a1", "a2", "a3"}


def test_entries_are_in_date_order_and_keep_granularity() -> None:
    timeline = _build(max_dates=10)
    starts = [bounds(e.date or "")[0] for e in timeline.entries]
    assert starts == sorted(starts) and len(starts) >= 4
    month = [e for e in timeline.entries if e.date == "2024-04"]
    assert month and month[0].granularity == "month"  # "in April 2024" stays a month


def test_relative_expressions_resolve_against_the_publication_date() -> None:
    timeline = _build(max_dates=10)
    # a3 (published 2024-03-21): "Gisteren begon het onderzoek" → 2024-03-20
    yesterday = [e for e in timeline.entries if e.date == "2024-03-20"]
    assert yesterday and "a3" in yesterday[0].citations


def test_undated_articles_are_listed_apart_with_their_estimate() -> None:
    timeline = _build(max_dates=10)
    assert all("a6" not in e.citations for e in timeline.entries)  # "Gestern": no anchor
    assert [e.citations for e in timeline.undated] == [["a6"]]
    undated = timeline.undated[0]
    assert undated.date is None and undated.estimate == "2024"
    assert undated.headline == "Brücke: Streit um Kosten"


def test_modified_years_date_nothing() -> None:
    timeline = _build(max_dates=10)
    assert all(not (e.date or "").startswith("2026") for e in timeline.entries)  # "vor 2026"


def test_duplicates_neither_count_nor_add_dates() -> None:
    timeline = _build(max_dates=10)
    # only the duplicate a5 states 2 April 2024
    assert all(e.date != "2024-04-02" for e in timeline.entries)
    assert all("a5" not in e.citations for e in timeline.entries + timeline.undated)


def test_max_dates_keeps_the_best_covered_date() -> None:
    timeline = _build(max_dates=1)
    assert {e.date for e in timeline.entries} == {"2024-03-18"}


def test_different_events_on_one_date_are_not_merged() -> None:
    records = load_fixture()
    timeline = build_timeline(fake_store(records, entity_of={"City": ["a1", "a2", "a4"]}),
                              TimelineRequest(entity="City", max_dates=3))
    same_day = [e for e in timeline.entries if e.date == "2024-03-18"]
    assert sorted(tuple(e.citations) for e in same_day) == [("a1", "a2"), ("a4",)]
    for entry in same_day:  # each event quotes only its own articles
        assert {s.article_id for s in entry.sentences} <= set(entry.citations)
    assert {e.story_id for e in same_day} == {"s-bridge", "s-election"}


def test_date_span_filters_entries_and_articles() -> None:
    timeline = _build(date_from="2024-03-19", date_to="2024-03-31", max_dates=10)
    assert timeline.entries
    for entry in timeline.entries:
        assert entry.date is not None and "2024-03-19" <= entry.date[:10] <= "2024-03-31"
    # a7 is published after the span; a6 has no stated date and stays (undated)
    assert all("a7" not in e.citations for e in timeline.entries)
    assert [e.citations for e in timeline.undated] == [["a6"]]


def test_sentences_per_date_is_respected() -> None:
    for k in (1, 2):
        timeline = _build(max_dates=10, sentences_per_date=k)
        sizes = [len(entry.sentences) for entry in timeline.entries]
        assert max(sizes) == k and min(sizes) >= 1


def test_language_preference_picks_a_sentence_in_that_language() -> None:
    for lang in ("de", "nl", "en"):
        timeline = _build(max_dates=1, sentences_per_date=1, lang=lang)
        entry = timeline.entries[0]
        assert entry.sentences[0].lang == lang


def test_publication_day_only_when_the_text_gives_nothing_better() -> None:
    timeline = _build(max_dates=10)
    published = [e for e in timeline.entries if e.basis == "published"]
    for entry in published:
        assert entry.granularity == "day"
        assert all(s.published == entry.date for s in entry.sentences)


def test_offsets_point_into_the_article_text() -> None:
    records = {r["id"]: r for r in load_fixture()}
    for entry in _build(max_dates=10).entries:
        for s in entry.sentences:
            assert records[s.article_id]["text"][s.start:s.end] == s.text


def test_request_errors() -> None:
    with pytest.raises(UnknownTarget):
        build_timeline(fake_store(), TimelineRequest(story="nope"))
    with pytest.raises(ValueError):
        build_timeline(fake_store(), TimelineRequest())
    with pytest.raises(ValueError):
        build_timeline(fake_store(), TimelineRequest(story="s-bridge", entity="x"))
    with pytest.raises(ValueError):
        build_timeline(fake_store(), TimelineRequest(story="s-bridge", date_from="18.03.2024"))
    with pytest.raises(ValueError):
        build_timeline(fake_store(), TimelineRequest(story="s-bridge", max_dates=0))


def test_keywords_keep_the_articles_that_mention_one() -> None:
    from newsloom.timeline.build import timeline_parts
    from newsloom.timeline.select import select

    store = fake_store()
    request = TimelineRequest(story="s-bridge", max_dates=10)
    selection = select(store, request)
    # "Kessel" starts a word in a1, a2 ("Kesselbrücke"), a3 and a7, not in a6: a6 drops out
    dated, undated = timeline_parts(store, selection, request,
                                    TimelineOptions(keywords=("kessel",)))
    assert undated == []
    assert {c for e in dated for c in e.citations} == {"a1", "a2", "a3", "a7"}
    # a word only one article uses is a tag, not the topic's keyword: everything stays
    tagged = timeline_parts(store, selection, request,
                            TimelineOptions(keywords=("pedestrians",)))
    plain = timeline_parts(store, selection, request, TimelineOptions())
    assert tagged == plain


def test_rank_dates_counts_articles_and_outlets() -> None:
    from collections import Counter

    from newsloom.model import TimelineSentence
    from newsloom.timeline.build import Candidate

    def cand(day: str, article: str, outlet: str, basis: Any = "mentioned") -> Candidate:
        return Candidate(day, "day", basis,
                         TimelineSentence("x", "en", article, outlet, 0, 1), "s")
    candidates = {
        "2020-01-01": [cand("2020-01-01", "a", "o1"), cand("2020-01-01", "a", "o1")],
        "2020-01-02": [cand("2020-01-02", "b", "o1"), cand("2020-01-02", "c", "o2")],
        "2020-01-03": [cand("2020-01-03", "d", "o1", "published")],
    }
    ranked = rank_dates(candidates, Counter({"s": 3}), 0.5)
    assert [d for d, _ in ranked] == ["2020-01-02", "2020-01-01", "2020-01-03"]
    assert ranked[0][1] == pytest.approx(2.25)


def test_mmr_skips_near_duplicates() -> None:
    texts = ["The bridge collapsed after a ship hit it.",
             "The bridge collapsed after a ship hit it!",
             "Rescue teams searched the harbour all night."]
    tfidf = fit_tfidf(texts)
    vectors = [tfidf.vector(t) for t in texts]
    assert mmr([1.0, 0.9, 0.5], vectors, 3, 0.7) == [0, 2]


def test_headline_is_short() -> None:
    long = "word " * 40
    cut = headline(long)
    assert len(cut) <= 91 and cut.endswith("…")
    assert headline("Short one.") == "Short one."


def test_date_span_accepts_iso_prefixes_and_language_case() -> None:
    month = _build(date_from="2024-04", date_to="2024-04", max_dates=10)
    assert month.entries and all((e.date or "").startswith("2024-04") for e in month.entries)
    year = _build(date_from="2024", date_to="2024", max_dates=10)
    assert len(year.entries) == len(_build(max_dates=10).entries)
    upper = _build(max_dates=1, sentences_per_date=1, lang="NL")
    assert upper.request.lang == "nl" and upper.entries[0].sentences[0].lang == "nl"
    with pytest.raises(ValueError, match="ISO date"):
        _build(date_to="March 2024")


def test_a_day_outranks_a_year_with_the_same_coverage() -> None:
    from collections import Counter

    from newsloom.model import TimelineSentence
    from newsloom.timeline.build import Candidate

    def cand(value: str, granularity: Any, article: str) -> Candidate:
        return Candidate(value, granularity, "mentioned",
                         TimelineSentence("x", "en", article, "o", 0, 1), "s")
    candidates = {"2020": [cand("2020", "year", a) for a in "abc"],
                  "2020-05": [cand("2020-05", "month", a) for a in "abc"],
                  "2020-05-01": [cand("2020-05-01", "day", a) for a in "ab"]}
    ranked = [d for d, _ in rank_dates(candidates, Counter(), 0.5)]
    assert ranked == ["2020-05-01", "2020-05", "2020"]
