"""The JSON contract (camelCase, as the seed's Next.js client expects), and record → JSON conversion."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pipeline.submission import DURATION_MINUTES
from pipeline.transcripts import TRANSCRIPT_KINDS
from store.jobs import JobRecord
from store.media import MediaStore, content_type


def fast_json(body: dict[str, Any], status_code: int = 200) -> Response:
    """A JSON response serialised with orjson (the polling path answers thousands of these a second)."""
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")


def iso(value: datetime | None) -> str | None:
    """ISO-8601 UTC with milliseconds and `Z`, as in the seed."""
    if value is None:
        return None
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TranscriptLine(BaseModel):
    """One turn with its real times in the audio, in seconds."""

    speaker: str
    text: str
    start: float
    end: float
    section: str | None = None


class TranscriptUrls(BaseModel):
    """The timed transcript as files: WebVTT, SRT and Podcasting 2.0 JSON."""

    vtt: str
    srt: str
    json_: str = Field(alias="json")


class LoudnessView(BaseModel):
    """EBU R 128 figures read back from the finished file."""

    integrated: float
    truePeak: float
    range: float


class SegmentCounts(BaseModel):
    """Voiced turns in the episode, and how many came from the segment cache."""

    total: int
    cached: int


class JobView(BaseModel):
    """A job's state; the podcast fields appear once it is completed."""

    jobId: str
    status: Literal["queued", "processing", "completed", "failed", "cancelled"]
    progress: int = Field(ge=0, le=100)
    currentStep: str
    noteId: str
    userId: str
    duration: str
    title: str | None = None
    createdAt: str
    startedAt: str | None = None
    completedAt: str | None = None
    cancelledAt: str | None = None
    error: str | None = None
    attempts: int | None = None
    segments: SegmentCounts | None = None
    targetWords: int | None = None
    scriptWords: int | None = None
    targetSeconds: int
    podcastId: str | None = None
    audioUrl: str | None = None
    audioDuration: float | None = None
    transcript: list[TranscriptLine] | None = None
    transcriptUrls: TranscriptUrls | None = None
    chaptersUrl: str | None = None
    loudness: LoudnessView | None = None


class EnqueueResponse(BaseModel):
    """Answer to an accepted generation request."""

    success: Literal[True] = True
    jobId: str
    status: str
    message: str


class JobResponse(BaseModel):
    """`GET /api/podcast/jobs/{jobId}`."""

    success: Literal[True] = True
    job: JobView


class JobListResponse(BaseModel):
    """A page of a user's jobs, newest first; pass `nextCursor` as `cursor` for the next page."""

    success: Literal[True] = True
    jobs: list[JobView]
    nextCursor: str | None


class PodcastView(BaseModel):
    """A stored episode."""

    podcastId: str
    jobId: str
    userId: str
    noteId: str
    title: str
    duration: str
    audioUrl: str
    audioType: str
    audioBytes: int
    audioDuration: float
    targetSeconds: int
    transcript: list[TranscriptLine]
    transcriptUrls: TranscriptUrls | None = None
    chaptersUrl: str | None = None
    loudness: LoudnessView | None = None
    createdAt: str


class PodcastResponse(BaseModel):
    """`GET /api/podcast/{podcastId}`."""

    success: Literal[True] = True
    podcast: PodcastView


class SyncGenerateResponse(BaseModel):
    """`POST /api/podcast/generate` when the episode finished within the wait limit."""

    success: Literal[True] = True
    jobId: str
    status: str
    podcastId: str
    audioUrl: str
    audioDuration: float
    transcript: list[TranscriptLine]
    job: JobView


class FeedResponse(BaseModel):
    """Where a user's private feed is; anyone with this URL can listen, so rotate it if it leaks."""

    success: Literal[True] = True
    feedUrl: str


class ErrorResponse(BaseModel):
    """Every error: a readable sentence, plus the failing fields for validation errors."""

    success: Literal[False] = False
    error: str
    fields: dict[str, str] | None = None
    jobId: str | None = None


class QueueCounts(BaseModel):
    """Jobs waiting and running."""

    queued: int
    processing: int


class HealthResponse(BaseModel):
    """`GET /healthz`: `degraded` (with the reasons) when the executor stalls or the database refuses writes."""

    status: Literal["ok", "degraded"] = "ok"
    version: str
    queue: QueueCounts
    problems: list[str] | None = None


def job_json(record: JobRecord, media: MediaStore) -> dict[str, Any]:
    """A job as the API shows it, without keys that do not apply."""
    view: dict[str, Any] = {
        "jobId": record.job_id, "status": record.status, "progress": record.progress,
        "currentStep": record.current_step, "noteId": record.note_id, "userId": record.user_id,
        "duration": record.duration, "title": record.display_title, "createdAt": iso(record.created_at),
        "startedAt": iso(record.started_at), "completedAt": iso(record.completed_at),
        "cancelledAt": iso(record.cancelled_at), "error": record.error, "attempts": record.attempts or None,
        "targetWords": record.target_words, "scriptWords": record.script_words,
        "targetSeconds": DURATION_MINUTES.get(record.duration, 0) * 60,
    }
    if record.segments_total is not None:
        view["segments"] = {"total": record.segments_total, "cached": record.segments_cached or 0}
    if record.status == "completed" and record.audio_key:
        view |= {"podcastId": record.podcast_id, "audioUrl": media.url_for(record.audio_key),
                 "audioDuration": record.audio_duration, "transcript": record.transcript,
                 "loudness": record.loudness, **file_urls(record.files, media)}
    return {key: value for key, value in view.items() if value is not None}


def file_urls(files: dict[str, str] | None, media: MediaStore) -> dict[str, Any]:
    """`transcriptUrls` and `chaptersUrl` for an episode's stored side files (none on episodes made before)."""
    if not files:
        return {}
    return {"transcriptUrls": {kind: media.url_for(files[kind]) for kind in TRANSCRIPT_KINDS},
            "chaptersUrl": media.url_for(files["chapters"])}


def podcast_json(podcast: dict[str, Any], media: MediaStore) -> dict[str, Any]:
    """A stored podcast as the API shows it."""
    return {
        "podcastId": podcast["podcast_id"], "jobId": podcast["job_id"], "userId": podcast["user_id"],
        "noteId": podcast["note_id"], "title": podcast["title"], "duration": podcast["duration"],
        "audioUrl": media.url_for(podcast["audio_key"]), "audioType": content_type(podcast["audio_key"]),
        "audioBytes": podcast["audio_bytes"], "audioDuration": podcast["audio_duration"],
        "targetSeconds": DURATION_MINUTES.get(podcast["duration"], 0) * 60, "transcript": podcast["transcript"],
        **file_urls(podcast.get("files"), media), "loudness": podcast.get("loudness"),
        "createdAt": iso(podcast["created_at"]),
    }

