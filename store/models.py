"""Tables: a job is one request to make an episode; a podcast is the episode it made."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


class JobStatus(StrEnum):
    """Where a job is in its life; only `store.jobs` moves a job between these."""

    QUEUED = "queued"
    PROCESSING = "processing"
    AWAITING_REVIEW = "awaiting_review"  # asked for review: the script is written, waiting for approval
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_STATUSES = (JobStatus.COMPLETED.value, JobStatus.FAILED.value, JobStatus.CANCELLED.value)
OPEN_STATUSES = (JobStatus.QUEUED.value, JobStatus.PROCESSING.value)
RETRYABLE_STATUSES = (JobStatus.FAILED.value, JobStatus.CANCELLED.value)
# pruned after the TTL: finished jobs, and jobs whose script was never approved
PRUNABLE_STATUSES = (*FINISHED_STATUSES, JobStatus.AWAITING_REVIEW.value)


class Job(SQLModel, table=True):
    """One generation request; the database is the queue."""

    __tablename__ = "jobs"
    # per-user limits look jobs up by user and status; claiming and queue checks by status in arrival order
    __table_args__ = (Index("ix_jobs_user_status", "user_id", "status"), Index("ix_jobs_status_seq", "status", "seq"))

    # Integer order of arrival: claiming and pagination sort by it, never by clock time.
    seq: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=80, unique=True, index=True)
    user_id: str = Field(max_length=128)
    note_id: str = Field(max_length=128)
    note_content: str = Field(sa_column=Column(Text, nullable=False))
    title: str | None = Field(default=None, max_length=200)
    duration: str = Field(max_length=16)
    status: str = Field(default=JobStatus.QUEUED.value, max_length=16)
    progress: int = 0
    current_step: str = Field(default="Queued", max_length=200)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    podcast_id: str | None = Field(default=None, max_length=64)
    target_words: int | None = None
    script_words: int | None = None
    segments_total: int | None = None
    segments_cached: int | None = None
    # The two hosts, [{name, voice}]: chosen at enqueue, so a job voices as it was asked even if settings change.
    hosts: list[dict[str, str]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The note's language (ISO 639-1), detected at enqueue.
    language: str | None = Field(default=None, max_length=8)
    # conversation, brief or debate (None on jobs queued before formats existed: a conversation)
    format: str | None = Field(default=None, max_length=16)
    focus: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Plain sentences for the listener about what they will get (a short note, a debate that became a talk).
    notices: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # Review: the job stops after its script until approved; `script` is then the one to voice (as written, or
    # as edited), and `script_version` counts its edits (the ETag of GET/PUT …/script).
    review: bool | None = None
    script: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    script_version: int | None = None
    # Set on a job that re-voices an edited script of a finished episode (`podcast_id`): the version it makes.
    edit_version: int | None = None
    # Where its signed webhooks go when it completes, fails or is cancelled (checked against SSRF at enqueue).
    callback_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Claims so far; a job interrupted by crashes this many times fails instead of looping forever.
    attempts: int = 0
    # Written while a job runs; a stale one means the process running it died.
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # Stripe-style: the same key with the same body replays the original answer; it expires with the job.
    idempotency_key: str | None = Field(default=None, max_length=255, unique=True)
    request_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class JobChange(SQLModel, table=True):
    """Every change of a job's status or progress, in order: what server-sent events replay and push (any replica
    reads them, and a client that reconnects resumes after the last one it got). Pruned with the jobs."""

    __tablename__ = "job_changes"

    seq: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=80, index=True)
    user_id: str = Field(max_length=128)
    status: str = Field(max_length=16)
    progress: int
    current_step: str = Field(max_length=200)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class DeliveryState(StrEnum):
    """Where a webhook delivery is: pending until a 2xx answer (delivered), a 410 (stopped) or its retries run
    out (failed)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    STOPPED = "stopped"
    FAILED = "failed"


class WebhookDelivery(SQLModel, table=True):
    """One webhook event for one job, queued in the transaction that finished the job (so none is lost) and
    retried until it is answered. `next_attempt_at` doubles as the lease: claiming a due delivery moves it past
    the attempt's timeout, so one replica sends each attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),)

    delivery_id: str = Field(primary_key=True, max_length=64)  # the webhook-id header: the same on every retry
    job_id: str = Field(max_length=80, index=True)
    user_id: str = Field(max_length=128)
    event: str = Field(max_length=32)  # job.completed, job.failed, job.cancelled
    url: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default=DeliveryState.PENDING.value, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The body, fixed at the first attempt so every retry sends (and signs) the same bytes.
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # [{at, statusCode, error, milliseconds}], the latest last (the newest few kept)
    history: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # its first characters
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class Podcast(SQLModel, table=True):
    """A finished, verified episode. Podcasts outlive their jobs."""

    __tablename__ = "podcasts"

    podcast_id: str = Field(primary_key=True, max_length=64)
    job_id: str = Field(max_length=80, index=True)
    user_id: str = Field(max_length=128, index=True)
    note_id: str = Field(max_length=128)
    title: str = Field(max_length=200)
    duration: str = Field(max_length=16)
    audio_key: str = Field(max_length=255)
    audio_bytes: int
    audio_duration: float
    transcript: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    # Keys of the transcript (vtt, srt, json) and chapters files; absent on episodes made before they existed.
    files: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    loudness: dict[str, float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    hosts: list[dict[str, str]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    language: str | None = Field(default=None, max_length=8)
    format: str | None = Field(default=None, max_length=16)
    focus: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The first lines of the note, for the feed's show notes (jobs, and so notes, are pruned after a day).
    note_excerpt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Set while the owner shares the episode: the secret in its public /share/{token} page; None when not shared.
    share_token: str | None = Field(default=None, max_length=64, unique=True, index=True)
    # Edits make new versions (None: the first); the script as voiced, so the next edit starts from it.
    version: int | None = None
    script: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # When the latest version was made (None: never edited)
    updated_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class PodcastVersion(SQLModel, table=True):
    """An earlier version of an edited episode, kept playable until the episode is deleted (the podcast row
    always holds the latest)."""

    __tablename__ = "podcast_versions"

    podcast_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    title: str = Field(max_length=200)
    audio_key: str = Field(max_length=255)
    audio_bytes: int
    audio_duration: float
    transcript: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    files: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    loudness: dict[str, float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))  # of this version


class Lexicon(SQLModel, table=True):
    """A user's pronunciations ({written: spoken}), applied to every episode they voice."""

    __tablename__ = "lexicons"

    user_id: str = Field(primary_key=True, max_length=128)
    entries: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SpeakingPace(SQLModel, table=True):
    """Words per second of finished audio, measured per voice, so later scripts are aimed at the real rate.
    Older episodes weigh less (see store.pace)."""

    __tablename__ = "speaking_pace"

    voice: str = Field(primary_key=True, max_length=255)
    words: float
    seconds: float
    # Seconds of generation work and the seconds of audio they made, from freshly voiced episodes only (a reused
    # episode takes no time): their ratio is this server's speed, for the ETA of later jobs.
    work_seconds: float | None = None
    work_audio_seconds: float | None = None


class FeedToken(SQLModel, table=True):
    """The secret in a user's private podcast feed URL; rotating it cuts off every old subscription."""

    __tablename__ = "feed_tokens"

    user_id: str = Field(primary_key=True, max_length=128)
    token: str = Field(max_length=64)
    # The feed's title is "Notecast — <name>"; None: "My episodes".
    name: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class LinkCode(SQLModel, table=True):
    """A one-time code that attaches another browser to a user's history. Only a hash is kept: a code read from
    the database would otherwise hand out someone's history."""

    __tablename__ = "link_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=128)
    expires_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class HealthProbe(SQLModel, table=True):
    """One row, rewritten by health checks to prove the database still accepts writes."""

    __tablename__ = "health_probe"

    id: int = Field(default=1, primary_key=True)
    checked_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


jobs_table = Job.__table__  # type: ignore[attr-defined]
podcasts_table = Podcast.__table__  # type: ignore[attr-defined]
health_table = HealthProbe.__table__  # type: ignore[attr-defined]
pace_table = SpeakingPace.__table__  # type: ignore[attr-defined]
feed_tokens_table = FeedToken.__table__  # type: ignore[attr-defined]
link_codes_table = LinkCode.__table__  # type: ignore[attr-defined]
versions_table = PodcastVersion.__table__  # type: ignore[attr-defined]
lexicons_table = Lexicon.__table__  # type: ignore[attr-defined]
changes_table = JobChange.__table__  # type: ignore[attr-defined]
deliveries_table = WebhookDelivery.__table__  # type: ignore[attr-defined]
