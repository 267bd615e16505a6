"""The only code that changes a job's status (creating one is `store.job_creation`).

    queued → processing → completed | failed
    processing → awaiting_review → queued  (review: parked after the script, then approved)
    queued | processing | awaiting_review → cancelled  (cancel)
    failed | cancelled → queued            (retry)
    processing → queued                    (shutdown or a dead worker; attempts are counted)

Every write runs in one `Database.write()` transaction and guards on the current status, so two workers or a
worker and a cancel can never both move the same job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from errors import ConflictError, NotFound, PreconditionFailed
from store import changes, deliveries
from store.db import Database
from store.job_creation import ENQUEUE_LOCK, QueueLimits, check_limits
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
from store.records import ClaimedJob, FinishedEpisode, JobRecord, new_podcast_id, utcnow
from store.versions import publish

RESTARTED_ERROR = "Notecast stopped while this job was running. Please submit the note again."
_QUEUED, _PROCESSING = JobStatus.QUEUED.value, JobStatus.PROCESSING.value
_AWAITING = JobStatus.AWAITING_REVIEW.value


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
                   jobs_table.c.review, jobs_table.c.script, jobs_table.c.edit_version)
    )
    with db.write() as conn:
        row = conn.execute(statement).mappings().first()
        if row:
            changes.log(conn, jobs_table.c.job_id == row["job_id"])
    return ClaimedJob(**row) if row else None


def report_progress(db: Database, job_id: str, progress: int, step: str) -> None:
    """Record progress of a processing job (never backwards); doubles as a heartbeat."""
    highest = func.max if db.is_sqlite else func.greatest
    statement = (update(jobs_table).where(jobs_table.c.job_id == job_id, jobs_table.c.status == _PROCESSING)
                 .values(progress=highest(jobs_table.c.progress, progress), current_step=step[:200],
                         heartbeat_at=utcnow()))
    with db.write() as conn:
        if conn.execute(statement).rowcount:
            changes.log(conn, jobs_table.c.job_id == job_id)


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
    """Store the podcast (or its new version) and mark the job completed, in one transaction. False if the job
    was no longer running."""
    with db.write() as conn:
        # the attempt must match too: a worker from an earlier, interrupted attempt must not complete a resumed job
        moved = conn.execute(
            update(jobs_table).where(jobs_table.c.job_id == job.job_id, jobs_table.c.status == _PROCESSING,
                                     jobs_table.c.attempts == job.attempts)
            .values(status=JobStatus.COMPLETED.value, progress=100, current_step="Completed", completed_at=utcnow())
        ).rowcount
        if not moved:
            return False
        publish(conn, job, episode)
        _changed(conn, jobs_table.c.job_id == job.job_id)
    return True


def await_review(db: Database, job: ClaimedJob, script: dict[str, Any], progress: int) -> bool:
    """The script is written and the job asked for review: park it (the executor takes other jobs) until it is
    approved. False if the job was no longer this attempt's to move."""
    with db.write() as conn:
        return _logged(conn, job.job_id, conn.execute(
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
        return _logged(conn, job_id, conn.execute(statement).rowcount)


def requeue(db: Database, job_id: str, *, count_attempt: bool = False) -> bool:
    """Put a processing job back at the front of the queue. A graceful shutdown does not use up an attempt."""
    highest = func.max if db.is_sqlite else func.greatest
    attempts = jobs_table.c.attempts if count_attempt else highest(jobs_table.c.attempts - 1, 0)
    statement = (update(jobs_table).where(jobs_table.c.job_id == job_id, jobs_table.c.status == _PROCESSING)
                 .values(status=_QUEUED, current_step="Queued (resuming)", started_at=None, attempts=attempts))
    with db.write() as conn:
        return _logged(conn, job_id, conn.execute(statement).rowcount)


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
        if rows:
            _changed(conn, jobs_table.c.job_id.in_([job_id for job_id, _ in rows]))
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
        if not db.is_sqlite:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (ENQUEUE_LOCK,))
        row = conn.execute(select(jobs_table.c.user_id, jobs_table.c.podcast_id, jobs_table.c.edit_version).where(
            jobs_table.c.job_id == job_id, jobs_table.c.status.in_(RETRYABLE_STATUSES))).first()
        if row is not None and row[2]:
            _check_edit_current(conn, job_id, row[1], row[2])
        owner = row[0] if row else None
        if owner is not None and limits is not None:
            # the driver cursor of this same connection, so the counts are read inside this transaction
            check_limits(db, conn.connection.cursor(), owner, limits)

    return _transition(db, job_id, RETRYABLE_STATUSES,
                       {"status": _QUEUED, "progress": 0, "current_step": "Queued (retry)", "error": None,
                        "attempts": 0, "started_at": None, "completed_at": None, "cancelled_at": None},
                       "Job is {status}; only failed or cancelled jobs can be retried", guard=within_limits)


def _check_edit_current(conn: Connection, job_id: str, podcast_id: str, edit_version: int) -> None:
    """An edit can be retried only while it is still the episode's next version and no other edit is open: its
    files are stored under that version, so two jobs making it would overwrite each other."""
    current = conn.execute(select(podcasts_table.c.version).where(podcasts_table.c.podcast_id == podcast_id)).first()
    if current is None:
        raise ConflictError("The episode this edit was for has been deleted")
    rival = conn.execute(select(jobs_table.c.job_id).where(
        jobs_table.c.podcast_id == podcast_id, jobs_table.c.job_id != job_id, jobs_table.c.edit_version.is_not(None),
        jobs_table.c.status.in_((_QUEUED, _PROCESSING))).limit(1)).first()
    if (current[0] or 1) + 1 != edit_version or rival is not None:
        raise ConflictError("The episode was edited again since this edit; edit its script again instead")


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
    """Within the caller's transaction: drop the jobs of a deleted episode, so none points at it, and cancel
    an edit of it still being voiced (its worker then removes what it stored)."""
    conn.execute(delete(jobs_table).where(jobs_table.c.podcast_id == podcast_id,
                                          jobs_table.c.status == JobStatus.COMPLETED.value))
    now = utcnow()
    conn.execute(update(jobs_table).where(jobs_table.c.podcast_id == podcast_id,
                                          jobs_table.c.status.in_((_QUEUED, _PROCESSING)))
                 .values(status=JobStatus.CANCELLED.value, current_step="Cancelled: the episode was deleted",
                         cancelled_at=now, completed_at=now))
    _changed(conn, (jobs_table.c.podcast_id == podcast_id) & (jobs_table.c.cancelled_at == now))


def _logged(conn: Connection, job_id: str, moved: int) -> bool:
    """Log the job's new state when the statement just run moved it."""
    if moved:
        _changed(conn, jobs_table.c.job_id == job_id)
    return bool(moved)


def _changed(conn: Connection, which: Any) -> None:
    """After a change of status of the jobs `which` selects: log it, and queue the webhooks of those it finished
    (in the same transaction, so a finished job's webhook cannot be lost)."""
    changes.log(conn, which)
    deliveries.queue_finished(conn, which)


def _transition(db: Database, job_id: str, allowed: tuple[str, ...], values: dict[str, Any],
                refusal: str, guard: Callable[[Connection], None] | None = None) -> JobRecord:
    """Move a job from one of the `allowed` statuses; 404 if it does not exist, 409 (`refusal`) otherwise.
    `guard` runs first in the same transaction and may refuse by raising."""
    with db.write() as conn:
        if guard is not None:
            guard(conn)
        moved = _logged(conn, job_id, conn.execute(update(jobs_table).where(
            jobs_table.c.job_id == job_id, jobs_table.c.status.in_(allowed)).values(**values)).rowcount)
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
        deleted = [row[0] for row in conn.execute(delete(jobs_table).where(finished_before)
                                                  .returning(jobs_table.c.job_id)).all()]
        changes.forget(conn, deleted, utcnow() - older_than)
        deliveries.forget(conn, utcnow() - older_than - deliveries.RETRY_FOR)
    return deleted


def probe_writable(db: Database) -> None:
    """Rewrite the health row; raises if the database refuses writes."""
    with db.write() as conn:
        if not conn.execute(update(health_table).where(health_table.c.id == 1).values(checked_at=utcnow())).rowcount:
            conn.execute(insert(health_table).values(id=1, checked_at=utcnow()))
