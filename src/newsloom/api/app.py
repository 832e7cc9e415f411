"""The FastAPI application: JSON API under /api/, web pages at /, OpenAPI at /openapi.json."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsloom import __version__
from newsloom.api import routes_monitor, routes_read, routes_write
from newsloom.api.jobs import JobRunner
from newsloom.api.middleware import SECURITY_HEADERS, AuthBeforeBody, SecurityHeaders
from newsloom.api.security import BodyLimit
from newsloom.api.settings import ApiSettings
from newsloom.queries.catalog import Catalog

log = logging.getLogger("newsloom")

DESCRIPTION = """Read the articles, stories, storylines and entities of a newsloom store,
their timelines and summaries, search them across languages, and upload documents to ingest.

Reads are open unless the server runs with protected reads; writes always need the API
token (`Authorization: Bearer TOKEN`). Errors carry `{"detail": ..., "status": ...}`."""


def warm_up(catalog: Catalog) -> bool:
    """Derive the story listing and load the search models (encoder, ANN index, lexicons)
    so no visitor waits for them; False when the store cannot be searched yet."""
    from newsloom.search import warm_up as warm_search

    try:
        catalog.stories()
        warm_search(catalog.store)
    except Exception as exc:  # an empty store, no vectors yet: the first request does it
        log.warning("warm-up incomplete: %s", exc)
        return False
    return True


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


async def _warm_in_background(catalog: Catalog, should_stop: Callable[[], bool]) -> bool:
    """:func:`warm_up` in a daemon thread, abandoned when ``should_stop()`` (Ctrl-C while
    the models load must not wait for them)."""
    done = threading.Event()
    result: list[bool] = []

    def run() -> None:
        result.append(warm_up(catalog))
        done.set()

    threading.Thread(target=run, name="newsloom-warm-up", daemon=True).start()
    while not done.is_set():
        if should_stop():
            return False
        await asyncio.sleep(0.05)
    return result[0]


def create_app(settings: ApiSettings, on_ready: Callable[[], None] | None = None,
               should_stop: Callable[[], bool] = lambda: False) -> FastAPI:
    """The app over ``settings.db``; one background worker runs ingest jobs.

    With ``settings.warm_up`` the models load in the lifespan start-up, before Uvicorn
    accepts a connection; ``on_ready`` runs once they have (the CLI says so), unless
    ``should_stop()`` turned true meanwhile (the server is shutting down)."""
    catalog = Catalog(settings.db)
    jobs = JobRunner(settings.db, settings.uploads, workers=settings.workers,
                     on_done=catalog.invalidate)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.sweep()
        if settings.warm_up:
            app.state.warm = await _warm_in_background(catalog, should_stop)
        app.state.ready = True
        if on_ready is not None and not should_stop():
            on_ready()
        yield
        jobs.shutdown()

    # Swagger UI and ReDoc are served from bundled assets (newsloom.web.docs), not a CDN.
    app = FastAPI(title="newsloom", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.jobs = jobs
    app.state.ready = not settings.warm_up  # nothing to wait for without a warm-up
    app.state.warm = False
    # Added innermost first: headers wrap everything, the token is checked before the
    # body limit counts (or anything reads) a byte of the body.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(AuthBeforeBody, settings=settings)
    app.add_middleware(SecurityHeaders)

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

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Runs in Starlette's outermost middleware, outside SecurityHeaders: add them here.
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        headers = {k.decode(): v.decode() for k, v in SECURITY_HEADERS}
        if _wants_html(request):
            from newsloom.web.pages import error_page

            page = error_page(request, 500, "internal error")
            page.headers.update(headers)
            return page
        body = {"detail": f"internal error: {type(exc).__name__}", "status": 500}
        return JSONResponse(body, status_code=500, headers=headers)

    app.include_router(routes_read.router)
    app.include_router(routes_write.router)
    app.include_router(routes_monitor.router)
    app.include_router(routes_monitor.feeds)
    from newsloom.web.pages import mount_web

    mount_web(app)
    return app

