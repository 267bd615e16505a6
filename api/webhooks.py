"""`GET /api/podcast/jobs/{jobId}/deliveries`: a job's webhooks and their attempts; and the job as each webhook
carries it (the same JSON as GET /api/podcast/jobs/{jobId})."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.auth import require_key_for_reads, services
from api.podcasts import JobId
from api.schemas import JobView, encode, errors, json_response
from api.schemas.webhooks import DeliveryListResponse, DeliveryView
from errors import NotFound
from pipeline.services import Services
from pipeline.webhooks.dispatcher import Describe
from store import deliveries, queries

router = APIRouter(prefix="/api/podcast/jobs", tags=["webhooks"])


@router.get("/{jobId}/deliveries", response_model=DeliveryListResponse, responses=errors(401, 404, 422),
            dependencies=[Depends(require_key_for_reads)])
async def list_deliveries(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """The job's webhook deliveries: each event, its attempts and the receiver's last answer."""
    shared = services(request)
    found = await run_in_threadpool(deliveries.of_job, shared.db, jobId)
    if not found and await run_in_threadpool(queries.get, shared.db, jobId) is None:
        raise NotFound("Job not found")
    return json_response(DeliveryListResponse(jobId=jobId, deliveries=[DeliveryView.of(one) for one in found]))


def job_event_data(shared: Services) -> Describe:
    """What a webhook says about its job: the job's JSON as the API shows it."""

    def describe(job_id: str) -> dict[str, Any] | None:
        record = queries.get(shared.db, job_id)
        if record is None:
            return None
        data: dict[str, Any] = json.loads(encode(JobView.of(record, shared.providers.media)))
        return data

    return describe
