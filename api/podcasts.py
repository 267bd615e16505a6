"""`/api/podcast/...`: enqueue, poll, list, fetch. Routes are thin: validate, call the store or executor, shape JSON."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from typing import Annotated, TypeVar

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.auth import require_api_key, require_key_for_reads, services
from api.errors import error_response
from api.schemas import (
    EnqueueResponse,
    ErrorResponse,
    JobListResponse,
    JobResponse,
    PodcastResponse,
    SyncGenerateResponse,
    fast_json,
    job_json,
    podcast_json,
)
from errors import InputError, NotFound
from pipeline.submission import ID_RULE, ID_SCHEMA, NoteSubmission, is_valid_id
from store import queries, records

T = TypeVar("T")
router = APIRouter(prefix="/api/podcast", tags=["podcast"])

ENQUEUED_MESSAGE = "Podcast generation started. Use the jobId to check status."
_ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 404, 409, 413, 422, 429)}
_SYNC_POLL_SECONDS = 0.5
_KEY_PATTERN = re.compile(r"^[!-~]{1,255}$")


JobId = Annotated[str, Path(max_length=80, description="The jobId returned when the job was queued")]
PodcastId = Annotated[str, Path(max_length=64, description="The podcastId of a completed job")]
UserId = Annotated[str, Path(description="The userId given when queueing", json_schema_extra=ID_SCHEMA)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", pattern=_KEY_PATTERN.pattern, description=(
    "Optional, ≤ 255 characters. Repeating a request with the same key and body returns the original answer "
    "and creates no new job; the same key with a different body is a 409."))]


async def _enqueue(request: Request, submission: NoteSubmission, key: str | None) -> records.JobRecord:
    if key is not None and not _KEY_PATTERN.fullmatch(key):
        raise InputError("Invalid request: Idempotency-Key must be 1-255 visible ASCII characters",
                         fields={"Idempotency-Key": "must be 1-255 visible ASCII characters"})
    digest = None
    if key:
        canonical = json.dumps(submission.model_dump(by_alias=True), sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
    created = await services(request).executor.submit_async(submission.to_new_job(), idempotency_key=key,
                                                            request_hash=digest)
    return created.record


@router.post("/generate/async", status_code=202, response_model=EnqueueResponse, responses=_ERRORS)
async def generate_async(request: Request, submission: NoteSubmission, idempotency_key: IdempotencyKey = None
                         ) -> Response:
    """Queue a note for generation; answers at once with the job id to poll."""
    await require_api_key(request)  # called, not a Depends: enqueueing is a hot path
    record = await _enqueue(request, submission, idempotency_key)
    return fast_json({"success": True, "jobId": record.job_id, "status": "queued", "message": ENQUEUED_MESSAGE},
                     status_code=202)


@router.post("/generate", response_model=SyncGenerateResponse, responses={**_ERRORS, 202: {"model": EnqueueResponse}},
             dependencies=[Depends(require_api_key)])
async def generate(request: Request, submission: NoteSubmission, idempotency_key: IdempotencyKey = None
                   ) -> JSONResponse:
    """The original synchronous call: waits up to SYNC_WAIT_SECONDS, else answers 202 with the job id to poll."""
    shared = services(request)
    record = await _enqueue(request, submission, idempotency_key)
    deadline = time.monotonic() + shared.settings.sync_wait_seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(_SYNC_POLL_SECONDS)
        current = await run_in_threadpool(queries.get, shared.db, record.job_id)
        if current is None:
            raise NotFound("Job not found")
        if current.status == "completed":
            view = job_json(current, shared.providers.media)
            return JSONResponse({"success": True, "jobId": current.job_id, "status": current.status,
                                 "podcastId": view["podcastId"], "audioUrl": view["audioUrl"],
                                 "audioDuration": view["audioDuration"], "transcript": view["transcript"],
                                 "job": view})
        if current.status in ("failed", "cancelled"):
            return error_response(500, current.error or f"Generation {current.status}", jobId=current.job_id)
    body = {"success": True, "jobId": record.job_id, "status": "queued",
            "message": "Still generating. Use the jobId to check status."}
    return JSONResponse(body, status_code=202)


@router.get("/jobs/user/{userId}", response_model=JobListResponse, responses=_ERRORS,
            dependencies=[Depends(require_api_key)])
def list_user_jobs(
    request: Request, userId: UserId,  # noqa: N803  (the path segment's public name)
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(description="nextCursor from the previous page", pattern=r"^\d{0,18}$")] = None,
) -> JSONResponse:
    """A user's jobs, newest first."""
    if not is_valid_id(userId):
        raise InputError(f"Invalid request: userId {ID_RULE}", fields={"userId": ID_RULE})
    before = _parse_cursor(cursor)
    shared = services(request)
    page = queries.list_for_user(shared.db, userId, limit + 1, before)
    more = len(page) > limit
    page = page[:limit]
    body = {"success": True, "jobs": [job_json(job, shared.providers.media) for job in page],
            "nextCursor": str(page[-1].seq) if more else None}
    return JSONResponse(body)


@router.get("/jobs/{jobId}", response_model=JobResponse, responses=_ERRORS)
async def get_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """One job's status, progress and, when completed, its audio and transcript."""
    await require_key_for_reads(request)  # called, not a Depends: this route is the polling hot path
    shared = services(request)
    # Many clients poll the same job: a row read a moment ago is served without a thread hop or a query,
    # and its JSON is encoded once per row read.
    record = shared.db.recent(jobId) or await run_in_threadpool(queries.get_for_poller, shared.db, jobId)
    if record is None:
        raise NotFound("Job not found")
    cache: dict[str, tuple[records.JobRecord, bytes]] = request.app.state.encoded_jobs
    encoded = cache.get(jobId)
    if encoded is None or encoded[0] is not record:
        if len(cache) > 10_000:
            cache.clear()
        encoded = cache[jobId] = (record, orjson.dumps({"success": True,
                                                        "job": job_json(record, shared.providers.media)}))
    return Response(encoded[1], media_type="application/json")


@router.get("/{podcastId}", response_model=PodcastResponse, responses=_ERRORS,
            dependencies=[Depends(require_key_for_reads)])
def get_podcast(request: Request, podcastId: PodcastId) -> JSONResponse:  # noqa: N803
    """A stored podcast."""
    shared = services(request)
    podcast = queries.get_podcast(shared.db, podcastId) if len(podcastId) <= 64 else None
    if podcast is None:
        raise NotFound("Podcast not found")
    return JSONResponse({"success": True, "podcast": podcast_json(podcast, shared.providers.media)})


@router.post("/jobs/{jobId}/cancel", response_model=JobResponse, responses={**_ERRORS, 409: {"model": ErrorResponse}},
             dependencies=[Depends(require_api_key)])
def cancel_job(request: Request, jobId: JobId) -> JSONResponse:  # noqa: N803
    """Cancel a queued job at once, or a processing one at its next segment; a finished job is a 409."""
    shared = services(request)
    record = shared.executor.cancel(_known_job_id(jobId))
    return JSONResponse({"success": True, "job": job_json(record, shared.providers.media)})


@router.delete("/jobs/{jobId}", response_model=JobResponse, responses={**_ERRORS, 409: {"model": ErrorResponse}},
               dependencies=[Depends(require_api_key)])
def delete_job(request: Request, jobId: JobId) -> JSONResponse:  # noqa: N803
    """Same as cancel."""
    return cancel_job(request, jobId)


@router.post("/jobs/{jobId}/retry", status_code=202, response_model=EnqueueResponse,
             responses={**_ERRORS, 409: {"model": ErrorResponse}}, dependencies=[Depends(require_api_key)])
def retry_job(request: Request, jobId: JobId) -> JSONResponse:  # noqa: N803
    """Queue a failed or cancelled job again, reusing its checkpoints; other states are a 409."""
    record = services(request).executor.retry(_known_job_id(jobId))
    body = {"success": True, "jobId": record.job_id, "status": record.status,
            "message": "Podcast generation queued again. Use the jobId to check status."}
    return JSONResponse(body, status_code=202)


def _known_job_id(job_id: str) -> str:
    if len(job_id) > 80:
        raise NotFound("Job not found")
    return job_id


def _parse_cursor(cursor: str | None) -> int | None:
    if cursor is None or cursor == "":
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise InputError("Invalid request: cursor is not a value returned as nextCursor",
                         fields={"cursor": "is not a value returned as nextCursor"})
    return int(cursor)
