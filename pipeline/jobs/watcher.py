"""Pushes job changes to whoever listens (server-sent events, the browser's job cards), from the database's
change log (see store.changes): so a replica streams the jobs another replica runs, every change arrives in
order, and a listener that reconnects resumes after the last change it got.

One poll per process, however many listen: every quarter second it reads the changes logged since the last
poll in one query, and hands each to the listeners of its job and of its user. A listener gets the changes of
one poll together, so a stream writes them to its client at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
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
    """Changes handed to one listener and not yet taken, and its wait for more."""

    # a listener this far behind has stopped reading; it keeps the newest
    pending: deque[Change] = field(default_factory=lambda: deque(maxlen=_BACKLOG))
    waiter: asyncio.Future[None] | None = None

    def offer(self, found: list[Change]) -> None:
        self.pending.extend(found)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def taken(self) -> list[Change]:
        """Every change handed over since the last call; waits for one when there are none."""
        while not self.pending:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        found = list(self.pending)
        self.pending.clear()
        return found


def _until_finished(found: list[Change]) -> list[Change]:
    """The changes up to and including the first that finishes the job."""
    for index, change in enumerate(found):
        if change.status in FINISHED_STATUSES:
            return found[:index + 1]
    return found


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

    async def job_batches(self, job_id: str, after: int | None = None) -> AsyncIterator[list[Change]]:
        """The job's changes until it is finished (its last one included): after change `after` when given (a
        reconnect), else its state now first. In batches: the changes that came together, so a stream writes
        them at once and a page redraws once."""
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
                found = [current(record, newest)]
            else:
                found = await asyncio.to_thread(changes.of_job, self.db, job_id, after)
                newest = after
                if not found:  # nothing since: unless the job has finished meanwhile, wait for its next change
                    status = await asyncio.to_thread(queries.status_of, self.db, job_id)
                    if status is None or status in FINISHED_STATUSES:
                        return
            while True:
                fresh = _until_finished(found)
                if fresh:
                    newest = max(newest, fresh[-1].seq)
                    yield fresh
                    if fresh[-1].status in FINISHED_STATUSES:
                        return
                found = [change for change in await listener.taken() if change.seq > newest]  # not replayed
        finally:
            self._leave(self._by_job, job_id, listener)

    async def user_batches(self, user_id: str) -> AsyncIterator[list[Change]]:
        """The user's unfinished jobs as they are now, then every change of any of their jobs (new ones
        included), for as long as the caller listens; in batches, as in `job_batches`."""
        listener = _Listener()
        self._by_user[user_id].add(listener)
        try:
            newest = await asyncio.to_thread(changes.last_seq, self.db)
            await self._start_from(newest)
            recent = await asyncio.to_thread(queries.list_for_user, self.db, user_id, _USER_JOBS)
            unfinished = [current(record, newest) for record in reversed(recent)
                          if record.status not in FINISHED_STATUSES]
            if unfinished:
                yield unfinished
            while True:
                fresh = [change for change in await listener.taken() if change.seq > newest]
                if fresh:
                    yield fresh
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
            if found:
                self._seen = found[-1].seq
            # each listener is handed all of its changes from this poll at once: one wake-up and one write each
            mine: dict[_Listener, list[Change]] = {}
            for change in found:
                for listener in (*self._by_job.get(change.job_id, ()), *self._by_user.get(change.user_id, ())):
                    mine.setdefault(listener, []).append(change)
            handed = list(mine.items())
            for start in range(0, len(handed), _SLICE):
                for listener, theirs in handed[start:start + _SLICE]:
                    listener.offer(theirs)
                if len(handed) > _SLICE:
                    await asyncio.sleep(0)
            await asyncio.sleep(self.every)
        self._seen, self._floor = -1, None

    async def stop(self) -> None:
        """Stop polling (at shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
