"""Reads: jobs, queues and podcasts. Lean Core queries, no ORM objects, because status polling is the hot path."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import bindparam, func, select

from store.db import Database, cursor
from store.models import JobStatus, jobs_table, podcasts_table
from store.records import JobRecord, as_utc

_HIDDEN = {"note_content", "idempotency_key", "request_hash", "heartbeat_at", "script"}
_JOB_COLUMNS = [c for c in jobs_table.c if c.name not in _HIDDEN]
_PODCAST_COLUMNS = [podcasts_table.c.audio_key, podcasts_table.c.audio_duration, podcasts_table.c.transcript,
                    podcasts_table.c.files, podcasts_table.c.loudness, podcasts_table.c.title.label("podcast_title")]
_JOB_VIEW = select(*_JOB_COLUMNS, *_PODCAST_COLUMNS).select_from(
    jobs_table.outerjoin(podcasts_table, podcasts_table.c.podcast_id == jobs_table.c.podcast_id)
)


def get(db: Database, job_id: str) -> JobRecord | None:
    """One job by id, with its podcast's audio and transcript when completed (a precompiled query: the hot path)."""
    statement = db.prepared("job_by_id", lambda: _JOB_VIEW.where(jobs_table.c.job_id == bindparam("job_id")))
    with cursor(db) as cur:
        row = statement.run(cur, job_id=job_id).fetchone()
        names = [column[0] for column in cur.description or ()]
    return JobRecord.from_row(dict(zip(names, row, strict=True))) if row else None


def get_for_poller(db: Database, job_id: str) -> JobRecord | None:
    """`get`, answered from a read a moment ago when many pollers ask at once (see `Database.recent`)."""
    record = db.recent(job_id)
    if record is None:
        read_started = time.monotonic()
        record = get(db, job_id)
        if record is not None:
            db.remember(job_id, record, read_started)
    return record  # type: ignore[no-any-return]


def note_of(db: Database, job_id: str) -> str | None:
    """A job's note (for naming it before its script does)."""
    with db.read() as conn:
        return conn.execute(select(jobs_table.c.note_content).where(jobs_table.c.job_id == job_id)
                            ).scalar_one_or_none()


def script_of(db: Database, job_id: str) -> tuple[str, dict[str, Any] | None, int, list[dict[str, str]] | None] | None:
    """A job's status, its reviewable script, that script's version and the job's hosts (None: no such job)."""
    query = select(jobs_table.c.status, jobs_table.c.script, jobs_table.c.script_version, jobs_table.c.hosts
                   ).where(jobs_table.c.job_id == job_id)
    with db.read() as conn:
        row = conn.execute(query).first()
    return (row[0], row[1], row[2] or 0, row[3]) if row else None


def status_of(db: Database, job_id: str) -> str | None:
    """Just the status (checked between segments, so it must be cheap)."""
    with db.read() as conn:
        return conn.execute(select(jobs_table.c.status).where(jobs_table.c.job_id == job_id)).scalar_one_or_none()


def list_for_user(db: Database, user_id: str, limit: int, before_seq: int | None = None) -> list[JobRecord]:
    """A user's jobs, newest first; `before_seq` continues a previous page."""
    query = _JOB_VIEW.where(jobs_table.c.user_id == user_id)
    if before_seq is not None:
        query = query.where(jobs_table.c.seq < before_seq)
    with db.read() as conn:
        rows = conn.execute(query.order_by(jobs_table.c.seq.desc()).limit(limit)).mappings().all()
    return [JobRecord.from_row(row) for row in rows]


def ahead_of(db: Database, job: JobRecord, limit: int = 50) -> list[JobRecord]:
    """The jobs that will finish before a queued `job` starts: those processing, then those queued before it."""
    running = jobs_table.c.status == JobStatus.PROCESSING.value
    waiting_before = (jobs_table.c.status == JobStatus.QUEUED.value) & (jobs_table.c.seq < job.seq)
    query = _JOB_VIEW.where(running | waiting_before)
    with db.read() as conn:
        rows = conn.execute(query.order_by(jobs_table.c.seq).limit(limit)).mappings().all()
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


def status_counts(db: Database) -> tuple[dict[str, int], Any]:
    """Jobs by status, and when the oldest queued one was queued (None: none is)."""
    with db.read() as conn:
        found = {status: int(n) for status, n in conn.execute(
            select(jobs_table.c.status, func.count()).group_by(jobs_table.c.status)).all()}
        oldest = conn.execute(select(func.min(jobs_table.c.created_at))
                              .where(jobs_table.c.status == JobStatus.QUEUED.value)).scalar()
    return found, as_utc(oldest)


def get_podcast(db: Database, podcast_id: str) -> dict[str, Any] | None:
    """A stored podcast by id."""
    with db.read() as conn:
        row = conn.execute(select(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id)).mappings().first()
    return dict(row) | {"created_at": as_utc(row["created_at"])} if row else None


def list_podcasts_for_user(db: Database, user_id: str, limit: int) -> list[dict[str, Any]]:
    """A user's podcasts, newest first (they outlive their jobs)."""
    query = (select(podcasts_table).where(podcasts_table.c.user_id == user_id)
             .order_by(podcasts_table.c.created_at.desc()).limit(limit))
    with db.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [dict(row) | {"created_at": as_utc(row["created_at"])} for row in rows]
