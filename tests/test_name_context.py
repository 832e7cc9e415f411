"""Name-similarity aliases confirmed by context (enrich/name_context.py)."""

from __future__ import annotations

import numpy as np
import pytest

from newsloom.enrich.name_context import (
    EntityContexts,
    NameMatchOptions,
    candidate_tokens,
    context_alias,
    name_relation,
    sound_key,
)
from newsloom.model import Entity


@pytest.mark.parametrize(("new", "known", "relation"), [
    ("mail.ru", "mail.ru group", "token subset"),  # a short form of a known name
    ("telekom", "deutsche telekom", "token subset"),
    ("the new york times", "new york times", "token subset"),  # decoration around it
    ("the verge", "theverge", "compact form"),
    ("selenskyj", "zelensky", "spelling variant"),
    ("zelenskyy", "zelensky", "spelling variant"),
    ("wolodymyr selenskyj", "wolodymyr zelensky", "spelling variant"),
    ("gerardo morales", "gerardo zamora", None),  # one shared word is not one name
    ("wuhan tianhe international airport", "wuhan", None),  # a known word never extended
    ("koch", "robert koch institut", None),  # a word from the middle
    ("huber", "hubert", None),  # a sounded suffix makes another name
    ("trump", "tramp", None),  # too short to call a spelling variant
    ("new", "new york times", None),  # shared token too short
    ("huawei", "huawei", None),  # the same name is not an alias
])
def test_name_relation(new: str, known: str, relation: str | None) -> None:
    assert name_relation(f"name:{new}", f"name:{known}") == relation


def test_people_go_by_their_last_name() -> None:
    assert name_relation("name:sanchez", "name:pedro sanchez", entity_type="PER")
    assert name_relation("name:pedro", "name:pedro sanchez", entity_type="PER") is None
    assert name_relation("name:dumont", "name:dumont mediengruppe", entity_type="ORG")


def test_name_relation_is_directional_for_extensions() -> None:
    assert name_relation("name:wuhan", "name:wuhan tianhe international airport") is None
    assert name_relation("name:new york times", "name:the new york times") == "token subset"


def test_places_are_not_names() -> None:
    assert name_relation("loc:RU", "name:russia") is None


def test_sound_key_joins_transliterations_only() -> None:
    assert sound_key("selenskyj") == sound_key("zelensky") == sound_key("zelenskyy")
    assert sound_key("huber") != sound_key("hubert")


def test_candidate_tokens_find_each_other() -> None:
    for a, b in [("selenskyj", "zelensky"), ("the verge", "theverge"),
                 ("mail.ru group", "mail.ru")]:
        assert set(candidate_tokens(f"name:{a}")) & set(candidate_tokens(f"name:{b}"))


def _unit(values: list[float]) -> np.ndarray:
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _entity(entity_id: str, name: str, kind: str = "ORG") -> Entity:
    return Entity(entity_id, f"name:{name}", name, kind, {})  # type: ignore[arg-type]


def test_context_confirms_or_refuses() -> None:
    contexts = EntityContexts()
    tech, sport = _unit([1, 0.1, 0]), _unit([0, 0.1, 1])
    contexts.add("e1", tech)
    contexts.add("e1", _unit([0.9, 0.2, 0]))
    telekom = _entity("e1", "deutsche telekom")
    alias = context_alias("name:telekom", "ORG", tech, [telekom], contexts)
    assert alias is not None and alias.entity_id == "e1"
    assert alias.reason.startswith("token subset")
    # Same name, unrelated context: not merged.
    assert context_alias("name:telekom", "ORG", sport, [telekom], contexts) is None
    # Same name and context but another type: not merged.
    assert context_alias("name:telekom", "PER", tech, [telekom], contexts) is None


def test_best_context_wins_and_ties_refuse() -> None:
    contexts = EntityContexts()
    a, b = _unit([1, 0, 0]), _unit([0.8, 0.6, 0])
    contexts.add("austria", b)
    contexts.add("germany", a)
    candidates = [_entity("germany", "deutsche telekom"), _entity("austria", "telekom austria")]
    alias = context_alias("name:telekom", "ORG", a, candidates, contexts)
    assert alias is not None and alias.entity_id == "germany"
    contexts.add("austria", a)
    contexts.add("germany", b)
    assert context_alias("name:telekom", "ORG", a, candidates, contexts) is None


def test_threshold_is_an_option() -> None:
    contexts = EntityContexts()
    contexts.add("e1", _unit([1, 1, 0]))
    article = _unit([1, 0, 0])  # cosine 0.71
    candidates = [_entity("e1", "mail.ru group")]
    assert context_alias("name:mail.ru", "ORG", article, candidates, contexts) is not None
    strict = NameMatchOptions(min_context_cosine=0.8)
    assert context_alias("name:mail.ru", "ORG", article, candidates, contexts, strict) is None


def test_cosine_is_centred_on_the_corpus_mean() -> None:
    # Every article shares one dominant direction; what tells subjects apart is the rest.
    contexts = EntityContexts()
    telekom_article, other_article = _unit([1, 0.3, 0]), _unit([1, -0.3, 0])
    contexts.add("e1", telekom_article)
    candidates = [_entity("e1", "deutsche telekom")]
    uncentred = context_alias("name:telekom", "ORG", other_article, candidates, contexts)
    assert uncentred is not None  # 0.83 raw cosine: looks related
    for vector in (telekom_article, other_article, _unit([1, 0, 0.2]), _unit([1, 0, -0.2])):
        contexts.add_article(vector)
    assert context_alias("name:telekom", "ORG", other_article, candidates, contexts) is None
    alias = context_alias("name:telekom", "ORG", telekom_article, candidates, contexts)
    assert alias is not None
