"""Group commit for enqueues: requests that arrive while the event loop is busy go in together, in one
transaction, so a burst of clients costs one commit per batch instead of per request. With SQLite the batch is
written on the loop itself when no other writer holds the database (see `Database.write_now`), else on the
database's write pool."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Sized
from dataclasses import dataclass, field

from errors import ConflictError, QueueFullError
from store import job_creation
from store.db import Database, WriterBusy


@dataclass
class _Lane:
    """Submissions waiting on one event loop, and the task writing them."""

    waiting: list[tuple[job_creation.Submission, asyncio.Future[job_creation.Created]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None


class EnqueueBatcher:
    """Collects submissions on the event loop and writes them in batches."""

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

    async def _write(self, submissions: list[job_creation.Submission]
                     ) -> list[job_creation.Created | ConflictError | QueueFullError]:
        """On the event loop when the database's writer is free this moment and the notes are not long (the loop
        would spend milliseconds copying them); else on the write pool, waiting its turn there."""
        if sum(len(submission.new.note_content) for submission in submissions) <= _MOST_CHARS_ON_LOOP:
            with contextlib.suppress(WriterBusy):  # another writer has the database, or it is a server database
                return job_creation.create_many_now(self.db, submissions, self.limits)
        return await asyncio.get_running_loop().run_in_executor(
            self.db.write_pool, job_creation.create_many, self.db, submissions, self.limits)

    async def _write_batches(self, lane: _Lane) -> None:
        while lane.waiting:
            await _while_growing(lane.waiting)
            batch, lane.waiting = lane.waiting[:_MOST_PER_BATCH], lane.waiting[_MOST_PER_BATCH:]
            try:
                outcomes = await self._write([s for s, _ in batch])
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


_GATHER_TURNS = 3
_MOST_PER_BATCH = 64  # a batch written on the event loop holds it about 3 ms
_MOST_CHARS_ON_LOOP = 256 * 1024  # characters of notes in one batch written on the loop; more go to the write pool


async def _while_growing(waiting: Sized) -> None:
    """Let the loop turn while submissions keep joining `waiting` (at most `_GATHER_TURNS` turns). Requests read
    from their sockets together reach `submit` over the next turn or two (each await they pass resumes on a later
    turn); waiting for them made batches of 20 connections' requests 20 instead of 7, and each enqueue about a
    tenth cheaper (measured with bench/api_throughput.py's load)."""
    size = -1
    for _ in range(_GATHER_TURNS):
        if len(waiting) == size:
            return
        size = len(waiting)
        await asyncio.sleep(0)
