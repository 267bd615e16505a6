"""The job change log: written in the same transaction as each change of a job's status or progress (by
`store.jobs`), read in order by the job watcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, delete, func, insert, literal, select

from store.db import Database
from store.models import changes_table, jobs_table
from store.records import utcnow


@dataclass(frozen=True)
class Change:
    """One logged change: the job's status, progress and step as they became."""

    seq: int
    job_id: str
    user_id: str
    status: str
    progress: int
    current_step: str


_COLUMNS = (changes_table.c.seq, changes_table.c.job_id, changes_table.c.user_id, changes_table.c.status,
            changes_table.c.progress, changes_table.c.current_step)


def log(conn: Connection, which: Any) -> None:
    """Within the caller's transaction: log the current state of the jobs `which` selects (a condition on the
    jobs table), as they are after the change just made."""
    state = select(jobs_table.c.job_id, jobs_table.c.user_id, jobs_table.c.status, jobs_table.c.progress,
                   jobs_table.c.current_step,
                   literal(utcnow(), DateTime(timezone=True)).label("created_at")).where(which)
    conn.execute(insert(changes_table).from_select(
        ["job_id", "user_id", "status", "progress", "current_step", "created_at"], state))


def after(db: Database, seq: int, limit: int = 5000) -> list[Change]:
    """Every change logged after `seq`, oldest first."""
    query = select(*_COLUMNS).where(changes_table.c.seq > seq).order_by(changes_table.c.seq).limit(limit)
    with db.read() as conn:
        return [Change(*row) for row in conn.execute(query).all()]


def of_job(db: Database, job_id: str, after_seq: int) -> list[Change]:
    """One job's changes after `after_seq`, oldest first (a reconnecting listener's replay)."""
    query = (select(*_COLUMNS).where(changes_table.c.job_id == job_id, changes_table.c.seq > after_seq)
             .order_by(changes_table.c.seq))
    with db.read() as conn:
        return [Change(*row) for row in conn.execute(query).all()]


def last_seq(db: Database, job_id: str | None = None) -> int:
    """The newest change's number (of one job, or of all); 0 when there is none."""
    query = select(func.max(changes_table.c.seq))
    if job_id is not None:
        query = query.where(changes_table.c.job_id == job_id)
    with db.read() as conn:
        return int(conn.execute(query).scalar() or 0)


def forget(conn: Connection, job_ids: list[str], before: datetime) -> None:
    """Within the caller's transaction: drop the changes of pruned jobs, and any older than `before`."""
    if job_ids:
        conn.execute(delete(changes_table).where(changes_table.c.job_id.in_(job_ids)))
    conn.execute(delete(changes_table).where(changes_table.c.created_at < before))
