"""Monitoring endpoints (issue 16): polled sources and watchlists (CRUD; writes need the
token), alerts, and each watchlist's Atom feed at ``/feeds/watch/NAME.atom``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status

from newsloom.alerts.atom import watch_feed
from newsloom.alerts.deliver import alert_json
from newsloom.alerts.watchlists import WatchlistError, make_watchlist
from newsloom.model.monitoring import Watchlist
from newsloom.queries.catalog import Catalog
from newsloom.views.access import require_read, require_write
from newsloom.views.monitor_schemas import (
    AlertOut,
    SourceIn,
    SourceOut,
    WatchlistIn,
    WatchlistOut,
    watchlist_out,
)
from newsloom.views.reads import catalog

router = APIRouter(prefix="/api", tags=["monitoring"])
feeds = APIRouter(tags=["monitoring"])
CatalogDep = Annotated[Catalog, Depends(catalog)]
ERRORS: dict[int | str, dict[str, Any]] = {code: {"description": "error"}
                                           for code in (400, 401, 403, 404, 409, 422)}
NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"


def _watchlist(cat: Catalog, name: str) -> Watchlist:
    found = next((w for w in cat.store.watchlists() if w.name == name), None)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no watchlist {name!r}")
    return found


# -- sources ----------------------------------------------------------------------------------
@router.get("/sources", response_model=list[SourceOut], dependencies=[Depends(require_read)])
def list_sources(cat: CatalogDep) -> list[SourceOut]:
    """Polled sources with their state (last success, last error, next poll)."""
    return [SourceOut(**asdict(s)) for s in cat.store.sources()]


@router.post("/sources", response_model=SourceOut, status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_write)], responses=ERRORS)
def add_source(body: SourceIn, cat: CatalogDep) -> SourceOut:
    if not cat.store.add_source(body.url, datetime.now(UTC).isoformat(timespec="seconds")):
        raise HTTPException(status.HTTP_409_CONFLICT, f"source {body.url!r} exists")
    return next(SourceOut(**asdict(s)) for s in cat.store.sources() if s.url == body.url)


@router.delete("/sources", status_code=status.HTTP_204_NO_CONTENT,
               dependencies=[Depends(require_write)], responses=ERRORS)
def remove_source(cat: CatalogDep, url: Annotated[str, Query(max_length=2000)]) -> Response:
    if not cat.store.remove_source(url):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no source {url!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- watchlists -------------------------------------------------------------------------------
@router.get("/watchlists", response_model=list[WatchlistOut],
            dependencies=[Depends(require_read)])
def list_watchlists(cat: CatalogDep) -> list[WatchlistOut]:
    return [watchlist_out(w) for w in cat.store.watchlists()]


def _save(cat: CatalogDep, name: str, body: WatchlistIn, replace: bool) -> WatchlistOut:
    try:
        watch = make_watchlist(cat.store, name, entity=body.entity, query=body.query,
                               storyline=body.storyline, story=body.story,
                               languages=body.languages, min_sources=body.min_sources,
                               webhook=body.webhook, email=body.email)
    except WatchlistError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    if not cat.store.save_watchlist(watch, replace=replace):
        if replace:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no watchlist {name!r}")
        raise HTTPException(status.HTTP_409_CONFLICT, f"watchlist {name!r} exists")
    return watchlist_out(_watchlist(cat, name))


@router.post("/watchlists/{name}", response_model=WatchlistOut,
             status_code=status.HTTP_201_CREATED, dependencies=[Depends(require_write)],
             responses=ERRORS)
def create_watchlist(name: Annotated[str, Path(pattern=NAME)], body: WatchlistIn,
                     cat: CatalogDep) -> WatchlistOut:
    """A new watchlist; it alerts on what happens from now on."""
    return _save(cat, name, body, replace=False)


@router.put("/watchlists/{name}", response_model=WatchlistOut,
            dependencies=[Depends(require_write)], responses=ERRORS)
def edit_watchlist(name: str, body: WatchlistIn, cat: CatalogDep) -> WatchlistOut:
    return _save(cat, name, body, replace=True)


@router.delete("/watchlists/{name}", status_code=status.HTTP_204_NO_CONTENT,
               dependencies=[Depends(require_write)], responses=ERRORS)
def delete_watchlist(name: str, cat: CatalogDep) -> Response:
    if not cat.store.remove_watchlist(name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no watchlist {name!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- alerts -----------------------------------------------------------------------------------
@router.get("/alerts", response_model=list[AlertOut], dependencies=[Depends(require_read)])
def list_alerts(cat: CatalogDep,
                since: Annotated[str | None, Query(max_length=40)] = None,
                watchlist: Annotated[str | None, Query(max_length=64)] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[AlertOut]:
    """Alerts newest first, with the story's title, cited summary and new articles."""
    return [AlertOut(**alert_json(a)) for a in cat.store.alerts(watchlist, since, limit)]


@feeds.get("/feeds/watch/{name}.atom", dependencies=[Depends(require_read)],
           response_class=Response, responses={200: {"content": {
               "application/atom+xml": {}}}, 404: {"description": "no such watchlist"}})
def watch_atom(name: str, request: Request, cat: CatalogDep) -> Response:
    """A watchlist's alerts as an Atom feed, for any feed reader."""
    watch = _watchlist(cat, name)
    base = str(request.base_url).rstrip("/")
    return Response(watch_feed(watch, cat.store.alerts(name, limit=100), base),
                    media_type="application/atom+xml")
