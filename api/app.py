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
    # Swagger UI and ReDoc from the package's own files (under /docs-assets), not a CDN: /docs works offline
    app = FastAPIOffline(title="Notecast", version=VERSION, description=DESCRIPTION, static_url=DOCS_ASSETS)
    app.state.services = services
    app.state.job_answers = JobAnswers(services, podcasts.preview_base(services))
    app.state.stream_slots = StreamSlots(services.settings.max_streams_per_client)
    install_error_handlers(app)
    settings = services.settings
    requests = services.metrics.http
    app.add_middleware(GuardMiddleware, policy=content_security_policy(settings.media_origins),
                       limit=settings.max_body_bytes, keys=settings.api_key_list,
                       count=lambda route, method, status: requests.labels(route, method, str(status)).inc())
    if settings.cors_origin_list:  # outermost, so a preflight is answered before the key and body checks
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["content-type", "x-api-key", "idempotency-key", "if-match"],
                           expose_headers=["etag"], max_age=600)
    app.include_router(estimates.router)
    app.include_router(podcasts.router)
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
    voices.document_offered_voices(app, [info.name for info in services.providers.voices.available()])
    document_api_key(app, bool(settings.api_key_list), settings.require_key_for_job_reads)
    return app
