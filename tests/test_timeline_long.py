"""Rules for timelines of long collections: keywords, posting stamps, later references,
topical weights, event-report priors and the date vector, each on small fixtures."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from newsloom.model import DateBasis, TimelineSentence
from newsloom.timeline.build import Candidate, _date_vector
from newsloom.timeline.dates import later_references, rank_dates, topicality
from newsloom.timeline.keywords import filter_by_keywords, keyword_pattern
from newsloom.timeline.prefer import SentencePrior, is_quote
from newsloom.timeline.sentences import dated_sentences, is_timestamp
from newsloom.timeline.textsim import fit_tfidf


def _cand(value: str, article: str, published: str | None, basis: DateBasis = "mentioned",
          text: str = "x") -> Candidate:
    return Candidate(value, "day", basis,
                     TimelineSentence(text, "en", article, None, 0, len(text),
                                      published=published), "s")


# --- keywords ---------------------------------------------------------------------------

def test_keywords_match_at_word_starts_in_any_case() -> None:
    pattern = keyword_pattern(["haiti", " ", "H1N1"])
    assert pattern is not None
    assert pattern.search("Haitian officials said") and pattern.search("the h1n1 virus")
    assert not pattern.search("a spoil heap in Tahaiti")  # not at a word start
    assert keyword_pattern(["", "  "]) is None


def test_keywords_filter_articles_unless_they_are_tags() -> None:
    texts = [("a", "Quake in Haiti"), ("b", "Haitian aid arrives"), ("c", "Markets fell")]
    assert filter_by_keywords(texts, ["haiti"]) == ["a", "b"]
    assert filter_by_keywords(texts, []) == ["a", "b", "c"]
    # a topic tag one text happens to use ("#bpoilrelief") must not shrink the collection
    tagged = [("a", "Oil reached the coast"), ("b", "Donate via #bpoilrelief"),
              ("c", "BP capped the well")]
    assert filter_by_keywords(tagged, ["bpoil"]) == ["a", "b", "c"]
    assert filter_by_keywords(tagged, ["nowhere"]) == ["a", "b", "c"]


# --- posting stamps ---------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "text", "stamped"), [
    ("en", "Thursday, May 27, 2010; 1:00 PM The top kill is under way.", True),
    ("en", "-- June 02, 2010 2:18 PM -- Great post!", True),
    ("en", "At 20:49 24th Mar 2010, Gemma wrote: happy birthday.", True),
    ("de", "Der Brunnen wurde am 15.07.2010 14:30 verschlossen.", True),
    ("en", "The well stopped leaking at 3:25 p.m. on Thursday.", False),
    ("en", "The well was capped on July 15, and cement followed.", False),
    ("en", "The pumps ran until 10:00 on 24 March.", False),  # no year: an event time
])
def test_posting_stamps_are_told_from_event_dates(lang: str, text: str, stamped: bool) -> None:
    times = [t for s in dated_sentences(text, lang, date(2010, 7, 20)) for t in s.times]
    assert times, text
    assert any(is_timestamp(text, t) for t in times) is stamped


def test_a_stamp_dates_nothing_in_a_timeline() -> None:
    from newsloom.model import TimelineRequest
    from newsloom.timeline.build import TimelineOptions, timeline_parts
    from newsloom.timeline.select import select
    from timeline_fakes import fake_store

    records = [{"id": "b1", "story": "s", "published": "2010-06-05", "lang": "en",
                "text": "Great coverage, thanks. -- June 02, 2010 2:18 PM -- I agree with "
                        "the writer about the spill."}]
    store = fake_store(records)
    request = TimelineRequest(story="s", max_dates=5)
    dated, _ = timeline_parts(store, select(store, request), request,
                              TimelineOptions(include_undated=False))
    assert "2010-06-02" not in {e.date for e in dated}


# --- date ranking -----------------------------------------------------------------------

def test_later_references_count_distinct_later_days() -> None:
    items = [_cand("2010-04-20", "a", "2010-04-20"),  # same day: not later
             _cand("2010-04-20", "b", "2010-04-21"),  # next day: same news cycle
             _cand("2010-04-20", "c", "2010-05-10"), _cand("2010-04-20", "d", "2010-05-10"),
             _cand("2010-04-20", "e", "2010-08-01"),
             _cand("2010-04-20", "f", "2010-09-01", basis="published")]
    assert later_references("2010-04-20", items) == 2  # 05-10 (once) and 08-01
    assert later_references("2010-04-20", items, {"c": 0.5, "d": 0.25, "e": 1.0}) == 1.5


def test_a_date_reporting_keeps_returning_to_outranks_a_busy_day() -> None:
    busy = [_cand("2010-06-02", a, "2010-06-02") for a in "abcd"]
    key = [_cand("2010-07-15", a, p) for a, p in
           (("e", "2010-07-16"), ("f", "2010-08-03"), ("g", "2010-10-01"))]
    candidates = {"2010-06-02": busy, "2010-07-15": key}
    assert rank_dates(candidates, Counter(), 0.5)[0][0] == "2010-06-02"
    assert rank_dates(candidates, Counter(), 0.5, 2.0)[0][0] == "2010-07-15"


def test_off_topic_articles_weigh_less() -> None:
    texts = {"a": "oil spill well BP gulf cleanup", "b": "BP oil well spill gulf leak",
             "c": "gulf oil spill BP well cap", "d": "radio schedule music show tonight"}
    tfidf = fit_tfidf(list(texts.values()))
    weights = topicality({a: tfidf.vector(t) for a, t in texts.items()})
    assert weights["a"] == weights["b"] == weights["c"] == 1.0
    assert weights["d"] < 0.5
    # a date only the off-topic page mentions falls behind one the story mentions
    candidates = {"2010-03-24": [_cand("2010-03-24", "d", None)],
                  "2010-05-26": [_cand("2010-05-26", "a", None)]}
    ranked = rank_dates(candidates, Counter(), 0.5, 2.0, weights)
    assert [d for d, _ in ranked] == ["2010-05-26", "2010-03-24"]


def test_topicality_of_unrelated_texts_is_neutral() -> None:
    assert topicality({"a": {}, "b": {}}) == {"a": 1.0, "b": 1.0}


# --- sentences --------------------------------------------------------------------------

def test_event_reports_dated_by_their_own_words_come_first() -> None:
    prior = SentencePrior()
    own = prior.factor(True, 1, "BP began the top kill on Wednesday.")
    recap = prior.factor(True, 3, "Since April 20 and until July 15, oil flowed.")
    lead = prior.factor(False, 0, "BP began the top kill.")
    quoted = prior.factor(True, 1, "\u201cIt is working,\u201d BP said on Wednesday.")
    assert own > recap and own > lead and own > quoted
    assert SentencePrior(1, 1, 1, 1).factor(False, 4, "\u201cx\u201d") == 1.0


@pytest.mark.parametrize("text", ["`` It works , '' he said .", "\u201eEs klappt\u201c, sagte er.",
                                  "\u00ab Ça marche \u00bb, dit-il.", 'He said "yes".'])
def test_quotes_in_several_languages(text: str) -> None:
    assert is_quote(text)


def test_plain_sentences_are_no_quotes() -> None:
    assert not is_quote("BP's well was capped on July 15.")


def test_the_date_vector_keeps_what_mentions_and_reporting_share() -> None:
    said = _cand("d", "a", None, text="x")
    said.vector = {"cap": 0.8, "well": 0.6}
    led = _cand("d", "b", None, basis="published", text="y")
    led.vector = {"cap": 0.6, "hurricane": 0.8}
    vector = _date_vector([said, led])
    assert set(vector) == {"cap"} and vector["cap"] == pytest.approx(1.0)
    other = _cand("d", "c", None, basis="published", text="z")
    other.vector = {"storm": 1.0}
    assert set(_date_vector([said, other])) == {"cap", "well", "storm"}  # nothing shared
    assert set(_date_vector([said])) == {"cap", "well"}  # one side only
