"""`GET /metrics`: Prometheus' text format, behind the API key when METRICS_NEED_KEY is on."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from api.auth import require_api_key, services
from api.schemas import errors

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, summary="Prometheus metrics",
            responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}, **errors(401)})
async def metrics(request: Request) -> Response:
    """Jobs by status, queue depth and oldest wait, job durations and seconds per audio second by engine,
    failures by reason, retries, segment cache hits and misses, and API requests by route and status."""
    shared = services(request)
    if shared.settings.metrics_need_key:
        await require_api_key(request)
    body = await run_in_threadpool(generate_latest, shared.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
