"""Webhook deliveries: queued in the transaction that finishes a job (by `store.jobs`), claimed one attempt at a
time by whichever replica's dispatcher gets there first, and recorded attempt by attempt."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update

from store.db import Database
from store.models import FINISHED_STATUSES, DeliveryState, deliveries_table, jobs_table
from store.records import as_utc, iso_utc, utcnow

EVENTS = {status: f"job.{status}" for status in FINISHED_STATUSES}
RETRY_FOR = timedelta(hours=24)  # a delivery not answered within this is given up
_HISTORY_KEPT = 30
_PENDING = DeliveryState.PENDING.value


@dataclass(frozen=True)
class Delivery:
    """A delivery as stored."""

    delivery_id: str
    job_id: str
    user_id: str
    event: str
    url: str
    state: str
    attempts: int
    next_attempt_at: datetime
    payload: str | None
    history: list[dict[str, Any]]
    last_status_code: int | None
    last_error: str | None
    last_response: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Attempt:
    """What one attempt got: a status code, or the error that kept it from getting one."""

    at: datetime
    status_code: int | None
    error: str | None
    milliseconds: int
    response: str | None = None  # the first characters of the answer's body

    def as_json(self) -> dict[str, Any]:
        """For the delivery's history."""
        return {"at": iso_utc(self.at), "statusCode": self.status_code, "error": self.error,
                "milliseconds": self.milliseconds}


def queue_finished(conn: Connection, which: Any) -> None:
    """Within the caller's transaction: a delivery for each job `which` selects that has just finished and has a
    callback URL."""
    rows = conn.execute(select(jobs_table.c.job_id, jobs_table.c.user_id, jobs_table.c.status,
                               jobs_table.c.callback_url)
                        .where(which, jobs_table.c.callback_url.is_not(None),
                               jobs_table.c.status.in_(FINISHED_STATUSES))).all()
    if not rows:
        return
    now = utcnow()
    conn.execute(deliveries_table.insert(), [
        {"delivery_id": f"msg_{secrets.token_urlsafe(18)}", "job_id": job_id, "user_id": user_id,
         "event": EVENTS[status], "url": url, "state": _PENDING, "attempts": 0, "next_attempt_at": now,
         "created_at": now} for job_id, user_id, status, url in rows])


def due(db: Database, limit: int = 50) -> list[str]:
    """Pending deliveries whose next attempt is due, oldest first."""
    query = (select(deliveries_table.c.delivery_id)
             .where(deliveries_table.c.state == _PENDING, deliveries_table.c.next_attempt_at <= utcnow())
             .order_by(deliveries_table.c.next_attempt_at).limit(limit))
    with db.read() as conn:
        return [row[0] for row in conn.execute(query).all()]


def claim(db: Database, delivery_id: str, lease: timedelta) -> Delivery | None:
    """Take the due attempt of a delivery for `lease` (after which another replica may try it, had this one
    died); None when another replica took it first or it is no longer due."""
    now = utcnow()
    with db.write() as conn:
        taken = conn.execute(update(deliveries_table).where(
            deliveries_table.c.delivery_id == delivery_id, deliveries_table.c.state == _PENDING,
            deliveries_table.c.next_attempt_at <= now).values(next_attempt_at=now + lease)).rowcount
        if not taken:
            return None
    found = get(db, delivery_id)
    assert found is not None
    return found


def fix_payload(db: Database, delivery_id: str, payload: str) -> str:
    """Keep the body of the first attempt for every retry; the body kept (another replica's, if it was first)."""
    with db.write() as conn:
        conn.execute(update(deliveries_table).where(deliveries_table.c.delivery_id == delivery_id,
                                                    deliveries_table.c.payload.is_(None)).values(payload=payload))
        kept = conn.execute(select(deliveries_table.c.payload)
                            .where(deliveries_table.c.delivery_id == delivery_id)).scalar()
    return str(kept if kept is not None else payload)


def record(db: Database, delivery: Delivery, attempt: Attempt, state: DeliveryState,
           next_attempt_at: datetime | None = None) -> None:
    """The attempt's outcome; the delivery stays pending (due again at `next_attempt_at`) or is finished. Only
    while no later attempt has been recorded (one that outlived its lease must not overwrite the next)."""
    history = [*delivery.history, attempt.as_json()][-_HISTORY_KEPT:]
    values: dict[str, Any] = {
        "state": state.value, "attempts": delivery.attempts + 1, "history": history,
        "last_status_code": attempt.status_code, "last_error": attempt.error, "last_response": attempt.response}
    if state == DeliveryState.PENDING:
        assert next_attempt_at is not None
        values["next_attempt_at"] = next_attempt_at
    else:
        values["finished_at"] = attempt.at
    with db.write() as conn:
        conn.execute(update(deliveries_table).where(deliveries_table.c.delivery_id == delivery.delivery_id,
                                                    deliveries_table.c.state == _PENDING,
                                                    deliveries_table.c.attempts == delivery.attempts).values(**values))


def of_job(db: Database, job_id: str) -> list[Delivery]:
    """A job's deliveries, oldest first."""
    query = (select(deliveries_table).where(deliveries_table.c.job_id == job_id)
             .order_by(deliveries_table.c.created_at, deliveries_table.c.delivery_id))
    with db.read() as conn:
        return [_delivery(row) for row in conn.execute(query).mappings().all()]


def get(db: Database, delivery_id: str) -> Delivery | None:
    """One delivery."""
    with db.read() as conn:
        row = conn.execute(select(deliveries_table).where(deliveries_table.c.delivery_id == delivery_id)
                           ).mappings().first()
    return _delivery(row) if row is not None else None


def forget(conn: Connection, before: datetime) -> None:
    """Within the caller's transaction: drop deliveries queued before `before` (past their retries)."""
    conn.execute(delete(deliveries_table).where(deliveries_table.c.created_at < before))


def _delivery(row: Any) -> Delivery:
    return Delivery(delivery_id=row["delivery_id"], job_id=row["job_id"], user_id=row["user_id"], event=row["event"],
                    url=row["url"], state=row["state"], attempts=row["attempts"],
                    next_attempt_at=_utc(row["next_attempt_at"]), payload=row["payload"], history=row["history"] or [],
                    last_status_code=row["last_status_code"], last_error=row["last_error"],
                    last_response=row["last_response"], created_at=_utc(row["created_at"]),
                    finished_at=as_utc(row["finished_at"]))


def _utc(value: datetime) -> datetime:
    aware = as_utc(value)
    assert aware is not None
    return aware
