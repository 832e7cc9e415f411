"""The monitoring pages (issue 16): watchlists (created, edited and deleted in the browser
through the API, with the token) and alerts. The home page's "new since your last visit"
line is static/last_visit.js over ``/api/alerts``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from newsloom.alerts.deliver import alert_json
from newsloom.views.monitor_schemas import AlertOut, watchlist_out
from newsloom.web.pages import CatalogDep, Reader, templates

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/watchlists", dependencies=Reader)
def watchlists_page(request: Request, cat: CatalogDep) -> Response:
    return templates.TemplateResponse(request, "watchlists.html", {
        "watchlists": [watchlist_out(w) for w in cat.store.watchlists()],
        "sources": cat.store.sources(),
        "writes_enabled": request.app.state.settings.api_token is not None})


@router.get("/alerts", dependencies=Reader)
def alerts_page(request: Request, cat: CatalogDep) -> Response:
    alerts = [AlertOut(**alert_json(a)) for a in cat.store.alerts(limit=100)]
    return templates.TemplateResponse(request, "alerts.html", {"alerts": alerts})
