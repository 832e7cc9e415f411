""""Independent sources" counts known outlets, not articles: an article whose outlet is unknown
is not another source, near-duplicates add nothing, and one outlet spelled twice is one."""

from __future__ import annotations

from collections import Counter

from newsloom.cluster.views import build_story, known_outlets
from newsloom.model import MemberRow, TimelineSentence
from newsloom.timeline.build import Candidate
from newsloom.timeline.dates import rank_dates


def _member(seq: int, outlet: str | None, duplicate_of: str | None = None) -> MemberRow:
    return MemberRow(story_id="s1", article_id=f"a{seq}", seq=seq, title=f"title {seq}",
                     language="en", outlet=outlet, published=None, duplicate_of=duplicate_of)


def test_unknown_outlets_and_duplicates_add_no_source() -> None:
    members = [_member(1, "Der Spiegel"), _member(2, None), _member(3, None),
               _member(4, "der  spiegel"), _member(5, "Reuters", duplicate_of="a1"),
               _member(6, "  "), _member(7, "NOS")]
    story = build_story("s1", members, [], None)
    assert story.sources == 2  # Der Spiegel (twice spelled), NOS; Reuters is a duplicate
    assert len(story.article_ids) == 7 and story.duplicates == 1


def test_story_whose_outlets_are_all_unknown_has_no_known_source() -> None:
    story = build_story("s1", [_member(1, None), _member(2, None), _member(3, "")], [], None)
    assert story.sources == 0


def test_known_outlets_folds_case_and_spacing() -> None:
    assert known_outlets(["NRC", "nrc ", None, "", "De  Volkskrant", "de volkskrant"]) == {
        "nrc", "de volkskrant"}


def _candidate(article: str, outlet: str | None, day: str) -> Candidate:
    sentence = TimelineSentence(text="x", lang="en", article_id=article, outlet=outlet,
                                start=0, end=1)
    return Candidate(day, "day", "mentioned", sentence, "s1")


def test_timeline_coverage_does_not_count_unknown_outlets_as_sources() -> None:
    """Two articles from one known outlet and two whose outlet is unknown cover a date
    equally: neither pair has a second independent outlet."""
    candidates = {
        "2024-01-01": [_candidate("a1", "NOS", "2024-01-01"),
                       _candidate("a2", "NOS", "2024-01-01")],
        "2024-01-02": [_candidate("a3", None, "2024-01-02"),
                       _candidate("a4", None, "2024-01-02")],
        "2024-01-03": [_candidate("a5", "NOS", "2024-01-03"),
                       _candidate("a6", "NRC", "2024-01-03")],
    }
    scores = dict(rank_dates(candidates, Counter({"s1": 6}), 0.5))
    assert scores["2024-01-01"] == scores["2024-01-02"] == 2.0
    assert scores["2024-01-03"] == 2.25
