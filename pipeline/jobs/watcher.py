"""Pushes job changes to whoever listens (server-sent events, the browser's job cards), from the database: so a
replica streams the jobs another replica runs.

One poll per process, however many listen: every quarter second it reads the watched jobs in one query (and
each watched user's recent jobs), and hands each changed row to that job's listeners. A listener that falls
behind keeps only the newest rows: a change is a state, so the latest one says everything earlier ones did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from store import queries
from store.db import Database
from store.models import FINISHED_STATUSES
from store.records import JobRecord

log = logging.getLogger(__name__)

_BACKLOG = 16  # rows kept for a listener that has not read them yet
_USER_JOBS = 20  # a user's newest jobs looked at per poll


def state_of(record: JobRecord) -> str:
    """What a listener has seen of a job, as an event id: its status, progress and step."""
    return f"{record.status}.{record.progress}.{zlib.crc32(record.current_step.encode()) % 10_000}"


@dataclass(eq=False)
class _Listener:
    queue: asyncio.Queue[JobRecord] = field(default_factory=lambda: asyncio.Queue(_BACKLOG))

    def offer(self, record: JobRecord) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # the oldest goes: the newest state includes it
        self.queue.put_nowait(record)


class JobWatcher:
    """Follows jobs and users for listeners on this event loop."""

    def __init__(self, db: Database, every: float = 0.25) -> None:
        self.db, self.every = db, every
        self._by_job: dict[str, set[_Listener]] = defaultdict(set)
        self._by_user: dict[str, set[_Listener]] = defaultdict(set)
        self._seen: dict[str, str] = {}  # job id → the state last handed out
        self._task: asyncio.Task[None] | None = None

    @property
    def listeners(self) -> int:
        """Listeners now (for metrics)."""
        return sum(len(group) for group in self._by_job.values()) + sum(len(g) for g in self._by_user.values())

    async def job(self, job_id: str) -> AsyncIterator[JobRecord]:
        """The job now, then each change, until it is finished (its last state included)."""
        listener = _Listener()
        self._by_job[job_id].add(listener)
        self._ensure_polling()
        try:
            current = await asyncio.to_thread(queries.get, self.db, job_id)
            if current is None:
                return
            yield current
            last = state_of(current)
            while current.status not in FINISHED_STATUSES:
                current = await listener.queue.get()
                if state_of(current) != last:
                    last = state_of(current)
                    yield current
        finally:
            self._leave(self._by_job, job_id, listener)

    async def user(self, user_id: str) -> AsyncIterator[JobRecord]:
        """The user's unfinished jobs now, then each change of any of their jobs (new ones included), as long as
        the caller listens."""
        listener = _Listener()
        self._by_user[user_id].add(listener)
        self._ensure_polling()
        try:
            recent = await asyncio.to_thread(queries.list_for_user, self.db, user_id, _USER_JOBS)
            shown = {record.job_id: state_of(record) for record in recent}
            for record in reversed(recent):
                if record.status not in FINISHED_STATUSES:
                    yield record
            while True:
                record = await listener.queue.get()
                if shown.pop(record.job_id, None) != state_of(record):
                    yield record
        finally:
            self._leave(self._by_user, user_id, listener)

    def _leave(self, groups: dict[str, set[_Listener]], key: str, listener: _Listener) -> None:
        groups[key].discard(listener)
        if not groups[key]:
            del groups[key]

    def _ensure_polling(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll(), name="job-watcher")

    async def _poll(self) -> None:
        while self._by_job or self._by_user:
            try:
                found = await asyncio.to_thread(self._read, list(self._by_job), list(self._by_user))
            except Exception as exc:  # a database hiccup: listeners wait for the next poll, not an error
                log.warning("job watcher could not read the jobs: %s", exc)
                found = []
            for record in found:
                state = state_of(record)
                if self._seen.get(record.job_id) == state:
                    continue
                self._seen[record.job_id] = state
                for listener in [*self._by_job.get(record.job_id, ()), *self._by_user.get(record.user_id, ())]:
                    listener.offer(record)
            await asyncio.sleep(self.every)
        self._seen.clear()

    def _read(self, job_ids: list[str], user_ids: list[str]) -> list[JobRecord]:
        found = queries.get_many(self.db, job_ids) if job_ids else []
        for user_id in user_ids:
            found += queries.list_for_user(self.db, user_id, _USER_JOBS)
        return found

    async def stop(self) -> None:
        """Stop polling (at shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
