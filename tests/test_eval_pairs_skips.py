"""``newsloom eval pairs`` scores the rated pairs it can and names the ones it cannot: an
article the pipeline skips (here a cookie-consent page scraped instead of the article) takes
its pairs out of the scores with a reason, instead of stopping the evaluation."""

from __future__ import annotations

import json
from pathlib import Path

from newsloom.eval.pairs import evaluate_pairs

_ARTICLES = [
    ("a1", "Earthquake of magnitude 6.1 hits northern Chile",
     "An earthquake of magnitude 6.1 struck northern Chile on Monday, the survey said.\n"
     "Buildings shook in the port city of Iquique and residents fled into the streets.\n"
     "No casualties were reported, officials in Santiago said.", "2021-03-01"),
    ("a2", "Strong quake shakes Iquique in northern Chile",
     "A strong earthquake with a magnitude of 6.1 shook Iquique in northern Chile on Monday.\n"
     "Residents ran out of buildings, and the navy ruled out a tsunami.\n"
     "The government in Santiago reported no victims.", "2021-03-01"),
    ("a3", "Bakery chain opens its hundredth shop in Lyon",
     "The French bakery chain Maison Pain opened its hundredth shop in Lyon on Saturday.\n"
     "Its founder said the company plans to double in size by 2025.\n"
     "Queues formed before dawn outside the new shop.", "2021-05-08"),
    ("a4", "Your privacy",
     "We value your privacy. We and our partners use cookies to store and access personal "
     "data on your device.\n\nPlease read our Privacy Policy. It explains which data we "
     "collect, how we use it and your rights to data protection.\n\nBy clicking Accept, you "
     "consent to our use of cookies. You can change your consent settings at any time.", None),
]
_PAIRS = [("a1", "a2", 1.0), ("a1", "a3", 4.0), ("a2", "a3", 3.5), ("a1", "a4", 4.0)]


def test_pairs_with_a_skipped_article_are_named_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "articles.jsonl").write_text("".join(
        json.dumps({"id": i, "lang": "en", "title": t, "text": x, "publish_date": d}) + "\n"
        for i, t, x, d in _ARTICLES), encoding="utf-8")
    (tmp_path / "pairs.csv").write_text(
        "pair_id,id1,id2,lang1,lang2,overall,geography,entities,time,narrative,style,tone\n"
        + "".join(f"{a}_{b},{a},{b},en,en,{r},1,1,1,1,1,1\n" for a, b, r in _PAIRS),
        encoding="utf-8")
    report = evaluate_pairs(tmp_path)
    assert report.pairs == 3
    assert report.unscored == [
        "a1–a4 (en-en): a4: consent/privacy notice instead of an article"]
    related = report.methods[0]
    assert related.pearson["all"].value > 0.5  # the two quake reports rate closest
