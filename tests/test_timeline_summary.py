"""Extractive summaries and the three renderings (JSON, Markdown, HTML)."""

from __future__ import annotations

import json

import pytest

from newsloom.model import TimelineRequest
from newsloom.timeline import (
    UnknownTarget,
    build_timeline,
    summarize_story,
    summarize_storyline,
    summary_to_markdown,
    timeline_to_html,
    timeline_to_json,
    timeline_to_markdown,
)
from timeline_fakes import fake_store, load_fixture


def test_story_summary_has_three_to_five_cited_sentences() -> None:
    records = {r["id"]: r for r in load_fixture()}
    summary = summarize_story(fake_store(), "s-bridge")
    assert 3 <= len(summary.sentences) <= 5
    assert summary.kind == "story" and summary.title
    for s in summary.sentences:
        assert records[s.article_id]["text"][s.start:s.end] == s.text
        assert s.article_id != "a5"  # a duplicate is never quoted
    texts = [s.text for s in summary.sentences]
    assert len(set(texts)) == len(texts)


def test_summary_length_follows_the_number_of_articles() -> None:
    one = [r for r in load_fixture() if r["story"] == "s-election"]
    summary = summarize_story(fake_store(one), "s-election")
    assert len(summary.sentences) == 2  # the article has only two sentences
    assert summary.articles == 1


def test_summary_prefers_the_requested_language() -> None:
    for lang in ("de", "nl"):
        summary = summarize_story(fake_store(), "s-bridge", lang)
        assert any(s.lang == lang for s in summary.sentences)
        neutral = summarize_story(fake_store(), "s-bridge")
        assert (sum(s.lang == lang for s in summary.sentences)
                >= sum(s.lang == lang for s in neutral.sentences))


def test_storyline_summary_and_unknown_ids() -> None:
    store = fake_store(storylines={"s-bridge": "L1", "s-election": "L1"})
    summary = summarize_storyline(store, "L1")
    assert summary.kind == "storyline" and summary.title == "label L1"
    assert summary.articles == 6  # both stories' independent articles
    assert len(summary.sentences) == 5
    with pytest.raises(UnknownTarget):
        summarize_storyline(store, "L2")
    with pytest.raises(UnknownTarget):
        summarize_story(store, "missing")


def test_json_has_the_issue_fields_in_date_order() -> None:
    timeline = build_timeline(fake_store(), TimelineRequest(story="s-bridge", max_dates=10))
    data = json.loads(json.dumps(timeline_to_json(timeline)))
    assert set(data) >= {"entries", "undated"}
    for entry in data["entries"] + data["undated"]:
        assert {"date", "granularity", "sentences", "story_id"} <= set(entry)
        for sentence in entry["sentences"]:
            assert {"text", "lang", "article_id", "outlet", "start", "end"} <= set(sentence)
    firsts = [entry["date"][:10] for entry in data["entries"]]
    assert firsts == sorted(firsts)
    assert all(entry["date"] is None for entry in data["undated"])


def test_markdown_tags_languages_other_than_the_preferred_one() -> None:
    timeline = build_timeline(fake_store(), TimelineRequest(story="s-bridge", lang="en",
                                                            max_dates=10))
    md = timeline_to_markdown(timeline)
    assert "## 2024-03-18" in md and "## Undated" in md
    assert "(de) " in md and "(en) " not in md
    assert "undated (estimated 2024)" in md
    summary_md = summary_to_markdown(summarize_story(fake_store(), "s-bridge", "en"))
    assert summary_md.startswith("# Summary of story s-bridge")


def test_html_escapes_article_text() -> None:
    records = load_fixture()
    records[0] = {**records[0], "text": records[0]["text"].replace(
        "The bridge collapsed", "<script>alert(1)</script> The bridge collapsed")}
    timeline = build_timeline(fake_store(records), TimelineRequest(story="s-bridge",
                                                                    max_dates=10))
    html = timeline_to_html(timeline)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.count("<section>") >= 2
