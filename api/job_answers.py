"""A job's answer for its pollers, made once however many ask at the same moment.

Pollers of one job tend to arrive together (they started together, and each waits the same interval after its
answer). When the recently-read row (see `Database.recent`) has gone stale, or the job has moved on, every poll
arriving before a fresh answer is ready would make one of its own: with 50 pollers, 50 reads of the row, 50
queue-position and ETA queries and 50 encodings, on as many worker threads, and the last poll of the burst
answered tens of milliseconds late. Here a poll that finds that work on its way waits for it instead.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from fastapi.concurrency import run_in_threadpool

from api.schemas import JobResponse, JobView, encode
from pipeline.jobs.eta import eta_seconds
from pipeline.services import Services
from store import queries
from store.models import JobStatus
from store.records import JobRecord

T = TypeVar("T")
_ENCODED_LIMIT = 10_000


class InFlight(Generic[T]):
    """Work in progress by key: a caller asking for work already on its way waits for it."""

    def __init__(self) -> None:
        self._running: dict[Hashable, tuple[float, asyncio.Future[T]]] = {}

    async def join(self, key: Hashable, start: Callable[[], Awaitable[T]], begun_after: float = 0.0) -> T:
        """The result of the work on its way for `key` if it began after `begun_after`, else of `start()`."""
        found = self._running.get(key)
        if found is None or found[0] < begun_after:
            found = (time.monotonic(), asyncio.ensure_future(start()))
            self._running[key] = found
            found[1].add_done_callback(functools.partial(self._forget, key, found))
        # shielded: a poller that hangs up must not cancel the work the others wait for
        return await asyncio.shield(found[1])

    def _forget(self, key: Hashable, entry: tuple[float, asyncio.Future[T]], _done: asyncio.Future[T]) -> None:
        if self._running.get(key) is entry:
            del self._running[key]


class JobAnswers:
    """The encoded answer to `GET /api/podcast/jobs/{jobId}`, on one event loop."""

    def __init__(self, shared: Services, preview_base: str | None) -> None:
        self.shared, self.preview_base = shared, preview_base
        self._reads: InFlight[JobRecord | None] = InFlight()
        self._encodings: InFlight[bytes] = InFlight()
        # job id → (the record it was made from, its encoded answer), reused only while that very record is served
        self._encoded: dict[str, tuple[JobRecord, bytes]] = {}

    async def answer(self, job_id: str) -> bytes | None:
        """The job as JSON, or None when there is no such job."""
        db = self.shared.db
        # A read begun before this process's last write might miss what the caller itself just wrote.
        record = db.recent(job_id) or await self._reads.join(
            job_id, lambda: run_in_threadpool(queries.get_for_poller, db, job_id), begun_after=db.last_write)
        if record is None:
            return None
        encoded = self._encoded.get(job_id)
        if encoded is not None and encoded[0] is record:
            return encoded[1]
        return await self._encodings.join((job_id, id(record)), lambda: self._encode(record))

    async def _encode(self, record: JobRecord) -> bytes:
        position = eta = None
        if record.status in (JobStatus.QUEUED, JobStatus.PROCESSING):
            position, eta = await run_in_threadpool(self._wait_of, record)
        encoded = encode(JobResponse(job=JobView.of(record, self.shared.providers.media, position, eta,
                                                    self.preview_base)))
        if len(self._encoded) >= _ENCODED_LIMIT:
            self._encoded.clear()
        self._encoded[record.job_id] = (record, encoded)
        return encoded

    def _wait_of(self, record: JobRecord) -> tuple[int | None, int | None]:
        """Queue position and ETA of an unfinished job."""
        shared = self.shared
        position = queries.queue_position(shared.db, record) or None
        return position, eta_seconds(shared.db, shared.providers, shared.executor.mix, record)
