"""Pushes job changes to whoever listens (server-sent events, the browser's job cards), from the database's
change log (see store.changes): so a replica streams the jobs another replica runs, every change arrives in
order, and a listener that reconnects resumes after the last change it got.

One poll per process, however many listen: every quarter second it reads the changes logged since the last
poll in one query, and hands each to the listeners of its job and of its user.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from store import changes, queries
from store.changes import Change
from store.db import Database
from store.models import FINISHED_STATUSES
from store.records import JobRecord

log = logging.getLogger(__name__)

_USER_JOBS = 20  # a user's newest jobs shown when their stream starts
# Listeners a change is handed to per turn of the event loop: handed to 1,000 at once, their sends would hold the
# loop (and every request waiting on it) for one long burst; in slices, requests are served in between.
_SLICE = 10
_BACKLOG = 10_000  # changes kept for a listener that has not read them yet (a whole job is a few hundred)


@dataclass(eq=False)
class _Listener:
    queue: asyncio.Queue[Change] = field(default_factory=lambda: asyncio.Queue(_BACKLOG))

    def offer(self, change: Change) -> None:
        if self.queue.full():  # a listener this far behind has stopped reading; it keeps the newest
            self.queue.get_nowait()
        self.queue.put_nowait(change)


def current(record: JobRecord, seq: int) -> Change:
    """A job as it is now, as a change numbered `seq` (the newest logged for it)."""
    return Change(seq, record.job_id, record.user_id, record.status, record.progress, record.current_step)


class JobWatcher:
    """Follows the change log for listeners on this event loop."""

    def __init__(self, db: Database, every: float = 0.25) -> None:
        self.db, self.every = db, every
        self._by_job: dict[str, set[_Listener]] = defaultdict(set)
        self._by_user: dict[str, set[_Listener]] = defaultdict(set)
        self._seen = -1  # the newest change handed out; -1 while no poll runs
        self._floor: int | None = None  # where a starting poll begins: the oldest new listener's starting point
        self._task: asyncio.Task[None] | None = None

    @property
    def listeners(self) -> int:
        """Listeners now."""
        return sum(len(group) for group in self._by_job.values()) + sum(len(g) for g in self._by_user.values())

    async def job(self, job_id: str, after: int | None = None) -> AsyncIterator[Change]:
        """The job's changes until it is finished (its last one included): after change `after` when given (a
        reconnect), else its state now first."""
        listener = _Listener()
        self._by_job[job_id].add(listener)
        try:
            await self._start_from(await asyncio.to_thread(changes.last_seq, self.db))
            if after is None:
                # the change number first, then the row: a change logged in between is newer than the number,
                # so it still comes from the poll (read the other way round, a job finishing in between would
                # be shown unfinished, under the number of its final change, which the poll would then skip)
                newest = await asyncio.to_thread(changes.last_seq, self.db, job_id)
                record = await asyncio.to_thread(queries.get, self.db, job_id)
                if record is None:
                    return
                missed = [current(record, newest)]
            else:
                missed = await asyncio.to_thread(changes.of_job, self.db, job_id, after)
                newest = after
                if not missed:  # nothing since: unless the job has finished meanwhile, wait for its next change
                    status = await asyncio.to_thread(queries.status_of, self.db, job_id)
                    if status is None or status in FINISHED_STATUSES:
                        return
            for change in missed:
                newest = max(newest, change.seq)
                yield change
                if change.status in FINISHED_STATUSES:
                    return
            while True:
                change = await listener.queue.get()
                if change.seq <= newest:
                    continue  # already replayed
                yield change
                if change.status in FINISHED_STATUSES:
                    return
        finally:
            self._leave(self._by_job, job_id, listener)

    async def user(self, user_id: str) -> AsyncIterator[Change]:
        """The user's unfinished jobs as they are now, then every change of any of their jobs (new ones
        included), for as long as the caller listens."""
        listener = _Listener()
        self._by_user[user_id].add(listener)
        try:
            newest = await asyncio.to_thread(changes.last_seq, self.db)
            await self._start_from(newest)
            recent = await asyncio.to_thread(queries.list_for_user, self.db, user_id, _USER_JOBS)
            for record in reversed(recent):
                if record.status not in FINISHED_STATUSES:
                    yield current(record, newest)
            while True:
                change = await listener.queue.get()
                if change.seq > newest:
                    yield change
        finally:
            self._leave(self._by_user, user_id, listener)

    def _leave(self, groups: dict[str, set[_Listener]], key: str, listener: _Listener) -> None:
        groups[key].discard(listener)
        if not groups[key]:
            del groups[key]

    async def _start_from(self, seq: int) -> None:
        """Make sure a poll runs and hands out every change after `seq` (registered listeners see them all: a
        change the running poll has already passed was logged before `seq` was read)."""
        if self._seen < 0:
            self._floor = seq if self._floor is None else min(self._floor, seq)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="job-watcher")

    async def _poll(self) -> None:
        while self._by_job or self._by_user:
            try:
                if self._seen < 0:
                    self._seen, self._floor = self._floor or 0, None
                found = await asyncio.to_thread(changes.after, self.db, self._seen)
            except Exception as exc:  # a database hiccup: listeners wait for the next poll, not an error
                log.warning("job watcher could not read the job changes: %s", exc)
                found = []
            for change in found:
                self._seen = change.seq
                targets = [*self._by_job.get(change.job_id, ()), *self._by_user.get(change.user_id, ())]
                for start in range(0, len(targets), _SLICE):
                    for listener in targets[start:start + _SLICE]:
                        listener.offer(change)
                    if len(targets) > _SLICE:
                        await asyncio.sleep(0)
            await asyncio.sleep(self.every)
        self._seen, self._floor = -1, None

    async def stop(self) -> None:
        """Stop polling (at shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
