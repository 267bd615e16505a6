"""Builds the FastAPI app that owns the JSON API. NiceGUI is mounted under it (see main.py), so `/api`
requests never pass through the page middleware."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from api import (
    episode_scripts,
    episodes,
    estimates,
    events,
    feeds,
    health,
    lexicon,
    media,
    metrics,
    podcasts,
    preview,
    scripts,
    voices,
    webhooks,
)
from api.auth import document_api_key
from api.errors import install_error_handlers
from api.http_limits import StreamSlots
from api.job_answers import JobAnswers
from api.middleware import GuardMiddleware, content_security_policy
from pipeline.services import Services
from settings import VERSION

DOCS_ASSETS = "/docs-assets"
DESCRIPTION = "Turn notes into two-host podcast episodes. Generation is asynchronous: enqueue, then poll the job."


def create_api(services: Services) -> FastAPI:
    """The API app with its routers, error handlers and body limit; `services` is shared with the UI."""
    # Swagger UI and ReDoc from the package's own files (under /docs-assets), not a CDN: /docs works offline.
    # FastAPI's own OpenTelemetry is off: it needs an OpenTelemetry SDK, which Notecast does not ship (its metrics
    # are Prometheus', at /metrics), and looking for one cost every request a few µs.
    app = FastAPIOffline(title="Notecast", version=VERSION, description=DESCRIPTION, static_url=DOCS_ASSETS,
                         telemetry={"tracing": False, "metrics": False, "logs": False})
    docs_routes = list(app.router.routes)  # /openapi.json, /docs, /redoc and their assets
    app.state.services = services
    app.state.job_answers = JobAnswers(services, podcasts.preview_base(services))
    app.state.stream_slots = StreamSlots(services.settings.max_streams_per_client)
    install_error_handlers(app)
    settings = services.settings
    app.add_middleware(GuardMiddleware, policy=content_security_policy(settings.media_origins),
                       limit=settings.max_body_bytes, keys=settings.api_key_list,
                       count=services.metrics.request_served)
    if settings.cors_origin_list:  # outermost, so a preflight is answered before the key and body checks
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["content-type", "x-api-key", "idempotency-key", "if-match"],
                           expose_headers=["etag"], max_age=600)
    app.include_router(estimates.router)
    # Its routes as they are, not included: FastAPI keeps an included router as one route that matches each
    # request twice, about 25 µs of every enqueue and status poll (the hot paths); and the enqueue route reads
    # its own body (api/json_route.py), which an inclusion's dependencies would bypass. The prefix is already in
    # each path and this inclusion added nothing else, so routing and /openapi.json are unchanged; only
    # app.dependency_overrides does not reach these routes (nothing sets it: tests pass other providers).
    app.router.routes.extend(podcasts.router.routes)
    app.include_router(preview.router)
    app.include_router(events.router)
    app.include_router(webhooks.router)
    app.include_router(episodes.router)
    app.include_router(scripts.router)
    app.include_router(episode_scripts.router)
    app.include_router(lexicon.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(media.router)
    app.include_router(feeds.router)
    app.include_router(voices.router)
    app.include_router(health.fallback)
    # FastAPI puts its documentation routes first, where every API request would be tested against each of them
    # before its own; after the API (and before the pages, mounted later) they answer the same paths.
    app.router.routes[:] = [route for route in app.router.routes if route not in docs_routes] + docs_routes
    voices.document_offered_voices(app, [info.name for info in services.providers.voices.available()])
    document_api_key(app, bool(settings.api_key_list), settings.require_key_for_job_reads)
    return app
