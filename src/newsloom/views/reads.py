"""The reads behind the JSON API and the HTML pages: catalog → response models.

Route functions (api/routes_read.py) and pages (web/pages.py) both call these, so a page shows
exactly what its endpoint returns. Unknown ids raise 404, bad requests 422 (as HTTPException).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from fastapi import HTTPException, Request, status

from newsloom.model import SearchQuery, Story, TimelineRequest
from newsloom.queries.catalog import SAMPLE, ArticleRow, Catalog
from newsloom.queries.stories import article_export_record
from newsloom.views import schemas as s
from newsloom.views import services

#: Query parameter patterns: an ISO date or its prefix, a language code.
ISO_PREFIX = r"^\d{4}(-\d{2}(-\d{2})?)?$"
LANG = r"^[a-z]{2,3}$"
#: How search ranks: full-text, embedding, or both fused.
Mode = Literal["hybrid", "keyword", "semantic"]


def catalog(request: Request) -> Catalog:
    found: Catalog = request.app.state.catalog
    return found


def missing(kind: str, ref: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"no {kind} {ref!r}")


def article_summary(row: ArticleRow) -> s.ArticleSummaryOut:
    return s.ArticleSummaryOut.model_validate(row)


def story_page_of(stories: list[Story], limit: int, offset: int) -> s.StoryPage:
    return s.StoryPage(items=[s.StoryOut.model_validate(x) for x in
                              stories[offset:offset + limit]],
                       total=len(stories), limit=limit, offset=offset)


def story_detail(cat: Catalog, story_id: str, lang: str | None, limit: int = 100,
                 offset: int = 0) -> s.StoryDetailOut:
    story = cat.story(story_id, lang)
    if story is None:
        raise missing("story", story_id)
    originals, copies, total = cat.story_articles(story.id, limit, offset)
    entities, counted = cat.story_entities(story.id)
    return s.StoryDetailOut(
        story=s.StoryOut.model_validate(story),
        articles=[s.StoryArticleOut(article=article_summary(r),
                                    duplicates=[article_summary(c)
                                                for c in copies.get(r.id, [])])
                  for r in originals],
        articles_total=total, limit=limit, offset=offset,
        entities=[s.EntityRefOut.model_validate(e) for e in entities], entities_counted=counted)


def entity_detail(cat: Catalog, ref: str) -> s.EntityDetailOut:
    entity = cat.entity(ref)
    if entity is None:
        raise missing("entity", ref)
    rows = cat.entity_articles(entity.id, 20)
    return s.EntityDetailOut(
        entity=s.EntityOut.model_validate(entity),
        cooccurrence_counted=min(entity.articles, SAMPLE),
        cooccurring=[s.CooccurrenceOut(entity=s.EntityOut.model_validate(c.entity),
                                       articles=c.articles) for c in cat.cooccurring(entity.id)],
        recent_articles=[article_summary(r) for r in rows])


def timeline_request(cat: Catalog, request: TimelineRequest) -> TimelineRequest:
    """Check the one selector of a timeline request; entities resolve to their id."""
    chosen = [k for k in ("story", "storyline", "entity", "query") if getattr(request, k)]
    if len(chosen) != 1:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "give exactly one of story, storyline, entity or query")
    if request.entity:
        entity = cat.entity(request.entity)
        if entity is None:
            raise missing("entity", request.entity)
        request = dataclasses.replace(request, entity=entity.id)
    return request


def timeline(cat: Catalog, request: TimelineRequest) -> s.TimelineOut:
    built = services.build_timeline(cat.store, timeline_request(cat, request))
    return s.TimelineOut.model_validate(built)


def summary(cat: Catalog, story: str | None, storyline: str | None, lang: str | None
            ) -> s.SummaryOut:
    if (story is None) == (storyline is None):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                            "give exactly one of story or storyline")
    if story is not None:
        built = services.summarize_story(cat.store, story, lang)
    else:
        assert storyline is not None
        built = services.summarize_storyline(cat.store, storyline, lang)
    return s.SummaryOut.model_validate(built)


def search_query(q: str, lang: list[str], outlet: list[str], date_from: str | None,
                 date_to: str | None, entity: str | None, story: str | None, limit: int,
                 offset: int, mode: Mode) -> SearchQuery:
    if not q.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the query is empty")
    return SearchQuery(text=q, languages=tuple(lang), outlets=tuple(outlet),
                       date_from=date_from, date_to=date_to, entity=entity, story_id=story,
                       limit=limit, offset=offset, mode=mode)


def search(cat: Catalog, query: SearchQuery) -> s.SearchResultsOut:
    found = services.search(cat.store, query)
    return s.SearchResultsOut(q=query.text, mode=query.mode, total=found.total,
                              limit=query.limit, offset=query.offset,
                              hits=[s.SearchHitOut.model_validate(h) for h in found.hits])


def article_detail(cat: Catalog, article_id: str) -> s.ArticleOut:
    article = cat.store.get_article(article_id)
    if article is None:
        raise missing("article", article_id)
    return s.ArticleOut.model_validate(article_export_record(cat.store, article))
