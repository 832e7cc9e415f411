"""The FastAPI application: JSON API under /api/, web pages at /, OpenAPI at /openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsloom import __version__
from newsloom.api import routes_read, routes_write
from newsloom.api.catalog import Catalog
from newsloom.api.jobs import JobRunner
from newsloom.api.security import BodyLimit
from newsloom.api.settings import ApiSettings

DESCRIPTION = """Read the articles, stories, storylines and entities of a newsloom store,
their timelines and summaries, search them across languages, and upload documents to ingest.

Reads are open unless the server runs with protected reads; writes always need the API
token (`Authorization: Bearer TOKEN`). Errors carry `{"detail": ..., "status": ...}`."""


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


def create_app(settings: ApiSettings) -> FastAPI:
    """The app over ``settings.db``; one background worker runs ingest jobs."""
    catalog = Catalog(settings.db)
    jobs = JobRunner(settings.db, settings.uploads, workers=settings.workers,
                     on_done=catalog.invalidate)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="newsloom", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.jobs = jobs
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request):
            from newsloom.web.pages import error_page  # the pages import the API modules

            return error_page(request, exc.status_code, str(exc.detail))
        body: dict[str, Any] = {"detail": exc.detail, "status": exc.status_code}
        return JSONResponse(body, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = jsonable_encoder(exc.errors(), exclude={"ctx", "url", "input"})
        if _wants_html(request):
            from newsloom.web.pages import error_page

            return error_page(request, 422, "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                for e in errors))
        return JSONResponse({"detail": errors, "status": 422}, status_code=422)

    app.include_router(routes_read.router)
    app.include_router(routes_write.router)
    from newsloom.web.pages import mount_web

    mount_web(app)
    return app

