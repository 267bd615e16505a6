"""Webhook deliveries as the API shows them: what was sent where, each attempt, and the last answer."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from api.schemas.common import absent, iso
from store.deliveries import Delivery


class DeliveryAttempt(BaseModel):
    """One attempt to deliver a webhook."""

    at: str = Field(description="When it was sent (ISO 8601, UTC)")
    statusCode: int | None = absent("The receiver's HTTP status; absent when none came back")
    error: str | None = absent("Why it did not count as delivered (a status, a timeout, a refused address)")
    milliseconds: int = Field(description="How long the attempt took")


class DeliveryView(BaseModel):
    """One webhook event of a job and how its delivery went."""

    id: str = Field(description="The webhook-id header: the same on every attempt, so receivers can de-duplicate")
    event: str = Field(description="job.completed, job.failed or job.cancelled")
    url: str = Field(description="Where it is sent: its scheme, host and port (the path and query may carry a "
                                 "token, so they are not shown)")
    state: Literal["pending", "delivered", "stopped", "failed"] = Field(description=(
        "pending (retrying with backoff), delivered (a 2xx answer), stopped (the receiver answered 410 Gone) or "
        "failed (no 2xx within 24 hours)"))
    attempts: int = Field(description="Attempts so far")
    createdAt: str = Field(description="When the event happened")
    nextAttemptAt: str | None = absent("When the next attempt is due; while pending")
    finishedAt: str | None = absent("When it was delivered, stopped or given up")
    lastStatusCode: int | None = absent("The last attempt's HTTP status")
    lastError: str | None = absent("Why the last attempt did not count as delivered")
    lastResponse: str | None = absent("The first 500 characters of the last answer's body")
    history: list[DeliveryAttempt] = Field(description="The attempts, oldest first (the latest 30)")

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryView:
        """The view of a stored delivery."""
        pending = delivery.state == "pending"
        return cls.model_validate({
            "id": delivery.delivery_id, "event": delivery.event, "url": shown_url(delivery.url),
            "state": delivery.state, "attempts": delivery.attempts, "createdAt": iso(delivery.created_at),
            "nextAttemptAt": iso(delivery.next_attempt_at) if pending else None,
            "finishedAt": iso(delivery.finished_at), "lastStatusCode": delivery.last_status_code,
            "lastError": delivery.last_error, "lastResponse": delivery.last_response,
            "history": delivery.history})


class DeliveryListResponse(BaseModel):
    """A job's webhook deliveries."""

    success: Literal[True] = True
    jobId: str
    deliveries: list[DeliveryView] = Field(description="Oldest first; empty when the job had no callbackUrl")


def shown_url(url: str) -> str:
    """`url` without its path and query (Slack- and Discord-style URLs carry their token there)."""
    parts = urlsplit(url)
    hidden = "/…" if parts.path.strip("/") or parts.query else "/"
    return f"{parts.scheme}://{parts.netloc}{hidden}"
