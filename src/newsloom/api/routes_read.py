"""Read endpoints under /api/: articles, stories, storylines, entities, timelines, search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import StringConstraints

from newsloom import __version__
from newsloom.model import TimelineRequest
from newsloom.queries.catalog import ArticleListFilter, Catalog
from newsloom.views import schemas as s
from newsloom.views import services
from newsloom.views.access import require_read
from newsloom.views.reads import (
    ISO_PREFIX,
    LANG,
    Mode,
    article_detail,
    article_summary,
    catalog,
    entity_detail,
    missing,
    search,
    search_query,
    story_detail,
    story_page_of,
    summary,
    timeline,
)

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
DateFrom = Annotated[str | None, Query(alias="from", pattern=ISO_PREFIX,
                                       description="ISO date or prefix, inclusive")]
DateTo = Annotated[str | None, Query(alias="to", pattern=ISO_PREFIX,
                                     description="ISO date or prefix, inclusive")]
LangQuery = Annotated[str | None, Query(pattern=LANG, description="ISO 639-1 language")]
LangCode = Annotated[str, StringConstraints(pattern=LANG)]
LangList = Annotated[list[LangCode], Query(description="ISO 639-1 languages (repeat for several)")]
Id = Annotated[str, Query(min_length=1, max_length=200)]

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {status.HTTP_404_NOT_FOUND: {"model": s.ErrorOut}}
UNAVAILABLE: Responses = {status.HTTP_501_NOT_IMPLEMENTED: {"model": s.ErrorOut}}
#: Every read may be refused (protected reads) or have bad parameters; all errors share a body.
READ_ERRORS: Responses = {code: {"model": s.ErrorOut} for code in (401, 403, 422)}

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)], responses=READ_ERRORS)


CatalogDep = Annotated[Catalog, Depends(catalog)]


@router.get("/health", response_model=s.HealthOut,
            responses={503: {"model": s.HealthOut, "description": "still starting"}})
def health(request: Request, response: Response, cat: CatalogDep) -> s.HealthOut:
    """Liveness and readiness: 503 with ``status: starting`` until the warm-up is done."""
    settings = request.app.state.settings
    ready = bool(request.app.state.ready)
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return s.HealthOut(status="ok" if ready else "starting", ready=ready,
                       search_warm=bool(request.app.state.warm), version=__version__,
                       articles=cat.count_articles(),
                       writes_enabled=settings.api_token is not None,
                       reads_protected=settings.protect_reads)


@router.get("/articles", response_model=s.ArticlePage, responses=NOT_FOUND)
def list_articles(cat: CatalogDep, lang: LangList = [],  # noqa: B006 - FastAPI default
                  outlet: Annotated[str | None, Query(max_length=300)] = None,
                  story: Annotated[str | None, Query(max_length=200)] = None,
                  entity: Annotated[str | None, Query(max_length=200)] = None,
                  date_from: DateFrom = None, date_to: DateTo = None,
                  limit: Limit = 20, offset: Offset = 0) -> s.ArticlePage:
    """Current articles, newest ingested first, with filters and pagination."""
    entity_id = None
    if entity:
        found = cat.entity(entity)
        if found is None:
            raise missing("entity", entity)
        entity_id = found.id
    filters = ArticleListFilter(tuple(lang), outlet, story, entity_id, date_from, date_to)
    rows, total = cat.articles(filters, limit, offset)
    assert total is not None
    return s.ArticlePage(items=[article_summary(r) for r in rows], total=total, limit=limit,
                         offset=offset)


@router.get("/articles/{article_id}", response_model=s.ArticleOut, responses=NOT_FOUND)
def get_article(article_id: str, cat: CatalogDep) -> s.ArticleOut:
    """One article by id, unique id prefix or source_id, with entities and story links."""
    return article_detail(cat, article_id)


@router.get("/stories", response_model=s.StoryPage)
def list_stories(cat: CatalogDep, lang: LangQuery = None,
                 sort: Literal["size", "latest"] = "size",
                 limit: Limit = 20, offset: Offset = 0) -> s.StoryPage:
    """Stories (articles about one event in any language); ``lang`` keeps those with an
    article in that language."""
    stories = cat.stories(sort)
    if lang:
        stories = [x for x in stories if lang in x.languages]
    return story_page_of(stories, limit, offset)


@router.get("/stories/{story_id}", response_model=s.StoryDetailOut, responses=NOT_FOUND)
def get_story(story_id: str, cat: CatalogDep, lang: LangQuery = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Offset = 0
              ) -> s.StoryDetailOut:
    """One story with a page of its articles (duplicates folded under their original) and
    its entities."""
    return story_detail(cat, story_id, lang, limit, offset)


@router.get("/storylines", response_model=s.StorylinePage)
def list_storylines(cat: CatalogDep, limit: Limit = 20, offset: Offset = 0
                    ) -> s.StorylinePage:
    lines = cat.storylines()
    return s.StorylinePage(items=[s.StorylineOut.model_validate(x)
                                  for x in lines[offset:offset + limit]],
                           total=len(lines), limit=limit, offset=offset)


@router.get("/storylines/{line_id}", response_model=s.StorylineDetailOut, responses=NOT_FOUND)
def get_storyline(line_id: str, cat: CatalogDep) -> s.StorylineDetailOut:
    line = cat.storyline(line_id)
    if line is None:
        raise missing("storyline", line_id)
    return s.StorylineDetailOut(
        storyline=s.StorylineOut.model_validate(line),
        stories=[s.StoryOut.model_validate(x) for x in cat.stories_by_id(line.story_ids)])


@router.get("/entities", response_model=s.EntityPage)
def list_entities(cat: CatalogDep,
                  q: Annotated[str | None, Query(max_length=200,
                                                 description="part of a name or alias")] = None,
                  entity_type: Annotated[Literal["PER", "ORG", "LOC", "MISC"] | None,
                                         Query(alias="type")] = None,
                  limit: Limit = 20, offset: Offset = 0,
                  unconfirmed: Annotated[bool, Query(
                      description="also entities only one article names and nothing vouches "
                                  "for")] = False) -> s.EntityPage:
    """Canonical entities, most widely reported first: the confirmed ones (named in two or
    more articles, persons named in full, or vouched for by an article), or all with
    ``unconfirmed``."""
    items, total = cat.entities(q, entity_type, limit, offset, unconfirmed)
    return s.EntityPage(items=[s.EntityOut.model_validate(e) for e in items], total=total,
                        limit=limit, offset=offset)


@router.get("/entities/{ref}", response_model=s.EntityDetailOut, responses=NOT_FOUND)
def get_entity(ref: str, cat: CatalogDep) -> s.EntityDetailOut:
    """One entity (id, name or alias) with aliases by language and co-occurring entities."""
    return entity_detail(cat, ref)


@router.get("/timeline", response_model=s.TimelineOut,
            responses={**NOT_FOUND, **UNAVAILABLE})
def get_timeline(cat: CatalogDep, story: Id | None = None, storyline: Id | None = None,
                 entity: Id | None = None,
                 query: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
                 date_from: DateFrom = None, date_to: DateTo = None,
                 max_dates: Annotated[int, Query(ge=1, le=100)] = 10,
                 sentences_per_date: Annotated[int, Query(ge=1, le=10)] = 2,
                 lang: LangQuery = None) -> s.TimelineOut:
    """A dated, cited timeline of one story, storyline, entity or free-text query."""
    return timeline(cat, TimelineRequest(story=story, storyline=storyline, entity=entity,
                                         query=query, date_from=date_from, date_to=date_to,
                                         max_dates=max_dates,
                                         sentences_per_date=sentences_per_date, lang=lang))


@router.get("/summary", response_model=s.SummaryOut, responses={**NOT_FOUND, **UNAVAILABLE})
def get_summary(cat: CatalogDep, story: Id | None = None, storyline: Id | None = None,
                lang: LangQuery = None) -> s.SummaryOut:
    """An extractive summary (cited sentences) of one story or storyline."""
    return summary(cat, story, storyline, lang)


SearchText = Annotated[str, Query(min_length=1, max_length=500, description="query text")]


OutletList = Annotated[list[str], Query(description="outlets (repeat for several)")]
EntityFilter = Annotated[str | None, Query(max_length=200, description="id, name or alias")]


@router.get("/search", response_model=s.SearchResultsOut, responses=NOT_FOUND)
def get_search(cat: CatalogDep, q: SearchText, lang: LangList = [],  # noqa: B006
               outlet: OutletList = [],  # noqa: B006
               date_from: DateFrom = None, date_to: DateTo = None,
               entity: EntityFilter = None, story: Id | None = None,
               mode: Mode = "hybrid", limit: Limit = 20, offset: Offset = 0
               ) -> s.SearchResultsOut:
    """Hybrid (keyword + multilingual semantic) search over articles, with snippets."""
    return search(cat, search_query(q, lang, outlet, date_from, date_to, entity, story,
                                    limit, offset, mode))


@router.get("/search/stories", response_model=s.StorySearchResultsOut, responses=NOT_FOUND)
def get_search_stories(cat: CatalogDep, q: SearchText, lang: LangList = [],  # noqa: B006
                       outlet: OutletList = [],  # noqa: B006
                       date_from: DateFrom = None, date_to: DateTo = None,
                       entity: EntityFilter = None, mode: Mode = "hybrid",
                       limit: Limit = 20, offset: Offset = 0) -> s.StorySearchResultsOut:
    """Stories found through their matching articles."""
    query = search_query(q, lang, outlet, date_from, date_to, entity, None, limit, offset,
                         mode)
    found = services.search_stories(cat.store, query)
    return s.StorySearchResultsOut(q=q, total=found.total, limit=limit, offset=offset,
                                   stories=[s.StoryHitOut.model_validate(x)
                                            for x in found.stories])
