"""The FastAPI application: `create_app` wires the store, the backends and the job runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from gouache.backends.base import ImageModel
from gouache.errors import NotFoundError
from gouache.server import errors, gemini_wire, jobs, native, openai_wire, ui_api
from gouache.server.auth import authenticate, key_of
from gouache.server.config import ServerConfig
from gouache.server.limits import BodyLimit, Limiter, RateLimiter, RedisRateLimiter
from gouache.server.models import ModelPool
from gouache.server.runner import InlineRunner, QueueRunner, Runner
from gouache.server.state import ServerState
from gouache.sessions.store import Store
from gouache.settings import Settings

SWAGGER = Path(__file__).parent / "static" / "swagger"
DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}


def create_app(
    settings: Settings | None = None,
    config: ServerConfig | None = None,
    *,
    store: Store | None = None,
    models: Mapping[str, Callable[[], ImageModel]] | None = None,
) -> FastAPI:
    """The app for one store. `models` adds or replaces backends by name (embedders, tests);
    otherwise `model` names resolve through the backend catalog."""
    settings = settings or Settings()
    config = config or ServerConfig()
    opened = store or Store.from_settings(settings)
    pool = ModelPool(models)
    jobs.prune(opened, timedelta(days=config.keep_jobs_days))
    runner: Runner
    if config.workers == "queue":
        runner = QueueRunner(config.redis_url)
    else:
        runner = InlineRunner(opened, pool, config.threads)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        if store is None:
            opened.close()

    app = FastAPI(
        title="gouache",
        summary="Conversational image editing over a version tree",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    # Several servers in front of one queue share one limit through its Redis.
    limiter: Limiter = (
        RedisRateLimiter(config.redis_url, config.rate_per_minute)
        if config.workers == "queue"
        else RateLimiter(config.rate_per_minute)
    )
    app.state.gouache = ServerState(opened, pool, runner, config, settings, limiter)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """The one route without a key: is the server up."""
        return {"status": "ok"}

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(authenticate)])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(authenticate)])
    def docs(request: Request) -> HTMLResponse:
        # The page fetches the schema and Swagger UI itself: hand it the key it was opened
        # with. Swagger UI is vendored (static/swagger), so /docs works offline too.
        key = quote(key_of(request) or "")
        return get_swagger_ui_html(
            openapi_url=f"/openapi.json?key={key}",
            title="gouache API",
            swagger_js_url=f"/docs/assets/swagger-ui-bundle.js?key={key}",
            swagger_css_url=f"/docs/assets/swagger-ui.css?key={key}",
            swagger_favicon_url="data:,",
        )

    @app.get("/docs/assets/{name}", include_in_schema=False, dependencies=[Depends(authenticate)])
    def docs_asset(name: str) -> FileResponse:
        if name not in DOCS_ASSETS:
            raise NotFoundError(f"no docs asset {name!r}")
        return FileResponse(SWAGGER / name, media_type=DOCS_ASSETS[name])

    app.include_router(ui_api.router, tags=["native"])
    app.include_router(native.router, tags=["native"])
    app.include_router(gemini_wire.router, tags=["gemini"])
    app.include_router(openai_wire.router, tags=["openai"])
    from gouache import web

    web.install(app)
    return app


def describe_routes(app: FastAPI) -> list[dict[str, Any]]:
    """Every HTTP route (those of included routers too) with its methods, path and name: what
    the auth test walks, so that no route can be added without the key check."""
    from fastapi.routing import APIRoute, iter_route_contexts

    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            found.append(
                {
                    "path": context.path or route.path,
                    "methods": sorted(route.methods or ()),
                    "name": route.name,
                }
            )
    return found
