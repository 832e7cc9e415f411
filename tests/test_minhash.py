"""Near-duplicates: copies and light edits match, different reports of one event do not."""

from __future__ import annotations

from pathlib import Path

from newsloom.represent.minhash import DuplicateIndex, jaccard, signature

SEEDS = Path(__file__).parents[1] / "examples" / "seeds"


def _body(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def test_signature_is_deterministic() -> None:
    text = _body("003_c6b275d6bc638668.txt")
    assert (signature(text) == signature(text)).all()


def test_exact_and_lightly_edited_copies_are_duplicates() -> None:
    original = _body("003_c6b275d6bc638668.txt")
    repost = ("Exklusiv bei uns: " + original.replace("Tatsächlich", "In der Tat")
              + "\nFolgen Sie uns für mehr Nachrichten.")
    index = DuplicateIndex()
    index.add("original", signature(original))
    assert index.matches(signature(original))[0] == ("original", 1.0)
    matches = index.matches(signature(repost))
    assert [m[0] for m in matches] == ["original"] and matches[0][1] >= 0.6


def test_two_reports_of_one_story_are_not_duplicates() -> None:
    # 002 and 003 both report Huawei and AT&T, in different words.
    a = signature(_body("002_5a5445e0100195ec.txt"))
    b = signature(_body("003_c6b275d6bc638668.txt"))
    assert jaccard(a, b) < 0.2
    index = DuplicateIndex()
    index.add("002", a)
    assert index.matches(b) == []
