"""bm25 over the PostgreSQL lemma index, computed as SQLite's FTS5 computes its ``bm25()``
(``fts5_aux.c``), so that both stores put keyword hits in one order.

For a query of terms t (every alternative form of every query word: FTS5 scores each quoted
term of its MATCH expression, a repeated one again) and an article of D lemmas::

    score = Σ_t idf(t) · f(t) · (k1 + 1) / (f(t) + k1 · (1 − b + b · D / avgdl))
    idf(t) = max(ln((N − n(t) + 0.5) / (n(t) + 0.5)), 1e-6)
    f(t)   = w_title · (t in the title) + w_text · (t in the text)

with FTS5's k1 = 1.2 and b = 0.75, the (title, text) column weights w of the search, N the
stored articles, n(t) how many of them hold t and avgdl their mean length in lemmas. Like
FTS5's, these statistics count every stored version of a page (migration 2 keeps them:
``lemma_df``, ``lemma_totals`` and ``articles.lemma_count``); the filters (current versions,
language, dates…) only choose which candidates are ranked.

The GIN index finds the candidates (``lemmas @@ query``); only those are scored, each from its
own ``tsvector``: the positions of the query's lemmas, the title's first.

Differences from FTS5: a ``tsvector`` keeps at most 256 positions of a lemma and none past
position 16,383, so f(t) and D are capped for very long articles; and the tokens are those of
PostgreSQL's parser rather than FTS5's unicode61 tokenizer: alike for words of letters and
digits, but a character the parser takes for neither (¼, ², mojibake such as "a¼" for "ü")
splits a word where FTS5 keeps one token, so such an article's D differs by a few lemmas.
"""

from __future__ import annotations

from typing import Any, LiteralString

#: FTS5's bm25 constants (fixed there: ``fts5Bm25Function``).
K1 = 1.2
B = 0.75
#: FTS5's floor of a term's idf: a term in more than half the articles still counts a little.
MIN_IDF = 1e-6

#: The query's lexemes (those of each term, as the index parsed them), each with its idf
#: times how often the query repeats it: two arrays, ``k.lexemes`` and ``k.idf``, and the
#: mean article length ``n.avgdl``; computed once per query. ``%s``: the terms, repeats kept.
_TERMS: LiteralString = (
    "n AS (SELECT articles, GREATEST(lemmas, 1)::float8 / GREATEST(articles, 1) AS avgdl "
    "FROM lemma_totals), "
    "t AS (SELECT x.lexeme, GREATEST(ln("
    "(n.articles - COALESCE(s.articles, 0) + 0.5)::float8 / (COALESCE(s.articles, 0) + 0.5)"
    f"), {MIN_IDF}) AS idf "
    "FROM unnest(%s::text[]) q(term) "
    "CROSS JOIN unnest(tsvector_to_array(to_tsvector('simple', q.term))) x(lexeme) "
    "CROSS JOIN n LEFT JOIN lemma_df s ON s.term = x.lexeme), "
    "k AS (SELECT array_agg(lexeme ORDER BY lexeme) AS lexemes, "
    "array_agg(idf ORDER BY lexeme) AS idf "
    "FROM (SELECT lexeme, SUM(idf) AS idf FROM t GROUP BY lexeme) r)"
)

#: One candidate's score, over ``a`` (articles), ``n`` and ``k``; ``%s``: how much more a
#: title position weighs than a text one, and a text position's weight. The article's
#: tsvector is cut to the query's lexemes (those set to weight C, the rest filtered out: two
#: passes in C, where unnesting the whole vector cost 25 times as much); of a lexeme's
#: positions, those up to ``title_end`` are the title's (a binary search, ``width_bucket``).
_SCORE: LiteralString = (
    f"(SELECT SUM(k.idf[array_position(k.lexemes, u.lexeme)] * h.f * {K1 + 1.0} "
    f"/ (h.f + {K1} * ({1.0 - B} + {B} * a.lemma_count / n.avgdl))) "
    "FROM unnest(ts_filter(setweight(a.lemmas, 'C', k.lexemes), '{c}')) u "
    "CROSS JOIN LATERAL (SELECT "
    "%s::float8 * width_bucket(a.title_end, u.positions::integer[]) "
    "+ %s::float8 * cardinality(u.positions) AS f) h)"
)

def ranked_sql(query: LiteralString, source: LiteralString, condition: LiteralString
               ) -> LiteralString:
    """Ids of the articles of ``source`` (``articles a`` with its joins) matching the tsquery
    ``query`` and ``condition``, best bm25 first (ties in ingest order); parameters in the
    order of :func:`ranked_params`."""
    return (f"WITH {_TERMS}, m AS (SELECT {query} AS query) "
            f"SELECT a.id {source} CROSS JOIN m CROSS JOIN n CROSS JOIN k "
            f"WHERE a.lemmas @@ m.query AND {condition} "
            f"ORDER BY {_SCORE} DESC NULLS LAST, a.seq LIMIT %s")


def ranked_params(terms: list[str], query: list[str], condition: list[Any],
                  weights: tuple[float, float], depth: int) -> list[Any]:
    """The parameters of :func:`ranked_sql`: the scored ``terms`` (folded, repeats kept), the
    tsquery's and the condition's parameters, the (title, text) weights, ``depth``."""
    title, text = float(weights[0]), float(weights[1])
    return [terms, *query, *condition, title - text, text, depth]
