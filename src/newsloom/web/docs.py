"""Interactive API docs (Swagger UI at /docs, ReDoc at /redoc) from bundled assets.

FastAPI's own pages load both from a CDN and start them with an inline script; these load the
copies in ``static/vendor`` (licences beside them) and start them from ``static/docs.js``, so
they work offline and under the strict Content-Security-Policy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from newsloom.views.access import require_read

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _page(request: Request, which: str) -> Response:
    from newsloom.web.pages import templates

    require_read(request)
    return templates.TemplateResponse(request, "api_docs.html", {
        "which": which, "openapi_url": request.app.openapi_url or "/openapi.json"})


@router.get("/docs")
def swagger_ui(request: Request) -> Response:
    return _page(request, "swagger")


@router.get("/redoc")
def redoc(request: Request) -> Response:
    return _page(request, "redoc")
