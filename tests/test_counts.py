from newsloom.text.counts import counted, plural


def test_singular_only_for_exactly_one() -> None:
    assert counted(1, "story") == "1 story"
    assert counted(0, "story") == "0 stories"
    assert counted(5, "article") == "5 articles"
    assert counted(1266, "entity") == "1,266 entities"


def test_regular_and_y_plurals() -> None:
    assert plural("input", 2) == "inputs"
    assert plural("day", 2) == "days"
    assert plural("query", 3) == "queries"
    assert plural("input", 1) == "input"
