"""HTML pages: home, story, storyline, entity, article, search, upload.

Pages call the reads the API calls (:mod:`newsloom.views.reads`, so a page shows exactly
what the JSON endpoint returns) and render the same response models; Jinja2 escapes every
value. Timelines are drawn in the browser by ECharts, bundled in static/vendor (no CDN),
from JSON embedded in the page (:mod:`newsloom.web.charts`); a timeline with one date is a
card, not a chart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, get_args

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from newsloom import __version__
from newsloom.model import EntityType, TimelineRequest
from newsloom.queries.catalog import Catalog
from newsloom.text.counts import counted, plural
from newsloom.views import reads as api
from newsloom.views import schemas as s
from newsloom.views.access import require_read
from newsloom.web.charts import stories_chart, timeline_chart

HERE = Path(__file__).parent
#: What the entity chips' colours mean, in the legend beside them (every type the model has).
TYPE_NAMES: dict[str, str] = {"PER": "person", "ORG": "organisation", "LOC": "place",
                              "MISC": "other"}
ENTITY_TYPES = [(code, TYPE_NAMES.get(code, code.lower())) for code in get_args(EntityType)]
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(version=__version__, entity_types=ENTITY_TYPES,
                             counted=counted, plural=plural)
# As filters too: {{ n|counted("story") }} reads as "5 stories".
templates.env.filters.update(counted=counted, plural=plural)
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
CatalogDep = Annotated[Catalog, Depends(api.catalog)]
Reader = [Depends(require_read)]
#: Original articles listed per story page (duplicates fold under them).
STORY_ARTICLES = 100


def mount_web(app: FastAPI) -> None:
    from newsloom.web.docs import router as docs_router

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    from newsloom.web.monitor_pages import router as monitor_router

    app.include_router(router)
    app.include_router(monitor_router)
    app.include_router(docs_router)


def error_page(request: Request, code: int, message: str) -> Response:
    return templates.TemplateResponse(request, "error.html",
                                      {"code": code, "message": message}, status_code=code)


def _timeline(cat: Catalog, request: TimelineRequest) -> tuple[s.TimelineOut | None, str | None]:
    """The timeline, or why there is none (the builder is not installed)."""
    try:
        return api.timeline(cat, request), None
    except HTTPException as exc:
        if exc.status_code == 501:
            return None, str(exc.detail)
        raise


def _summary(cat: Catalog, story: str | None, storyline: str | None, lang: str | None
             ) -> s.SummaryOut | None:
    try:
        return api.summary(cat, story, storyline, lang)
    except HTTPException as exc:
        if exc.status_code == 501:
            return None
        raise


Lang = Annotated[str | None, Query(pattern=api.LANG)]


@router.get("/", dependencies=Reader)
def home(request: Request, cat: CatalogDep) -> Response:
    stories = cat.stories("latest")
    page = api.story_page_of(stories, 24, 0)
    lines = [s.StorylineOut.model_validate(x) for x in cat.storylines()[:10]]
    entities, _ = cat.entities(None, None, 24, 0)
    return templates.TemplateResponse(request, "home.html", {
        "stories": page.items, "story_total": page.total, "storylines": lines,
        "entities": [s.EntityOut.model_validate(e) for e in entities],
        "articles": cat.count_articles()})


@router.get("/stories/{story_id}", dependencies=Reader)
def story_page(request: Request, story_id: str, cat: CatalogDep, lang: Lang = None,
               offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    survivor = cat.store.resolve_story(story_id)
    if survivor != story_id:
        # A merged story's page is its survivor's; temporary (307), as a split can revive it.
        target = request.url_for("story_page", story_id=survivor)
        return RedirectResponse(str(target.include_query_params(**request.query_params)), 307)
    detail = api.story_detail(cat, story_id, lang, STORY_ARTICLES, offset)
    story = detail.story
    timeline, missing = _timeline(cat, TimelineRequest(story=story.id, lang=lang))
    by_language: dict[str, list[s.StoryArticleOut]] = {}
    for item in detail.articles:
        by_language.setdefault(item.article.language or "?", []).append(item)
    return templates.TemplateResponse(request, "story.html", {
        "detail": detail, "story": story, "by_language": sorted(by_language.items()),
        "summary": _summary(cat, story.id, None, lang), "timeline": timeline,
        "timeline_missing": missing,
        "chart_data": timeline_chart(timeline) if timeline else None, "lang": lang})


@router.get("/storylines/{line_id}", dependencies=Reader)
def storyline_page(request: Request, line_id: str, cat: CatalogDep) -> Response:
    survivor = cat.store.resolve_storyline(line_id)
    if survivor is not None and survivor != line_id:
        # An absorbed line's page is its survivor's; temporary (307) like a merged story's.
        target = request.url_for("storyline_page", line_id=survivor)
        return RedirectResponse(str(target.include_query_params(**request.query_params)), 307)
    line = cat.storyline(line_id)
    if line is None:
        raise HTTPException(404, f"no storyline {line_id!r}")
    stories = [s.StoryOut.model_validate(x) for x in cat.stories_by_id(line.story_ids)]
    return templates.TemplateResponse(request, "storyline.html", {
        "line": s.StorylineOut.model_validate(line), "stories": stories,
        "summary": _summary(cat, None, line.id, None), "chart_data": stories_chart(stories)})


@router.get("/entities/{ref}", dependencies=Reader)
def entity_page(request: Request, ref: str, cat: CatalogDep) -> Response:
    detail = api.entity_detail(cat, ref)
    timeline, missing = _timeline(cat, TimelineRequest(entity=detail.entity.id))
    return templates.TemplateResponse(request, "entity.html", {
        "detail": detail, "entity": detail.entity, "timeline": timeline,
        "timeline_missing": missing, "chart_data": timeline_chart(timeline) if timeline else None})


@router.get("/articles/{article_id}", dependencies=Reader)
def article_page(request: Request, article_id: str, cat: CatalogDep) -> Response:
    article = api.article_detail(cat, article_id)
    return templates.TemplateResponse(request, "article.html", {"article": article})


@router.get("/search", dependencies=Reader)
def search_page(request: Request, cat: CatalogDep,
                q: Annotated[str, Query(max_length=500)] = "",
                lang: Annotated[str, Query(max_length=3)] = "",
                outlet: Annotated[str, Query(max_length=300)] = "",
                date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
                date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
                mode: api.Mode = "hybrid",
                offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> Response:
    """Empty form fields mean "any" (a browser sends them all)."""
    languages, outlets = cat.facets()
    results: s.SearchResultsOut | None = None
    problem: str | None = None
    if q.strip():
        for name, value in (("from", date_from), ("to", date_to)):
            if value and not _is_iso_prefix(value):
                raise HTTPException(422, f"{name}: use a date like 2019, 2019-08 or 2019-08-14")
        query = api.search_query(q, [lang] if lang else [], [outlet] if outlet else [],
                                 date_from or None, date_to or None, None, None, 20, offset,
                                 mode)
        try:
            results = api.search(cat, query)
        except HTTPException as exc:
            if exc.status_code != 501:
                raise
            problem = str(exc.detail)
    return templates.TemplateResponse(request, "search.html", {
        "q": q, "lang": lang, "outlet": outlet, "date_from": date_from, "date_to": date_to,
        "mode": mode, "offset": offset, "results": results, "problem": problem,
        "languages": languages, "outlets": outlets})


def _is_iso_prefix(value: str) -> bool:
    return re.fullmatch(api.ISO_PREFIX, value) is not None


@router.get("/upload")
def upload_page(request: Request) -> Response:
    """Open even when reads are protected: it only shows the form that asks for the token."""
    settings = request.app.state.settings
    return templates.TemplateResponse(request, "upload.html", {
        "writes_enabled": settings.api_token is not None,
        "max_mb": settings.max_upload_bytes / (1024 * 1024)})


@router.get("/stories", dependencies=Reader)
def stories_page(request: Request, cat: CatalogDep,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    page = api.story_page_of(cat.stories("size"), 50, offset)
    return templates.TemplateResponse(request, "stories.html", {"page": page})


@router.get("/entities", dependencies=Reader)
def entities_page(request: Request, cat: CatalogDep,
                  q: Annotated[str, Query(max_length=200)] = "",
                  offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    items, total = cat.entities(q or None, None, 50, offset)
    return templates.TemplateResponse(request, "entities.html", {
        "entities": [s.EntityOut.model_validate(e) for e in items], "total": total,
        "q": q, "offset": offset})

