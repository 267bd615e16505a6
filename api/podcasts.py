"""`/api/podcast/...`: enqueue, poll, list, fetch. Routes are thin: validate, call the store or executor, shape JSON."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.auth import require_api_key, require_key_for_reads, services
from api.errors import error_response
from api.job_answers import JobAnswers
from api.json_route import JsonBodyRoute
from api.schemas import (
    EnqueueResponse,
    JobListResponse,
    JobResponse,
    JobView,
    PodcastResponse,
    PodcastView,
    SyncGenerateResponse,
    UserId,
    errors,
    json_response,
)
from errors import InputError, NotFound
from pipeline.jobs.submission import ID_RULE, NoteSubmission, is_valid_id, submission_digest
from pipeline.services import Services
from pipeline.webhooks import guard
from store import queries, records
from store.models import JobStatus

router = APIRouter(prefix="/api/podcast", tags=["podcast"], route_class=JsonBodyRoute)

ENQUEUED_MESSAGE = "Podcast generation started. Use the jobId to check status."
_SYNC_POLL_SECONDS = 0.5
_KEY_PATTERN = re.compile(r"^[!-~]{1,255}$")


JobId = Annotated[str, Path(max_length=80, description="The jobId returned when the job was queued")]
PodcastId = Annotated[str, Path(max_length=64, description="The podcastId of a completed job")]
_KEY_DESCRIPTION = ("Optional, ≤ 255 characters. Repeating a request with the same key and body returns the original "
                    "answer and creates no new job; the same key with a different body is a 409.")
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", pattern=_KEY_PATTERN.pattern,
                                              description=_KEY_DESCRIPTION)]
# The enqueue route reads the header itself (`_enqueue` checks it): a declared parameter costs every request
# FastAPI's parameter solving. This documents it as the declaration would.
_KEY_HEADER = {"name": "Idempotency-Key", "in": "header", "required": False, "description": _KEY_DESCRIPTION,
               "schema": {"anyOf": [{"type": "string", "pattern": _KEY_PATTERN.pattern}, {"type": "null"}],
                          "description": _KEY_DESCRIPTION, "title": "Idempotency-Key"}}


async def _enqueue(request: Request, submission: NoteSubmission, key: str | None) -> records.JobRecord:
    if key is not None and not _KEY_PATTERN.fullmatch(key):
        raise InputError("Invalid request: Idempotency-Key must be 1-255 visible ASCII characters",
                         fields={"Idempotency-Key": "must be 1-255 visible ASCII characters"})
    digest = submission_digest(submission) if key else None
    shared = services(request)
    callback = submission.callback_url or shared.settings.default_callback(request.headers.get("x-api-key"))
    if callback is not None:  # resolved and checked now, so a refused URL is the caller's 422, not a lost webhook
        await guard.checked_addresses(guard.parse(callback), shared.settings.webhook_allow_private)
    created = await shared.executor.submit_async(submission.to_new_job(shared.providers, callback),
                                                 idempotency_key=key, request_hash=digest)
    return created.record


@router.post("/generate/async", status_code=202, response_model=EnqueueResponse,
             responses=errors(400, 401, 409, 413, 422, 429), openapi_extra={"parameters": [_KEY_HEADER]})
async def generate_async(request: Request, submission: NoteSubmission) -> Response:
    """Queue a note for generation; answers at once with the job id to poll."""
    await require_api_key(request)  # called, not a Depends: enqueueing is a hot path
    record = await _enqueue(request, submission, request.headers.get("idempotency-key"))
    return json_response(EnqueueResponse(jobId=record.job_id, status=JobStatus.QUEUED, message=ENQUEUED_MESSAGE),
                         status_code=202)


@router.post("/generate", response_model=SyncGenerateResponse,
             responses={**errors(400, 401, 404, 409, 413, 422, 429, 500), 202: {"model": EnqueueResponse}},
             dependencies=[Depends(require_api_key)])
async def generate(request: Request, submission: NoteSubmission, idempotency_key: IdempotencyKey = None
                   ) -> Response:
    """The original synchronous call: waits up to SYNC_WAIT_SECONDS, else answers 202 with the job id to poll."""
    shared = services(request)
    record = await _enqueue(request, submission, idempotency_key)
    deadline = time.monotonic() + shared.settings.sync_wait_seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(_SYNC_POLL_SECONDS)
        current = await run_in_threadpool(queries.get, shared.db, record.job_id)
        if current is None:
            raise NotFound("Job not found")
        if current.status == JobStatus.COMPLETED:
            view = JobView.of(current, shared.providers.media)
            return json_response(SyncGenerateResponse(
                jobId=view.jobId, status=view.status, podcastId=view.podcastId or "", audioUrl=view.audioUrl or "",
                audioDuration=view.audioDuration or 0.0, transcript=view.transcript or [], job=view))
        if current.status == JobStatus.AWAITING_REVIEW:  # nothing more happens until someone approves
            return json_response(EnqueueResponse(
                jobId=current.job_id, status=JobStatus.AWAITING_REVIEW,
                message="The script awaits review: read it at …/jobs/{jobId}/script, then approve it."),
                status_code=202)
        if current.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            return error_response(500, current.error or f"Generation {current.status}", job_id=current.job_id)
    still = EnqueueResponse(jobId=record.job_id, status=JobStatus.QUEUED,
                            message="Still generating. Use the jobId to check status.")
    return json_response(still, status_code=202)


@router.get("/jobs/user/{userId}", response_model=JobListResponse, responses=errors(401, 422),
            dependencies=[Depends(require_api_key)])
def list_user_jobs(
    request: Request, userId: UserId,  # noqa: N803  (the path segment's public name)
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(description="nextCursor from the previous page", pattern=r"^\d{0,18}$")] = None,
) -> Response:
    """A user's jobs, newest first."""
    if not is_valid_id(userId):
        raise InputError(f"Invalid request: userId {ID_RULE}", fields={"userId": ID_RULE})
    before = _parse_cursor(cursor)
    shared = services(request)
    page = queries.list_for_user(shared.db, userId, limit + 1, before)
    more = len(page) > limit
    page = page[:limit]
    base = preview_base(shared)
    return json_response(JobListResponse(jobs=[JobView.of(job, shared.providers.media, preview_base=base)
                                               for job in page],
                                         nextCursor=str(page[-1].seq) if more else None))


@router.get("/jobs/{jobId}", response_model=JobResponse, responses=errors(401, 404, 422))
async def get_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """One job's status, progress and, when completed, its audio and transcript."""
    await require_key_for_reads(request)  # called, not a Depends: this route is the polling hot path
    # Many clients poll the same job: a row read a moment ago is served without a thread hop or a query, its
    # JSON is encoded once per row read, and polls arriving together share one read and one encoding.
    answers: JobAnswers = request.app.state.job_answers
    encoded = await answers.answer(jobId)
    if encoded is None:
        raise NotFound("Job not found")
    return Response(encoded, media_type="application/json")


def preview_base(shared: Services) -> str | None:
    """Where previews are served from, when live previews are on."""
    return shared.settings.public_base_url if shared.settings.live_preview else None


@router.get("/{podcastId}", response_model=PodcastResponse, responses=errors(401, 404, 422),
            dependencies=[Depends(require_key_for_reads)])
def get_podcast(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """A stored podcast."""
    shared = services(request)
    podcast = queries.get_podcast(shared.db, podcastId)
    if podcast is None:
        raise NotFound("Podcast not found")
    return json_response(PodcastResponse(podcast=PodcastView.of(podcast, shared.providers.media,
                                                                shared.settings.public_base_url)))


@router.post("/jobs/{jobId}/cancel", response_model=JobResponse, responses=errors(401, 404, 409, 422),
             dependencies=[Depends(require_api_key)])
def cancel_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """Cancel a queued job at once, or a processing one at its next segment; a finished job is a 409."""
    shared = services(request)
    record = shared.executor.cancel(jobId)
    return json_response(JobResponse(job=JobView.of(record, shared.providers.media)))


@router.delete("/jobs/{jobId}", response_model=JobResponse, responses=errors(401, 404, 409, 422),
               dependencies=[Depends(require_api_key)])
def delete_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """Same as cancel."""
    return cancel_job(request, jobId)


@router.post("/jobs/{jobId}/retry", status_code=202, response_model=EnqueueResponse,
             responses=errors(401, 404, 409, 422, 429), dependencies=[Depends(require_api_key)])
def retry_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """Queue a failed or cancelled job again, reusing its checkpoints; other states are a 409."""
    record = services(request).executor.retry(jobId)
    queued = EnqueueResponse(jobId=record.job_id, status=JobStatus(record.status),
                             message="Podcast generation queued again. Use the jobId to check status.")
    return json_response(queued, status_code=202)


def _parse_cursor(cursor: str | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise InputError("Invalid request: cursor is not a value returned as nextCursor",
                         fields={"cursor": "is not a value returned as nextCursor"})
    return int(cursor)
