"""The job repository, and the only module that changes a job's status.

Transitions: queued → processing → completed | failed. Every write runs in one `Database.write()`
transaction and guards on the current status, so two workers can never both move the same job.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from store.db import Database
from store.models import FINISHED_STATUSES, JobStatus, jobs_table, podcasts_table

RESTARTED_ERROR = "Notecast stopped while this job was running. Please submit the note again."


def utcnow() -> datetime:
    """Now, in UTC, at millisecond precision (what the API shows)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def new_job_id() -> str:
    """`job_<unix seconds>_<96 random bits>`: the seed's shape, but unguessable."""
    return f"job_{int(time.time())}_{secrets.token_hex(12)}"


def new_podcast_id() -> str:
    """24 hex characters, like the seed's ids, from `secrets`."""
    return secrets.token_hex(12)


@dataclass(frozen=True)
class NewJob:
    """What a caller supplies to queue a job (already validated)."""

    user_id: str
    note_id: str
    note_content: str
    duration: str
    title: str | None = None


@dataclass(frozen=True)
class JobRecord:
    """A job as stored, joined with its podcast when it has one."""

    seq: int
    job_id: str
    user_id: str
    note_id: str
    title: str | None
    duration: str
    status: str
    progress: int
    current_step: str
    error: str | None
    podcast_id: str | None
    target_words: int | None
    script_words: int | None
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    audio_key: str | None = None
    audio_duration: float | None = None
    transcript: list[dict[str, Any]] | None = None
    podcast_title: str | None = None

    @property
    def display_title(self) -> str | None:
        """The given title, else the one the script writer chose."""
        return self.title or self.podcast_title

    @classmethod
    def from_row(cls, row: Any) -> JobRecord:
        """Build from a mapping row of `_JOB_COLUMNS`."""
        data = dict(row)
        for name in ("created_at", "started_at", "completed_at"):
            data[name] = as_utc(data[name])
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class ClaimedJob:
    """What the executor needs to run a job."""

    job_id: str
    podcast_id: str
    user_id: str
    note_id: str
    note_content: str
    title: str | None
    duration: str


@dataclass(frozen=True)
class FinishedEpisode:
    """The verified result of a job, written together with the job's completion."""

    title: str
    audio_key: str
    audio_bytes: int
    audio_duration: float
    transcript: list[dict[str, Any]]


_JOB_COLUMNS = [c for c in jobs_table.c if c.name != "note_content"]
_PODCAST_COLUMNS = [podcasts_table.c.audio_key, podcasts_table.c.audio_duration, podcasts_table.c.transcript,
                    podcasts_table.c.title.label("podcast_title")]
_JOB_VIEW = select(*_JOB_COLUMNS, *_PODCAST_COLUMNS).select_from(
    jobs_table.outerjoin(podcasts_table, podcasts_table.c.podcast_id == jobs_table.c.podcast_id)
)


def create(db: Database, new: NewJob) -> JobRecord:
    """Queue a job; the row is committed when this returns."""
    values = {
        "job_id": new_job_id(),
        "user_id": new.user_id,
        "note_id": new.note_id,
        "note_content": new.note_content,
        "title": new.title,
        "duration": new.duration,
        "status": JobStatus.QUEUED.value,
        "progress": 0,
        "current_step": "Queued",
        "created_at": utcnow(),
    }
    with db.write() as conn:
        row = conn.execute(insert(jobs_table).values(**values).returning(*_JOB_COLUMNS)).mappings().one()
    return JobRecord.from_row(row)


def get(db: Database, job_id: str) -> JobRecord | None:
    """One job by id, with its podcast's audio and transcript when completed."""
    with db.read() as conn:
        row = conn.execute(_JOB_VIEW.where(jobs_table.c.job_id == job_id)).mappings().first()
    return JobRecord.from_row(row) if row else None


def list_for_user(db: Database, user_id: str, limit: int, before_seq: int | None = None) -> list[JobRecord]:
    """A user's jobs, newest first; `before_seq` continues a previous page."""
    query = _JOB_VIEW.where(jobs_table.c.user_id == user_id)
    if before_seq is not None:
        query = query.where(jobs_table.c.seq < before_seq)
    with db.read() as conn:
        rows = conn.execute(query.order_by(jobs_table.c.seq.desc()).limit(limit)).mappings().all()
    return [JobRecord.from_row(row) for row in rows]


def queue_position(db: Database, job: JobRecord) -> int:
    """1 for the next job to run; 0 when the job is not queued."""
    if job.status != JobStatus.QUEUED.value:
        return 0
    query = select(func.count()).where(jobs_table.c.status == JobStatus.QUEUED.value, jobs_table.c.seq <= job.seq)
    with db.read() as conn:
        return int(conn.execute(query).scalar_one())


def counts(db: Database) -> dict[str, int]:
    """How many jobs are queued and processing."""
    query = (
        select(jobs_table.c.status, func.count())
        .where(jobs_table.c.status.in_([JobStatus.QUEUED.value, JobStatus.PROCESSING.value]))
        .group_by(jobs_table.c.status)
    )
    with db.read() as conn:
        found = {status: int(n) for status, n in conn.execute(query).all()}
    return {"queued": found.get("queued", 0), "processing": found.get("processing", 0)}


def claim_next(db: Database) -> ClaimedJob | None:
    """Atomically move the oldest queued job to processing and return it (None when the queue is empty)."""
    oldest = select(jobs_table.c.seq).where(jobs_table.c.status == JobStatus.QUEUED.value)
    oldest = oldest.order_by(jobs_table.c.seq).limit(1)
    if not db.is_sqlite:
        # SQLite's BEGIN IMMEDIATE already serialises claimers; elsewhere, skip rows another worker holds.
        oldest = oldest.with_for_update(skip_locked=True)
    statement = (
        update(jobs_table)
        .where(jobs_table.c.seq == oldest.scalar_subquery(), jobs_table.c.status == JobStatus.QUEUED.value)
        .values(
            status=JobStatus.PROCESSING.value,
            started_at=utcnow(),
            progress=1,
            current_step="Starting...",
            podcast_id=new_podcast_id(),
        )
        .returning(
            jobs_table.c.job_id, jobs_table.c.podcast_id, jobs_table.c.user_id, jobs_table.c.note_id,
            jobs_table.c.note_content, jobs_table.c.title, jobs_table.c.duration,
        )
    )
    with db.write() as conn:
        row = conn.execute(statement).mappings().first()
    return ClaimedJob(**row) if row else None


def report_progress(db: Database, job_id: str, progress: int, step: str) -> None:
    """Record progress of a processing job; progress never goes backwards."""
    statement = (
        update(jobs_table)
        .where(jobs_table.c.job_id == job_id, jobs_table.c.status == JobStatus.PROCESSING.value)
        .values(progress=func.max(jobs_table.c.progress, progress) if db.is_sqlite
                else func.greatest(jobs_table.c.progress, progress),
                current_step=step[:200])
    )
    with db.write() as conn:
        conn.execute(statement)


def record_lengths(db: Database, job_id: str, target_words: int, script_words: int) -> None:
    """Store the script's target and actual length."""
    statement = update(jobs_table).where(jobs_table.c.job_id == job_id)
    with db.write() as conn:
        conn.execute(statement.values(target_words=target_words, script_words=script_words))


def complete(db: Database, job: ClaimedJob, episode: FinishedEpisode) -> bool:
    """Store the podcast and mark the job completed, in one transaction. False if the job was no longer running."""
    with db.write() as conn:
        moved = conn.execute(
            update(jobs_table)
            .where(jobs_table.c.job_id == job.job_id, jobs_table.c.status == JobStatus.PROCESSING.value)
            .values(status=JobStatus.COMPLETED.value, progress=100, current_step="Completed", completed_at=utcnow())
        ).rowcount
        if not moved:
            return False
        conn.execute(insert(podcasts_table).values(
            podcast_id=job.podcast_id, job_id=job.job_id, user_id=job.user_id, note_id=job.note_id,
            title=episode.title, duration=job.duration, audio_key=episode.audio_key,
            audio_bytes=episode.audio_bytes, audio_duration=episode.audio_duration,
            transcript=episode.transcript, created_at=utcnow(),
        ))
    return True


def fail(db: Database, job_id: str, error: str) -> bool:
    """Mark a queued or processing job failed with a readable error. False if it had already finished."""
    statement = (
        update(jobs_table)
        .where(jobs_table.c.job_id == job_id, jobs_table.c.status.notin_(FINISHED_STATUSES))
        .values(status=JobStatus.FAILED.value, error=error, current_step="Failed", completed_at=utcnow())
    )
    with db.write() as conn:
        return bool(conn.execute(statement).rowcount)


def fail_orphans(db: Database) -> list[str]:
    """Fail jobs left processing by a process that died; called once at start-up, before the executor runs."""
    with db.write() as conn:
        rows = conn.execute(
            update(jobs_table)
            .where(jobs_table.c.status == JobStatus.PROCESSING.value)
            .values(status=JobStatus.FAILED.value, error=RESTARTED_ERROR, current_step="Failed",
                    completed_at=utcnow())
            .returning(jobs_table.c.job_id)
        ).all()
    return [row[0] for row in rows]


def prune(db: Database, older_than: timedelta) -> list[str]:
    """Delete finished jobs older than `older_than` (never queued/processing jobs, never podcasts)."""
    cutoff = utcnow() - older_than
    finished_before = and_(
        jobs_table.c.status.in_(FINISHED_STATUSES),
        func.coalesce(jobs_table.c.completed_at, jobs_table.c.created_at) < cutoff,
    )
    with db.write() as conn:
        ids = [row[0] for row in conn.execute(select(jobs_table.c.job_id).where(finished_before)).all()]
        if ids:
            conn.execute(delete(jobs_table).where(jobs_table.c.job_id.in_(ids)))
    return ids


def get_podcast(db: Database, podcast_id: str) -> dict[str, Any] | None:
    """A stored podcast by id."""
    with db.read() as conn:
        row = conn.execute(select(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id)).mappings().first()
    if row is None:
        return None
    podcast = dict(row)
    podcast["created_at"] = as_utc(podcast["created_at"])
    return podcast


def requeue(db: Database, job_id: str) -> bool:
    """Put a processing job back in the queue (it was stopped by a shutdown, not by a failure)."""
    statement = (
        update(jobs_table)
        .where(jobs_table.c.job_id == job_id, jobs_table.c.status == JobStatus.PROCESSING.value)
        .values(status=JobStatus.QUEUED.value, progress=0, current_step="Queued", started_at=None, podcast_id=None)
    )
    with db.write() as conn:
        return bool(conn.execute(statement).rowcount)


def get_submission(db: Database, job_id: str) -> NewJob | None:
    """What was submitted for a job, so it can be submitted again."""
    columns = (jobs_table.c.user_id, jobs_table.c.note_id, jobs_table.c.note_content, jobs_table.c.duration,
               jobs_table.c.title)
    with db.read() as conn:
        row = conn.execute(select(*columns).where(jobs_table.c.job_id == job_id)).mappings().first()
    return NewJob(**row) if row else None


def list_podcasts_for_user(db: Database, user_id: str, limit: int) -> list[dict[str, Any]]:
    """A user's podcasts, newest first (they outlive their jobs)."""
    query = (select(podcasts_table).where(podcasts_table.c.user_id == user_id)
             .order_by(podcasts_table.c.created_at.desc()).limit(limit))
    with db.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [dict(row) | {"created_at": as_utc(row["created_at"])} for row in rows]
