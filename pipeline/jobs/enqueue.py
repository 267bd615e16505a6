"""Group commit for enqueues: requests that arrive while the database writer is busy go in together, in one
transaction, so a burst of clients costs one hand-off and one commit per batch instead of per request."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from store import job_creation
from store.db import Database


@dataclass
class _Lane:
    """Submissions waiting on one event loop, and the task writing them."""

    waiting: list[tuple[job_creation.Submission, asyncio.Future[job_creation.Created]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


class EnqueueBatcher:
    """Collects submissions on the event loop and writes them in batches on the database's write pool."""

    def __init__(self, db: Database, limits: job_creation.QueueLimits) -> None:
        self.db, self.limits = db, limits
        # one lane per event loop (a server has one; test clients may start several)
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = weakref.WeakKeyDictionary()

    async def submit(self, submission: job_creation.Submission) -> job_creation.Created:
        """Queue one job; returns once its row is committed (or raises why it was refused)."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.setdefault(loop, _Lane())
        future: asyncio.Future[job_creation.Created] = loop.create_future()
        lane.waiting.append((submission, future))
        if lane.task is None or lane.task.done():
            lane.task = loop.create_task(self._write_batches(lane))
        return await future

    async def _write_batches(self, lane: _Lane) -> None:
        loop = asyncio.get_running_loop()
        while lane.waiting:
            batch, lane.waiting = lane.waiting, []
            try:
                outcomes = await loop.run_in_executor(
                    self.db.write_pool, job_creation.create_many, self.db, [s for s, _ in batch], self.limits)
            except Exception as failure:  # the whole transaction failed: every caller in it hears why
                for _, future in batch:
                    if not future.done():
                        future.set_exception(failure)
                continue
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
