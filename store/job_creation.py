"""Job creation: queueing a job, with its idempotency key and the queue limits checked in the same transaction
(creating a row moves no job between statuses; that is `store.jobs`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, literal, or_, select

from errors import ConflictError, NotFound, PreconditionFailed, QueueFullError
from store.db import Database, cursor
from store.models import JobStatus, jobs_table, podcasts_table
from store.queries import get
from store.records import JobRecord, NewJob, new_job_id, utcnow

ENQUEUE_LOCK = 7_240_917  # PostgreSQL advisory lock that serialises enqueues, so limits hold under races
_QUEUED, _PROCESSING = JobStatus.QUEUED.value, JobStatus.PROCESSING.value


@dataclass(frozen=True)
class QueueLimits:
    """Back-pressure: jobs waiting in all, and jobs waiting or running per user."""

    max_queue: int = 500
    max_per_user: int = 5
    retry_after_seconds: int = 30


@dataclass(frozen=True)
class Created:
    """A created job, or the original one when an idempotency key was replayed."""

    record: JobRecord
    replayed: bool = False


@dataclass(frozen=True)
class Submission:
    """One request to queue a job, with its idempotency key if any."""

    new: NewJob
    idempotency_key: str | None = None
    request_hash: str | None = None


def create(db: Database, new: NewJob, *, limits: QueueLimits | None = None, idempotency_key: str | None = None,
           request_hash: str | None = None) -> Created:
    """Queue a job; the row is committed when this returns."""
    [outcome] = create_many(db, [Submission(new, idempotency_key, request_hash)], limits)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def create_many(db: Database, submissions: list[Submission], limits: QueueLimits | None = None
                ) -> list[Created | ConflictError | QueueFullError]:
    """Queue several jobs in one transaction (group commit), each checked against its key and the limits in turn,
    as if they had come one by one. A refused submission gets its error; the others go ahead. Precompiled
    statements on the driver's cursor: enqueueing is a hot path."""
    with cursor(db, write=True) as cur:
        return _create_batch(db, cur, submissions, limits)


def create_many_now(db: Database, submissions: list[Submission], limits: QueueLimits | None = None
                    ) -> list[Created | ConflictError | QueueFullError]:
    """`create_many` on the calling thread, never waiting for another writer: raises store.db.WriterBusy, having
    written nothing, when SQLite's writer is taken (or the database is not SQLite). See `Database.write_now`."""
    with db.write_now() as cur:
        return _create_batch(db, cur, submissions, limits)


def _create_batch(db: Database, cur: Any, submissions: list[Submission], limits: QueueLimits | None
                  ) -> list[Created | ConflictError | QueueFullError]:
    outcomes: list[Created | ConflictError | QueueFullError] = []
    by_key: dict[str, tuple[str | None, JobRecord]] = {}
    if not db.is_sqlite:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (ENQUEUE_LOCK,))
    # On SQLite every writer holds the database's one write lock for its whole transaction, so the queue's span,
    # read once, moves only by this batch's own inserts. On a server database a job may be queued meanwhile
    # without the advisory lock (approved after review, re-queued by recovery): the span is read per job.
    span = _QueueSpan.read(db, cur) if limits and db.is_sqlite else None
    for submission in submissions:
        try:
            outcomes.append(_create_one(db, cur, submission, limits, span, by_key))
        except (ConflictError, QueueFullError) as refused:
            outcomes.append(refused)
    return outcomes


def _create_one(db: Database, cur: Any, submission: Submission, limits: QueueLimits | None,
                span: _QueueSpan | None, by_key: dict[str, tuple[str | None, JobRecord]]) -> Created:
    key, digest, new = submission.idempotency_key, submission.request_hash, submission.new
    if key:
        seen = by_key.get(key)
        if seen is None:
            row = db.prepared("job_by_key", _by_key).run(cur, key=key).fetchone()
            if row is not None:
                replayed = get(db, row[0])
                assert replayed is not None
                seen = by_key[key] = (row[1], replayed)
        if seen is not None:
            if seen[0] != digest:
                raise ConflictError("This Idempotency-Key was already used with a different request body")
            return Created(seen[1], replayed=True)
    if limits:
        _check_user(db, cur, new.user_id, limits)
        (span or _QueueSpan.read(db, cur)).check(db, cur, limits)
    job_id, created_at = new_job_id(), utcnow()
    values = {"job_id": job_id, "user_id": new.user_id, "note_id": new.note_id,
              "note_content": new.note_content, "title": new.title, "duration": new.duration, "status": _QUEUED,
              # straight to the driver (see Prepared), so the JSON columns get their text
              "hosts": None if new.hosts is None else json.dumps(new.hosts), "language": new.language,
              "format": new.format, "focus": new.focus,
              "notices": json.dumps(new.notices) if new.notices else None, "review": new.review or None,
              "callback_url": new.callback_url,
              "progress": 0, "current_step": "Queued", "attempts": 0, "idempotency_key": key,
              "request_hash": digest, "created_at": created_at}
    seq = db.prepared("insert_job", _insert).run(cur, **values).fetchone()[0]
    if span is not None:
        span.added(seq)
    record = JobRecord(seq=seq, job_id=job_id, user_id=new.user_id, note_id=new.note_id, title=new.title,
                       duration=new.duration, status=_QUEUED, progress=0, current_step="Queued", error=None,
                       podcast_id=None, target_words=None, script_words=None, created_at=created_at,
                       started_at=None, completed_at=None, attempts=0, hosts=new.hosts, language=new.language,
                       format=new.format, focus=new.focus, notices=new.notices or None, review=new.review or None)
    if key:
        by_key[key] = (digest, record)
    return Created(record)


def create_edit(db: Database, new: NewJob, podcast_id: str, based_on: int, script: dict[str, Any],
                limits: QueueLimits | None = None) -> JobRecord:
    """Queue the re-voicing of an edited script as the episode's next version. 412 when `based_on` is no longer
    its version (someone else's edit landed first), 409 while another edit of it is still being voiced."""
    with db.write() as conn:
        if not db.is_sqlite:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (ENQUEUE_LOCK,))
        found = conn.execute(select(podcasts_table.c.version).where(podcasts_table.c.podcast_id == podcast_id)).first()
        if found is None:
            raise NotFound("Podcast not found")
        if (found[0] or 1) != based_on:
            raise PreconditionFailed("The episode was edited since you read its script (If-Match is stale): "
                                     "read it again")
        busy = conn.execute(select(jobs_table.c.job_id).where(
            jobs_table.c.podcast_id == podcast_id, jobs_table.c.edit_version.is_not(None),
            jobs_table.c.status.in_((_QUEUED, _PROCESSING))).limit(1)).first()
        if busy is not None:
            raise ConflictError(f"An edit of this episode is still being voiced (job {busy[0]}); wait for it")
        if limits:
            check_limits(db, conn.connection.cursor(), new.user_id, limits)
        job_id = new_job_id()
        conn.execute(insert(jobs_table).values(
            job_id=job_id, user_id=new.user_id, note_id=new.note_id, note_content=new.note_content,
            title=new.title, duration=new.duration, status=_QUEUED, progress=0, current_step="Queued (edited script)",
            attempts=0, hosts=new.hosts, language=new.language, format=new.format, focus=new.focus,
            podcast_id=podcast_id, edit_version=based_on + 1, script=script, created_at=utcnow()))
    record = get(db, job_id)
    assert record is not None
    return record


def _by_key() -> Any:
    return select(jobs_table.c.job_id, jobs_table.c.request_hash).where(
        jobs_table.c.idempotency_key == bindparam("key"))


def _insert() -> Any:
    columns = ("job_id", "user_id", "note_id", "note_content", "title", "duration", "status", "progress",
               "current_step", "attempts", "idempotency_key", "request_hash", "created_at", "hosts", "language",
               "format", "focus", "notices", "review", "callback_url")
    return insert(jobs_table).values({name: bindparam(name) for name in columns}).returning(jobs_table.c.seq)


def _queued_up_to() -> Any:
    waiting = select(literal(1)).where(jobs_table.c.status == _QUEUED).limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(waiting)


def _queued_end(order: Any) -> Any:
    return select(jobs_table.c.seq).where(jobs_table.c.status == _QUEUED).order_by(order).limit(1)


def _open_for_user() -> Any:
    # or_, not in_: an IN list is expanded per call, which a precompiled statement cannot do
    mine = select(literal(1)).where(jobs_table.c.user_id == bindparam("user_id"),
                                    or_(jobs_table.c.status == _QUEUED, jobs_table.c.status == _PROCESSING))
    return select(func.count()).select_from(mine.limit(bindparam("cap")).subquery())


def check_limits(db: Database, cur: Any, user_id: str, limits: QueueLimits) -> None:
    """QueueFullError when the user or the queue is at its limit (counted on the caller's cursor)."""
    _check_user(db, cur, user_id, limits)
    _QueueSpan.read(db, cur).check(db, cur, limits)


def _check_user(db: Database, cur: Any, user_id: str, limits: QueueLimits) -> None:
    # the count stops at the limit, so a long history does not slow every enqueue down
    mine = db.prepared("open_for_user", _open_for_user).run(cur, user_id=user_id, cap=limits.max_per_user).fetchone()[0]
    if mine >= limits.max_per_user:
        raise QueueFullError(f"This user already has {mine} jobs waiting or running (limit {limits.max_per_user}). "
                             "Please wait for one to finish.", retry_after=limits.retry_after_seconds)


@dataclass
class _QueueSpan:
    """The lowest and highest seq of the queued jobs. Their difference bounds the queue's length from above and
    costs two index probes, so the queue is counted only when it might really be full."""

    first: int | None
    last: int | None

    @classmethod
    def read(cls, db: Database, cur: Any) -> _QueueSpan:
        first = db.prepared("first_queued", lambda: _queued_end(jobs_table.c.seq)).run(cur).fetchone()
        last = db.prepared("last_queued", lambda: _queued_end(jobs_table.c.seq.desc())).run(cur).fetchone()
        return cls(None if first is None else first[0], None if last is None else last[0])

    def added(self, seq: int) -> None:
        """A job was just queued with `seq` (the highest yet)."""
        self.first = seq if self.first is None else self.first
        self.last = seq

    def check(self, db: Database, cur: Any, limits: QueueLimits) -> None:
        """QueueFullError when the queue holds `limits.max_queue` jobs."""
        if self.first is None or self.last is None or self.last - self.first + 1 < limits.max_queue:
            return
        waiting = db.prepared("queued_up_to", _queued_up_to).run(cur, cap=limits.max_queue).fetchone()[0]
        if waiting >= limits.max_queue:
            raise QueueFullError(f"The queue is full ({waiting} jobs waiting). Please try again later.",
                                 retry_after=limits.retry_after_seconds)
