"""Server-sent events: a job's changes pushed as they happen, instead of polled (`GET …/jobs/{jobId}` stays as
it is). Events come from the database (see pipeline.jobs.watcher), so any replica streams any job.

    event: progress   data: {jobId, status, progress, currentStep}   while it is queued or runs
    event: status     the same, when the status changed (processing, awaiting_review, queued again)
    event: completed  data: the job as GET /api/podcast/jobs/{jobId} shows it
    event: failed     data: {jobId, status, error}
    event: cancelled  data: {jobId, status}

Each event's id numbers the change in the database's change log: a client that reconnects with `Last-Event-ID`
gets every change after that one, in order, and misses none. A comment line every 15 s keeps proxies from
closing a quiet stream.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.types import Message, Send

from api.auth import require_api_key, require_key_for_reads, services
from api.http_limits import StreamSlots
from api.podcasts import JobId, preview_base
from api.schemas import JobView, UserId, encode, errors
from api.schemas.jobs import preview_url
from errors import InputError, NotFound
from pipeline.jobs.submission import ID_RULE, is_valid_id
from pipeline.services import Services
from store import queries
from store.changes import Change
from store.models import JobStatus

router = APIRouter(prefix="/api/podcast/jobs", tags=["events"])

HEARTBEAT_SECONDS = 15
_STREAM: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "A stream of server-sent events"}}
LastEventId = Annotated[str | None, Header(alias="Last-Event-ID", max_length=64, description=(
    "The id of the last event received, to resume after a reconnect without missing a change"))]


class _EventStream(EventSourceResponse):
    """sse-starlette's response without its per-send timer: with no `send_timeout` that timer can never fire,
    yet entering and leaving its cancel scope cost a tenth of the server's work per event with 1,000
    listeners. A stalled client is still noticed by the heartbeat and the disconnect watch."""

    async def _send_with_timeout(self, send: Send, message: Message) -> None:
        if self.send_timeout is not None:
            await super()._send_with_timeout(send, message)
        else:
            await send(message)


class _Encoder:
    """One encoding of each change, framed as an event, however many listeners it goes to."""

    def __init__(self, shared: Services) -> None:
        self.shared = shared
        self.done: dict[tuple[int, str, str], bytes] = {}

    async def __call__(self, change: Change, previous: str | None) -> bytes:
        kind = _kind(change, previous)
        key = (change.seq, change.job_id, kind)
        framed = self.done.get(key)
        if framed is None:
            if len(self.done) > 10_000:
                self.done.clear()
            event = ServerSentEvent(data=await self._data(change, kind), event=kind, id=str(change.seq))
            framed = self.done[key] = event.encode()
        return framed

    async def _data(self, change: Change, kind: str) -> str:
        shared = self.shared
        if kind in (JobStatus.COMPLETED, JobStatus.FAILED):  # the whole job, or its error: read once
            record = await run_in_threadpool(queries.get, shared.db, change.job_id)
            if record is not None and kind == JobStatus.COMPLETED:
                return encode(JobView.of(record, shared.providers.media)).decode()
            return json.dumps({"jobId": change.job_id, "status": change.status,
                               "error": record.error if record is not None else None})
        summary: dict[str, Any] = {"jobId": change.job_id, "status": change.status}
        if kind != JobStatus.CANCELLED:
            summary |= {"progress": change.progress, "currentStep": change.current_step}
            url = preview_url(preview_base(shared), change.job_id, change.status, change.progress)
            if url is not None:
                summary["previewUrl"] = url
        return json.dumps(summary)


def _kind(change: Change, previous: str | None) -> str:
    if change.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED):
        return str(change.status)
    return "status" if previous != change.status else "progress"


async def _framed(encoder: _Encoder, found: list[Change], statuses: dict[str, str]) -> bytes:
    """A batch of changes as one chunk of events; `statuses` holds each job's last status sent, and is updated."""
    frames = []
    for change in found:
        frames.append(await encoder(change, statuses.get(change.job_id)))
        statuses[change.job_id] = change.status
    return b"".join(frames)


def _held(request: Request, stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The stream, counted against its client's open streams (429 past the limit)."""
    slots: StreamSlots = request.app.state.stream_slots
    address = request.client.host if request.client else ""
    slots.claim(address)
    return slots.held(address, stream)


def _encoder(request: Request) -> _Encoder:
    state = request.app.state
    if getattr(state, "event_encoder", None) is None:
        state.event_encoder = _Encoder(services(request))
    encoder: _Encoder = state.event_encoder
    return encoder


@router.get("/{jobId}/events", response_class=EventSourceResponse, responses={**_STREAM, **errors(401, 404, 422, 429)})
async def job_events(request: Request, jobId: JobId, last_event_id: LastEventId = None  # noqa: N803
                     ) -> EventSourceResponse:
    """The job's changes as server-sent events, ending after `completed`, `failed` or `cancelled`."""
    await require_key_for_reads(request)
    shared = services(request)
    if await run_in_threadpool(queries.status_of, shared.db, jobId) is None:
        raise NotFound("Job not found")
    encoder = _encoder(request)
    given = (last_event_id or "").strip()
    after = int(given) if given.isascii() and given.isdecimal() and len(given) < 19 else None

    async def stream() -> AsyncIterator[bytes]:
        statuses: dict[str, str] = {}
        async for found in shared.watcher.job_batches(jobId, after):
            yield await _framed(encoder, found, statuses)

    return _EventStream(_held(request, stream()), ping=HEARTBEAT_SECONDS, headers={"Cache-Control": "no-store"})


@router.get("/user/{userId}/events", response_class=EventSourceResponse, responses={**_STREAM, **errors(401, 422, 429)})
async def user_events(request: Request, userId: UserId) -> EventSourceResponse:  # noqa: N803
    """Every change of every job of the user (those queued later too), as server-sent events, for as long as
    the client listens. Its unfinished jobs come first, as they are now."""
    await require_api_key(request)
    if not is_valid_id(userId):
        raise InputError(f"Invalid request: userId {ID_RULE}", fields={"userId": ID_RULE})
    shared = services(request)
    encoder = _encoder(request)

    async def stream() -> AsyncIterator[bytes]:
        statuses: dict[str, str] = {}
        async for found in shared.watcher.user_batches(userId):
            yield await _framed(encoder, found, statuses)

    return _EventStream(_held(request, stream()), ping=HEARTBEAT_SECONDS, headers={"Cache-Control": "no-store"})
