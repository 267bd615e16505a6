"""`/healthz`, for load balancers and people."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.auth import services
from api.schemas import HealthResponse
from errors import NotFound
from settings import VERSION
from store import jobs

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse)
def healthz(request: Request) -> JSONResponse:
    """Service status and queue depth."""
    return JSONResponse({"status": "ok", "version": VERSION, "queue": jobs.counts(services(request).db)})


fallback = APIRouter(include_in_schema=False)


@fallback.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def unknown_api_route(rest: str) -> None:
    """Unknown `/api` paths answer in JSON instead of falling through to the web pages."""
    raise NotFound("Not found")
