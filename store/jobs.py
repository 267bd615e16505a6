"""Job creation and the only code that changes a job's status.

    queued → processing → completed | failed
    queued | processing → cancelled        (cancel)
    failed | cancelled → queued            (retry)
    processing → queued                    (shutdown or a dead worker; attempts are counted)

Every write runs in one `Database.write()` transaction and guards on the current status, so two workers or a
worker and a cancel can never both move the same job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, literal, or_, select, update

from errors import ConflictError, NotFound, PreconditionFailed, QueueFullError
from store.db import Database, cursor
from store.models import (
    FINISHED_STATUSES,
    PRUNABLE_STATUSES,
    RETRYABLE_STATUSES,
    JobStatus,
    health_table,
    jobs_table,
    podcasts_table,
)
from store.queries import get
from store.records import ClaimedJob, FinishedEpisode, JobRecord, NewJob, new_job_id, new_podcast_id, utcnow

RESTARTED_ERROR = "Notecast stopped while this job was running. Please submit the note again."
_ENQUEUE_LOCK = 7_240_917  # PostgreSQL advisory lock that serialises enqueues, so limits hold under races
_QUEUED, _PROCESSING = JobStatus.QUEUED.value, JobStatus.PROCESSING.value
_AWAITING = JobStatus.AWAITING_REVIEW.value


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
    outcomes: list[Created | ConflictError | QueueFullError] = []
    by_key: dict[str, tuple[str | None, JobRecord]] = {}
    with cursor(db, write=True) as cur:
        if not db.is_sqlite:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ENQUEUE_LOCK,))
        for submission in submissions:
            try:
                outcomes.append(_create_one(db, cur, submission, limits, by_key))
            except (ConflictError, QueueFullError) as refused:
                outcomes.append(refused)
    return outcomes


def _create_one(db: Database, cur: Any, submission: Submission, limits: QueueLimits | None,
                by_key: dict[str, tuple[str | None, JobRecord]]) -> Created:
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
        _check_limits(db, cur, new.user_id, limits)
    values = {"job_id": new_job_id(), "user_id": new.user_id, "note_id": new.note_id,
              "note_content": new.note_content, "title": new.title, "duration": new.duration, "status": _QUEUED,
              # straight to the driver (see Prepared), so the JSON column gets its text
              "hosts": None if new.hosts is None else json.dumps(new.hosts), "language": new.language,
              "format": new.format, "focus": new.focus,
              "notices": json.dumps(new.notices) if new.notices else None, "review": new.review or None,
              "progress": 0, "current_step": "Queued", "attempts": 0, "idempotency_key": key,
              "request_hash": digest, "created_at": utcnow()}
    seq = db.prepared("insert_job", _insert).run(cur, **values).fetchone()[0]
    record = JobRecord(seq=seq, **{k: values[k] for k in _RECORD_FIELDS},  # type: ignore[arg-type]
                       review=new.review or None, hosts=new.hosts, notices=new.notices or None, focus=new.focus,
                       podcast_id=None, error=None,
                       target_words=None, script_words=None, started_at=None, completed_at=None)
    if key:
        by_key[key] = (digest, record)
    return Created(record)


_RECORD_FIELDS = ("job_id", "user_id", "note_id", "title", "duration", "status", "progress", "current_step",
                  "created_at", "attempts", "language", "format")


def _by_key() -> Any:
    return select(jobs_table.c.job_id, jobs_table.c.request_hash).where(
        jobs_table.c.idempotency_key == bindparam("key"))


def _insert() -> Any:
    columns = ("job_id", "user_id", "note_id", "note_content", "title", "duration", "status", "progress",
               "current_step", "attempts", "idempotency_key", "request_hash", "created_at", "hosts", "language",
               "format", "focus", "notices", "review")
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


def _check_limits(db: Database, cur: Any, user_id: str, limits: QueueLimits) -> None:
    # both counts stop at their limit, so a long history or queue does not slow every enqueue down
    mine = db.prepared("open_for_user", _open_for_user).run(cur, user_id=user_id, cap=limits.max_per_user).fetchone()[0]
    if mine >= limits.max_per_user:
        raise QueueFullError(f"This user already has {mine} jobs waiting or running (limit {limits.max_per_user}). "
                             "Please wait for one to finish.", retry_after=limits.retry_after_seconds)
    # The span of queued seq numbers bounds their count from above and costs two index probes, so the count
    # itself runs only when the queue might really be full.
    first = db.prepared("first_queued", lambda: _queued_end(jobs_table.c.seq)).run(cur).fetchone()
    last = db.prepared("last_queued", lambda: _queued_end(jobs_table.c.seq.desc())).run(cur).fetchone()
    if first is None or last[0] - first[0] + 1 < limits.max_queue:
        return
    waiting = db.prepared("queued_up_to", _queued_up_to).run(cur, cap=limits.max_queue).fetchone()[0]
    if waiting >= limits.max_queue:
        raise QueueFullError(f"The queue is full ({waiting} jobs waiting). Please try again later.",
                             retry_after=limits.retry_after_seconds)


def claim_next(db: Database) -> ClaimedJob | None:
    """Atomically move the oldest queued job to processing and return it (None when the queue is empty)."""
    oldest = select(jobs_table.c.seq).where(jobs_table.c.status == _QUEUED).order_by(jobs_table.c.seq).limit(1)
    if not db.is_sqlite:
        # SQLite's BEGIN IMMEDIATE already serialises claimers; elsewhere, skip rows another worker holds.
        oldest = oldest.with_for_update(skip_locked=True)
    now = utcnow()
    statement = (
        update(jobs_table)
        .where(jobs_table.c.seq == oldest.scalar_subquery(), jobs_table.c.status == _QUEUED)
        .values(status=_PROCESSING, started_at=now, heartbeat_at=now, progress=1, current_step="Starting...",
                attempts=jobs_table.c.attempts + 1,
                # a resumed job keeps its podcast id, so its result is the same podcast
                podcast_id=func.coalesce(jobs_table.c.podcast_id, new_podcast_id()))
        .returning(jobs_table.c.job_id, jobs_table.c.podcast_id, jobs_table.c.user_id, jobs_table.c.note_id,
                   jobs_table.c.note_content, jobs_table.c.title, jobs_table.c.duration, jobs_table.c.attempts,
                   jobs_table.c.hosts, jobs_table.c.language, jobs_table.c.format, jobs_table.c.focus,
                   jobs_table.c.review, jobs_table.c.script)
    )
    with db.write() as conn:
        row = conn.execute(statement).mappings().first()
    return ClaimedJob(**row) if row else None


def report_progress(db: Database, job_id: str, progress: int, step: str) -> None:
    """Record progress of a processing job (never backwards); doubles as a heartbeat."""
    highest = func.max if db.is_sqlite else func.greatest
    statement = (update(jobs_table).where(jobs_table.c.job_id == job_id, jobs_table.c.status == _PROCESSING)
                 .values(progress=highest(jobs_table.c.progress, progress), current_step=step[:200],
                         heartbeat_at=utcnow()))
    with db.write() as conn:
        conn.execute(statement)


def heartbeat(db: Database, job_ids: list[str]) -> None:
    """Mark running jobs as alive."""
    if job_ids:
        with db.write() as conn:
            conn.execute(update(jobs_table).where(jobs_table.c.job_id.in_(job_ids), jobs_table.c.status == _PROCESSING)
                         .values(heartbeat_at=utcnow()))


def record_script(db: Database, job_id: str, target_words: int, script_words: int, notices: list[str]) -> None:
    """Store the script's target and actual length, and what the listener should be told about it (added to
    the notices given at enqueue, each once)."""
    with db.write() as conn:
        given = conn.execute(select(jobs_table.c.notices).where(jobs_table.c.job_id == job_id)).scalar()
        merged = list(dict.fromkeys([*(given or []), *notices]))
        conn.execute(update(jobs_table).where(jobs_table.c.job_id == job_id)
                     .values(target_words=target_words, script_words=script_words, notices=merged or None))


def record_segments(db: Database, job_id: str, total: int, cached: int) -> None:
    """Store how many segments the job had and how many came from the cache."""
    with db.write() as conn:
        conn.execute(update(jobs_table).where(jobs_table.c.job_id == job_id)
                     .values(segments_total=total, segments_cached=cached))


def complete(db: Database, job: ClaimedJob, episode: FinishedEpisode) -> bool:
    """Store the podcast and mark the job completed, in one transaction. False if the job was no longer running."""
    with db.write() as conn:
        # the attempt must match too: a worker from an earlier, interrupted attempt must not complete a resumed job
        moved = conn.execute(
            update(jobs_table).where(jobs_table.c.job_id == job.job_id, jobs_table.c.status == _PROCESSING,
                                     jobs_table.c.attempts == job.attempts)
            .values(status=JobStatus.COMPLETED.value, progress=100, current_step="Completed", completed_at=utcnow())
        ).rowcount
        if not moved:
            return False
        conn.execute(delete(podcasts_table).where(podcasts_table.c.podcast_id == job.podcast_id))
        conn.execute(insert(podcasts_table).values(
            podcast_id=job.podcast_id, job_id=job.job_id, user_id=job.user_id, note_id=job.note_id,
            title=episode.title, duration=job.duration, audio_key=episode.audio_key,
            audio_bytes=episode.audio_bytes, audio_duration=episode.audio_duration,
            transcript=episode.transcript, files=episode.files, loudness=episode.loudness, hosts=job.hosts,
            language=job.language, format=job.format, focus=job.focus, note_excerpt=episode.note_excerpt or None,
            created_at=utcnow()))
    return True


def await_review(db: Database, job: ClaimedJob, script: dict[str, Any], progress: int) -> bool:
    """The script is written and the job asked for review: park it (the executor takes other jobs) until it is
    approved. False if the job was no longer this attempt's to move."""
    with db.write() as conn:
        return bool(conn.execute(
            update(jobs_table).where(jobs_table.c.job_id == job.job_id, jobs_table.c.status == _PROCESSING,
                                     jobs_table.c.attempts == job.attempts)
            .values(status=_AWAITING, script=script, script_version=1, progress=progress,
                    current_step="Waiting for your review", heartbeat_at=None)).rowcount)


def replace_script(db: Database, job_id: str, script: dict[str, Any], expected_version: int) -> int:
    """Store an edited script while the job awaits review; its new version. 409 in another state, 412 when
    someone else saved a newer version first."""
    with db.write() as conn:
        row = conn.execute(select(jobs_table.c.status, jobs_table.c.script_version)
                           .where(jobs_table.c.job_id == job_id)).first()
        if row is None:
            raise NotFound("Job not found")
        if row[0] != _AWAITING:
            raise ConflictError(f"Job is {row[0]}; its script can be changed only while it awaits review")
        if (row[1] or 0) != expected_version:
            raise PreconditionFailed("The script was changed since you read it (If-Match is stale): read it again")
        conn.execute(update(jobs_table).where(jobs_table.c.job_id == job_id)
                     .values(script=script, script_version=expected_version + 1))
    return expected_version + 1


def approve(db: Database, job_id: str) -> JobRecord:
    """Queue a reviewed job for voicing, with its (possibly edited) script."""
    return _transition(db, job_id, (_AWAITING,), {"status": _QUEUED, "current_step": "Queued (script approved)",
                                                  "attempts": 0},
                       "Job is {status}; only a job awaiting review can be approved")


def fail(db: Database, job_id: str, error: str) -> bool:
    """Mark a queued or processing job failed with a readable error. False if it had already finished."""
    statement = (update(jobs_table).where(jobs_table.c.job_id == job_id, jobs_table.c.status.notin_(FINISHED_STATUSES))
                 .values(status=JobStatus.FAILED.value, error=error, current_step="Failed", completed_at=utcnow()))
    with db.write() as conn:
        return bool(conn.execute(statement).rowcount)


def requeue(db: Database, job_id: str, *, count_attempt: bool = False) -> bool:
    """Put a processing job back at the front of the queue. A graceful shutdown does not use up an attempt."""
    highest = func.max if db.is_sqlite else func.greatest
    attempts = jobs_table.c.attempts if count_attempt else highest(jobs_table.c.attempts - 1, 0)
    statement = (update(jobs_table).where(jobs_table.c.job_id == job_id, jobs_table.c.status == _PROCESSING)
                 .values(status=_QUEUED, current_step="Queued (resuming)", started_at=None, attempts=attempts))
    with db.write() as conn:
        return bool(conn.execute(statement).rowcount)


def recover_stale(db: Database, stale_before: datetime | None, max_attempts: int,
                  exclude: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """Jobs whose worker died: re-queue them to resume, or fail those out of attempts. Returns (requeued, failed)."""
    running = and_(jobs_table.c.status == _PROCESSING, jobs_table.c.job_id.notin_(exclude))
    if stale_before is not None:
        running = and_(running, or_(jobs_table.c.heartbeat_at.is_(None), jobs_table.c.heartbeat_at < stale_before))
    with db.write() as conn:
        rows = conn.execute(select(jobs_table.c.job_id, jobs_table.c.attempts).where(running)).all()
        exhausted = [job_id for job_id, attempts in rows if attempts >= max_attempts]
        resumable = [job_id for job_id, attempts in rows if attempts < max_attempts]
        if exhausted:
            conn.execute(update(jobs_table).where(jobs_table.c.job_id.in_(exhausted), running).values(
                status=JobStatus.FAILED.value, current_step="Failed", completed_at=utcnow(),
                error=f"Gave up after {max_attempts} attempts: generation was interrupted each time "
                      "(the server stopped or crashed). Please try again."))
        if resumable:
            conn.execute(update(jobs_table).where(jobs_table.c.job_id.in_(resumable), running).values(
                status=_QUEUED, current_step="Queued (resuming after an interruption)", started_at=None))
    return resumable, exhausted


def cancel(db: Database, job_id: str) -> JobRecord:
    """Cancel a queued or processing job (a running one stops at its next segment)."""
    now = utcnow()
    return _transition(db, job_id, (_QUEUED, _PROCESSING, _AWAITING),
                       {"status": JobStatus.CANCELLED.value, "current_step": "Cancelled", "cancelled_at": now,
                        "completed_at": now},
                       "Job is already {status}; only queued, processing or awaiting-review jobs can be cancelled")


def retry(db: Database, job_id: str, limits: QueueLimits | None = None) -> JobRecord:
    """Queue a failed or cancelled job again; its checkpoints are reused. A retry is an enqueue, so it is held
    to the same queue limits (429 with Retry-After) as a new job."""

    def within_limits(conn: Connection) -> None:
        if limits is None:
            return
        if not db.is_sqlite:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (_ENQUEUE_LOCK,))
        owner = conn.execute(select(jobs_table.c.user_id).where(
            jobs_table.c.job_id == job_id, jobs_table.c.status.in_(RETRYABLE_STATUSES))).scalar()
        if owner is not None:
            # the driver cursor of this same connection, so the counts are read inside this transaction
            _check_limits(db, conn.connection.cursor(), owner, limits)

    return _transition(db, job_id, RETRYABLE_STATUSES,
                       {"status": _QUEUED, "progress": 0, "current_step": "Queued (retry)", "error": None,
                        "attempts": 0, "started_at": None, "completed_at": None, "cancelled_at": None},
                       "Job is {status}; only failed or cancelled jobs can be retried", guard=within_limits)


def dismiss(db: Database, job_id: str) -> None:
    """Remove a failed or cancelled job from its user's history (a finished episode is deleted instead)."""
    with db.write() as conn:
        removed = conn.execute(delete(jobs_table).where(jobs_table.c.job_id == job_id,
                                                        jobs_table.c.status.in_(RETRYABLE_STATUSES))).rowcount
    if not removed:
        record = get(db, job_id)
        if record is None:
            raise NotFound("Job not found")
        raise ConflictError(f"Job is {record.status}; only failed or cancelled jobs can be dismissed")


def forget_jobs_of(conn: Connection, podcast_id: str) -> None:
    """Within the caller's transaction: drop the jobs of a deleted episode, so none points at it."""
    conn.execute(delete(jobs_table).where(jobs_table.c.podcast_id == podcast_id,
                                          jobs_table.c.status == JobStatus.COMPLETED.value))


def _transition(db: Database, job_id: str, allowed: tuple[str, ...], values: dict[str, Any],
                refusal: str, guard: Callable[[Connection], None] | None = None) -> JobRecord:
    """Move a job from one of the `allowed` statuses; 404 if it does not exist, 409 (`refusal`) otherwise.
    `guard` runs first in the same transaction and may refuse by raising."""
    with db.write() as conn:
        if guard is not None:
            guard(conn)
        moved = conn.execute(update(jobs_table).where(jobs_table.c.job_id == job_id,
                                                      jobs_table.c.status.in_(allowed)).values(**values)).rowcount
    record = get(db, job_id)
    if record is None:
        raise NotFound("Job not found")
    if not moved:
        raise ConflictError(refusal.format(status=record.status))
    return record


def prune(db: Database, older_than: timedelta) -> list[str]:
    """Delete finished jobs older than `older_than` (never queued/processing jobs, never podcasts)."""
    finished_before = and_(jobs_table.c.status.in_(PRUNABLE_STATUSES),
                           func.coalesce(jobs_table.c.completed_at, jobs_table.c.created_at) < utcnow() - older_than)
    with db.write() as conn:
        # one statement that checks and deletes: a retry committed in between cannot lose its job
        deleted = conn.execute(delete(jobs_table).where(finished_before).returning(jobs_table.c.job_id)).all()
    return [row[0] for row in deleted]


def probe_writable(db: Database) -> None:
    """Rewrite the health row; raises if the database refuses writes."""
    with db.write() as conn:
        if not conn.execute(update(health_table).where(health_table.c.id == 1).values(checked_at=utcnow())).rowcount:
            conn.execute(insert(health_table).values(id=1, checked_at=utcnow()))
