"""Search queries and results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SearchMode = Literal["hybrid", "keyword", "semantic"]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to search for (``newsloom.search.search``). Empty filters mean "any".

    ``date_from``/``date_to`` are inclusive ISO prefixes ("2019", "2019-05", "2019-05-21")
    compared with the stated publication date; articles without one are excluded only when a
    date filter is set. ``entity`` is an entity id, canonical name or alias surface form.
    """

    text: str
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    entity: str | None = None
    story_id: str | None = None
    limit: int = 20
    offset: int = 0
    mode: SearchMode = "hybrid"


@dataclass(frozen=True, slots=True)
class SnippetSpan:
    """One piece of a snippet; UIs wrap ``highlighted`` spans in <mark> after escaping."""

    text: str
    highlighted: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked article. Ranks are 1-based positions in each retriever's list (None: that
    retriever did not return it); ``duplicates`` are the ids folded under this article."""

    article_id: str
    title: str | None
    language: str | None
    outlet: str | None
    published: str | None
    story_id: str | None
    score: float
    keyword_rank: int | None
    semantic_rank: int | None
    snippet: tuple[SnippetSpan, ...]
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of hits. ``total``: articles in the fused ranking, after folding duplicates;
    each retriever contributes at most max(100, offset + limit), so it is a lower bound for
    broad queries, and the last page of a UI's pager ends there."""

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int


@dataclass(frozen=True, slots=True)
class StoryHit:
    """A story found through its articles: best article score plus a bonus per extra hit."""

    story_id: str
    score: float
    title: str | None  # title of the best-ranked article
    languages: tuple[str, ...]
    hits: tuple[SearchHit, ...]  # its matching articles, best first


@dataclass(frozen=True, slots=True)
class StorySearchResults:
    query: SearchQuery
    stories: tuple[StoryHit, ...]
    total: int
