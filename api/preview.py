"""`GET /api/podcast/jobs/{jobId}/preview`: the episode as far as it is voiced, streamed as it grows (see
pipeline.audio.preview), so a listener can start before the job completes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.auth import require_key_for_reads, services
from api.http_limits import StreamSlots
from api.podcasts import JobId
from api.schemas import errors
from errors import NotFound
from pipeline.audio.preview import (
    PREVIEW_AUDIO,
    PREVIEW_BYTES_PER_SECOND,
    PREVIEW_CONTENT_TYPE,
    PREVIEW_DONE,
    PREVIEW_WANTED,
)
from pipeline.services import Services
from store import queries
from store.models import JobStatus

router = APIRouter(prefix="/api/podcast/jobs", tags=["podcast"])

_CHUNK = 64 * 1024
_POLL_SECONDS = 0.2
_STATUS_EVERY_SECONDS = 1.0
_APPEAR_SECONDS = 10.0  # a job that has just started voicing writes its first preview bytes within this


@router.get("/{jobId}/preview", response_class=StreamingResponse, responses={
    200: {"content": {PREVIEW_CONTENT_TYPE: {}}, "description": "MP3, sent as it is voiced"},
    **errors(401, 404, 422, 429)})
async def preview(request: Request, jobId: JobId) -> StreamingResponse:  # noqa: N803
    """While a job is voicing (its JSON has `previewUrl`): the episode so far, as an MP3 that grows until the
    voicing ends, like a live stream. A player that reaches the end of what exists waits for more. The
    mastered file replaces it when the job completes (`audioUrl`)."""
    await require_key_for_reads(request)
    shared = services(request)
    folder = shared.executor.work_root / jobId
    if not await _appears(shared, jobId, folder / PREVIEW_AUDIO):
        raise NotFound("This job has no preview: it is not being voiced on this server")
    slots: StreamSlots = request.app.state.stream_slots
    address = request.client.host if request.client else ""
    slots.claim(address)
    return StreamingResponse(slots.held(address, _follow(request, jobId, folder)), media_type=PREVIEW_CONTENT_TYPE,
                             headers={"Cache-Control": "no-store"})


async def _appears(shared: Services, job_id: str, path: Path) -> bool:
    """Whether the job has a preview, once it holds a second of audio: a player handed the MP3's first frames alone
    (the encoder writes them the moment it starts) plays them out before this server looks for more."""
    if await run_in_threadpool(queries.status_of, shared.db, job_id) != JobStatus.PROCESSING:
        return False
    deadline = time.monotonic() + _APPEAR_SECONDS
    while _size(path) < PREVIEW_BYTES_PER_SECOND:
        if (path.parent / PREVIEW_DONE).exists():  # the voicing ended: the preview is whole, or none was made
            return path.is_file()
        if not path.is_file():  # the worker encodes a preview only once someone asks (see pipeline.audio.preview)
            with contextlib.suppress(OSError):  # the job's folder is not there (yet, or any more)
                (path.parent / PREVIEW_WANTED).touch()
        if time.monotonic() > deadline:  # a slow voice: what there is, if anything
            return path.is_file()
        await asyncio.sleep(_POLL_SECONDS)
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # not written yet
        return 0


async def _follow(request: Request, job_id: str, folder: Path) -> AsyncIterator[bytes]:
    """The preview's bytes from the start, then each new piece as it is written, until it is whole (or the
    job ended, or the listener left)."""
    db = services(request).db
    checked = time.monotonic()
    with (folder / PREVIEW_AUDIO).open("rb") as audio:  # stays readable if the job's folder is removed
        while True:
            chunk = audio.read(_CHUNK)
            if chunk:
                yield chunk
                continue
            if (folder / PREVIEW_DONE).exists():
                if not (rest := audio.read()):
                    return
                yield rest
                return
            if await request.is_disconnected():
                return
            if time.monotonic() - checked > _STATUS_EVERY_SECONDS:
                checked = time.monotonic()
                if await run_in_threadpool(queries.status_of, db, job_id) != JobStatus.PROCESSING:
                    if rest := audio.read():
                        yield rest
                    return
            await asyncio.sleep(_POLL_SECONDS)
