"""`/healthz`, for load balancers and people."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth import services
from api.schemas import HealthResponse, QueueCounts, json_response
from errors import NotFound
from settings import VERSION
from store import jobs, queries

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def healthz(request: Request) -> Response:
    """Service status and queue depth; 503 `degraded` when the executor stalls or the database refuses writes."""
    shared = services(request)
    problems: list[str] = []
    idle_for = time.monotonic() - shared.executor.last_beat
    if idle_for > shared.settings.executor_stale_seconds:
        problems.append(f"the executor has shown no progress for {int(idle_for)} s")
    try:
        jobs.probe_writable(shared.db)
        queue = QueueCounts(**queries.counts(shared.db))
    except Exception as exc:  # the point is to report it, whatever the driver raised
        log.warning("health check: database write failed: %s", type(exc).__name__)
        problems.append("the database does not accept writes")
        queue = QueueCounts(queued=0, processing=0)
    health = HealthResponse(status="degraded" if problems else "ok", version=VERSION, queue=queue,
                            problems=problems or None)
    return json_response(health, status_code=503 if problems else 200)


fallback = APIRouter(include_in_schema=False)


@fallback.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def unknown_api_route(rest: str) -> None:
    """Unknown `/api` paths answer in JSON instead of falling through to the web pages."""
    raise NotFound("Not found")
