"""Hybrid article and story search: keyword (FTS5 over lemmas) fused with multilingual
semantic search over the stored article vectors.

Public interface (used by ``newsloom search``, the HTTP API and ``timeline --query``)::

    search(store, SearchQuery(text, ...), embedder=None) -> SearchResults
    search_stories(store, SearchQuery(...), embedder=None) -> StorySearchResults
    to_dict(results) -> JSON-ready dict
    warm_up(store, embedder=None)   # load encoder, ANN index and lexicons before serving

Both raise :class:`SearchError` (a ValueError) for a query that cannot run: no words, a bad
mode, limit or date; :class:`UnknownEntityError` when the entity filter names no entity.

Query words that name a stored entity are searched as all its names in every language
(:mod:`newsloom.search.entities`: "Russland" also finds "Rusland" and "russischen"). Hybrid
ranking (:mod:`newsloom.search.fusion`) is reciprocal rank fusion of the keyword and semantic
lists, in which the keyword retriever abstains on reports in another language than the
query's that it could not judge (so they are not buried for lacking the query's words),
under an entity gate: an article holding more of the query's entities ranks first.
The ``keyword`` and ``semantic`` modes are each retriever alone (no gate). A hit's ``score``
is its fused score: it decreases down the page among hits holding as many query entities.
Near-duplicates (``duplicate_of``) are folded into their canonical article, which takes the
best rank of its group in each list and lists the folded ids in ``SearchHit.duplicates``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from newsloom.model import (
    SearchHit,
    SearchQuery,
    SearchResults,
    SnippetSpan,
    StoryHit,
    StorySearchResults,
)
from newsloom.search.entities import (
    NamedPhrase,
    held,
    named_phrases,
    phrase_group,
    with_entity_forms,
)
from newsloom.search.filters import SearchError, UnknownEntityError, article_filter
from newsloom.search.fusion import (
    KEYWORD,
    RRF_K,
    SEMANTIC,
    Candidate,
    entity_gate,
    fuse,
    keyword_abstains,
    words_language,
)
from newsloom.search.retrieve import (
    embed_query,
    keyword_ranking,
    query_languages,
    query_terms,
    semantic_ranking,
)
from newsloom.search.snippets import SnippetSource, snippets

if TYPE_CHECKING:
    from newsloom.represent.embed import Embedder, Vectors
    from newsloom.store.ports import SearchBackend, SearchRow

__all__ = ["RRF_K", "SearchError", "UnknownEntityError", "fuse", "search", "search_stories",
           "to_dict", "warm_up"]

#: BLAS threads of the query encoder (see _query_embedder).
QUERY_THREADS = 1
#: How deep each retriever goes (at least offset + limit): the fused list, and so
#: ``total``, holds at most twice this many articles.
DEPTH = 100
#: A story's score: its best article's plus this share of each further matching article's.
STORY_BONUS = 0.25
#: Matching articles shown under each story hit.
STORY_HITS = 3


@dataclass(slots=True)
class _Ranked:
    candidates: list[Candidate]
    forms: frozenset[str]
    vector: Vectors | None
    embedder: Embedder | None


def _fold(ranking: list[str], canonical: dict[str, str]) -> list[str]:
    return list(dict.fromkeys(canonical.get(a, a) for a in ranking))


def _query_embedder(store: SearchBackend, embedder: Embedder | None) -> Embedder | None:
    name = store.vector_model()
    if name is None:
        return None
    if embedder is None:
        from newsloom.represent.embed import loaded_embedder
        from newsloom.represent.vector_cache import CachedEmbedder

        # One BLAS thread: a short query is one small matrix product, and more threads only
        # contend with whatever else runs (measured: 3 ms on one thread, 150 ms on two busy).
        # A process with the encoder loaded (a server after warm_up) uses it; a fresh one (a
        # CLI command) takes the vectors of texts embedded before from disk and loads the
        # encoder only for a new text.
        return loaded_embedder(name, QUERY_THREADS) or CachedEmbedder(name, QUERY_THREADS)
    if embedder.name != name:
        raise SearchError(f"the store's vectors come from {name!r}, not {embedder.name!r}")
    return embedder


def _rank(store: SearchBackend, query: SearchQuery, embedder: Embedder | None, depth: int
          ) -> _Ranked:
    where = article_filter(store, query)
    named = named_phrases(store, query.text) if query.mode != "semantic" else []
    words = query_terms(query.text, query_languages(store, query.languages))
    groups = with_entity_forms(words, named)
    keyword = keyword_ranking(store, groups, where, depth) if query.mode != "semantic" else []
    semantic: list[str] = []
    vector = None
    if query.mode != "keyword":
        embedder = _query_embedder(store, embedder)
        if embedder is not None:
            vector = embed_query(embedder, query.text)
            semantic = [a for a, _ in semantic_ranking(store, vector, where, depth)]
    canonical = store.canonical_ids(set(keyword) | set(semantic))
    rankings = {KEYWORD: _fold(keyword, canonical), SEMANTIC: _fold(semantic, canonical)}
    if query.mode != "hybrid":
        candidates = fuse(rankings)
    else:
        candidates = _hybrid(store, rankings, named, words)
    forms = frozenset(term for group in groups for term in group)
    return _Ranked(candidates, forms, vector, embedder)


def _hybrid(store: SearchBackend, rankings: dict[str, list[str]],
            named: list[NamedPhrase], words: list[tuple[str, ...]]) -> list[Candidate]:
    """Fusion with the keyword retriever abstaining where it cannot judge, under the entity
    gate (:mod:`newsloom.search.fusion`)."""
    ids = list(dict.fromkeys(rankings[KEYWORD] + rankings[SEMANTIC]))
    writers = store.term_holders(ids, [phrase_group(words, p) for p in named]) if named else {}
    rows = store.search_rows(ids, with_text=False)
    languages = {a: r.language for a, r in rows.items()}
    language = words_language(rankings[KEYWORD], languages, set(writers))
    abstaining = keyword_abstains(ids, set(rankings[KEYWORD]), languages, language,
                                  set(writers))
    candidates = fuse(rankings, abstaining)
    if not named:
        return candidates
    holders = store.entity_holders(ids, [e.id for p in named for e in p.entities])
    return entity_gate(candidates, held(named, holders, writers))


def _hits(store: SearchBackend, ranked: _Ranked, page: list[Candidate]) -> list[SearchHit]:
    ids = [c.article_id for c in page]
    rows = store.search_rows(ids, with_text=True)
    folded = store.duplicates_of(ids)
    shown = snippets([SnippetSource(i, rows[i].text or "", rows[i].language)
                      for i in ids if i in rows], ranked.forms, ranked.vector, ranked.embedder)
    return [_hit(rows[c.article_id], c, shown.get(c.article_id, ()),
                 folded.get(c.article_id, [])) for c in page if c.article_id in rows]


def _hit(row: SearchRow, c: Candidate, snippet: tuple[SnippetSpan, ...], folded: list[str]
         ) -> SearchHit:
    return SearchHit(article_id=c.article_id, title=row.title, language=row.language,
                     outlet=row.outlet, published=row.published, story_id=row.story_id,
                     score=round(c.score, 6), keyword_rank=c.keyword_rank,
                     semantic_rank=c.semantic_rank, snippet=snippet, duplicates=tuple(folded))


def search(store: SearchBackend, query: SearchQuery, embedder: Embedder | None = None
           ) -> SearchResults:
    """One page of ranked articles for ``query`` (see the module docstring)."""
    ranked = _rank(store, query, embedder, max(DEPTH, query.offset + query.limit))
    page = ranked.candidates[query.offset:query.offset + query.limit]
    return SearchResults(query, tuple(_hits(store, ranked, page)), len(ranked.candidates))


def search_stories(store: SearchBackend, query: SearchQuery, embedder: Embedder | None = None
                   ) -> StorySearchResults:
    """Stories whose articles match ``query``, best first; ``limit``/``offset`` count
    stories. Articles the corpus stages have not placed in a story yet are left out."""
    ranked = _rank(store, query, embedder, max(DEPTH, 3 * (query.offset + query.limit)))
    rows = store.search_rows([c.article_id for c in ranked.candidates], with_text=False)
    members: dict[str, list[Candidate]] = {}
    for c in ranked.candidates:
        story = rows[c.article_id].story_id if c.article_id in rows else None
        if story:
            members.setdefault(str(story), []).append(c)
    # the entity gate first (a story's best article holds most of the query's entities)
    scored = sorted(members.items(), key=lambda kv: (
        -kv[1][0].entities, -(kv[1][0].score + STORY_BONUS * sum(c.score for c in kv[1][1:])),
        kv[0]))
    page = scored[query.offset:query.offset + query.limit]
    shown = _hits(store, ranked, [c for _, found in page for c in found[:STORY_HITS]])
    by_id = {h.article_id: h for h in shown}
    stories = []
    for story, found in page:
        hits = tuple(by_id[c.article_id] for c in found[:STORY_HITS] if c.article_id in by_id)
        languages = sorted({str(rows[c.article_id].language) for c in found
                            if rows[c.article_id].language})
        score = found[0].score + STORY_BONUS * sum(c.score for c in found[1:])
        stories.append(StoryHit(story, round(score, 6), hits[0].title if hits else None,
                                tuple(languages), hits))
    return StorySearchResults(query, tuple(stories), len(members))


def warm_up(store: SearchBackend, embedder: Embedder | None = None) -> None:
    """Load what the first query would: the encoder, the ANN index and the lexicon indexes
    of the corpus's languages (built on disk where missing). A server calls this at start so
    no user waits for it."""
    from newsloom.enrich.places import gazetteer
    from newsloom.represent.embed import get_embedder
    from newsloom.text.stem import index_lexicons

    index_lexicons(store.corpus_languages())
    gazetteer()  # place names of every language, for the entities a query names
    name = store.vector_model()
    if embedder is None and name is not None:
        embedder = get_embedder(name, QUERY_THREADS)  # in memory: no query waits for it
    if store.article_count():
        search(store, SearchQuery("news", limit=1), embedder)


def to_dict(results: SearchResults | StorySearchResults) -> dict[str, Any]:
    """JSON-ready form: the records' fields, snippets as [{text, highlighted}]."""
    return asdict(results)
