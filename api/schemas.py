"""The JSON contract (camelCase, as the seed's Next.js client expects): one model per shape, built from the
store's records here. Routes answer with these models, so the OpenAPI schema and the bytes sent are one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pipeline.durations import expected_seconds, target_seconds
from pipeline.episode.transcripts import TRANSCRIPT_KINDS
from pipeline.jobs.submission import ID_SCHEMA
from pipeline.writers.base import FormatName, format_name
from store.media import MediaStore, content_type
from store.models import JobStatus
from store.records import JobRecord

UserId = Annotated[str, Path(description="The userId given when queueing", json_schema_extra=ID_SCHEMA)]


def _absent(description: str | None = None) -> Any:
    """An optional field left out of the JSON when it has no value (the seed's shape omits such keys)."""
    return Field(default=None, exclude_if=lambda value: value is None, description=description)


def encode(model: BaseModel) -> bytes:
    """The model's JSON, as sent (public names; optional fields without a value left out)."""
    return model.model_dump_json(by_alias=True).encode()


def json_response(model: BaseModel, status_code: int = 200) -> Response:
    """A response carrying `model`."""
    return Response(encode(model), status_code=status_code, media_type="application/json")


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
    section: str | None = _absent()


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


class HostView(BaseModel):
    """A host of an episode: the name the script uses, and the voice (engine:voice) that speaks it."""

    name: str
    voice: str


class JobView(BaseModel):
    """A job's state; the podcast fields appear once it is completed."""

    jobId: str
    status: JobStatus
    progress: int = Field(ge=0, le=100)
    currentStep: str
    noteId: str
    userId: str
    duration: str
    title: str | None = _absent()
    createdAt: str
    startedAt: str | None = _absent()
    completedAt: str | None = _absent()
    cancelledAt: str | None = _absent()
    error: str | None = _absent()
    attempts: int | None = _absent()
    segments: SegmentCounts | None = _absent()
    targetWords: int | None = _absent()
    scriptWords: int | None = _absent()
    targetSeconds: int
    expectedSeconds: int | None = _absent(
        "How long the written script will last; below targetSeconds when the note cannot fill the length asked "
        "for (see notices)")
    format: FormatName = "conversation"
    focus: str | None = _absent()
    queuePosition: int | None = _absent("1 for the next job to run; only while queued")
    etaSeconds: int | None = _absent(
        "Seconds until the job completes, from this server's measured speed and the jobs ahead; absent until "
        "the server has made an episode with these voices")
    notices: list[str] = Field(default_factory=list, description=(
        "Plain sentences for the listener: a very short note, a link that is not fetched, a debate made as a "
        "conversation, a note that cannot fill the length asked for"))
    hosts: list[HostView] | None = _absent()
    language: str | None = _absent()
    podcastId: str | None = _absent()
    audioUrl: str | None = _absent()
    audioDuration: float | None = _absent()
    transcript: list[TranscriptLine] | None = _absent()
    transcriptUrls: TranscriptUrls | None = _absent()
    chaptersUrl: str | None = _absent()
    loudness: LoudnessView | None = _absent()

    @classmethod
    def of(cls, record: JobRecord, media: MediaStore, queue_position: int | None = None,
           eta_seconds: int | None = None) -> JobView:
        """The view of a job row (with its place in the queue and ETA when the caller looked them up)."""
        done = record.status == JobStatus.COMPLETED and record.audio_key is not None
        segments = (SegmentCounts(total=record.segments_total, cached=record.segments_cached or 0)
                    if record.segments_total is not None else None)
        target = target_seconds(record.duration, record.format)
        return cls.model_validate({
            "jobId": record.job_id, "status": record.status, "progress": record.progress,
            "currentStep": record.current_step, "noteId": record.note_id, "userId": record.user_id,
            "duration": record.duration, "title": record.display_title, "createdAt": iso(record.created_at),
            "startedAt": iso(record.started_at), "completedAt": iso(record.completed_at),
            "cancelledAt": iso(record.cancelled_at), "error": record.error, "attempts": record.attempts or None,
            "segments": segments, "targetWords": record.target_words, "scriptWords": record.script_words,
            "targetSeconds": target, "expectedSeconds": expected_seconds(target, record.target_words,
                                                                         record.script_words),
            "format": format_name(record.format), "focus": record.focus, "notices": record.notices or [],
            "queuePosition": queue_position or None, "etaSeconds": eta_seconds,
            "hosts": record.hosts, "language": record.language,
            **({"podcastId": record.podcast_id, "audioUrl": media.url_for(record.audio_key or ""),
                "audioDuration": record.audio_duration, "transcript": record.transcript,
                "loudness": record.loudness, **_file_urls(record.files, media)} if done else {}),
        })


class EnqueueResponse(BaseModel):
    """Answer to an accepted generation request."""

    success: Literal[True] = True
    jobId: str
    status: JobStatus
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
    format: FormatName = "conversation"
    focus: str | None = _absent()
    hosts: list[HostView] | None = _absent()
    language: str | None = _absent()
    transcript: list[TranscriptLine]
    transcriptUrls: TranscriptUrls | None = _absent()
    chaptersUrl: str | None = _absent()
    loudness: LoudnessView | None = _absent()
    shareUrl: str | None = _absent("The public page that plays this episode, while it is shared")
    createdAt: str

    @classmethod
    def of(cls, podcast: dict[str, Any], media: MediaStore, public_base_url: str = "") -> PodcastView:
        """The view of a stored podcast row (`public_base_url` makes its share link absolute)."""
        token = podcast.get("share_token")
        return cls.model_validate({
            "shareUrl": f"{public_base_url}/share/{token}" if token else None,
            "podcastId": podcast["podcast_id"], "jobId": podcast["job_id"], "userId": podcast["user_id"],
            "noteId": podcast["note_id"], "title": podcast["title"], "duration": podcast["duration"],
            "audioUrl": media.url_for(podcast["audio_key"]), "audioType": content_type(podcast["audio_key"]),
            "audioBytes": podcast["audio_bytes"], "audioDuration": podcast["audio_duration"],
            "targetSeconds": target_seconds(podcast["duration"], podcast.get("format")),
            "format": format_name(podcast.get("format")), "focus": podcast.get("focus"),
            "transcript": podcast["transcript"],
            "hosts": podcast.get("hosts"), "language": podcast.get("language"),
            **_file_urls(podcast.get("files"), media), "loudness": podcast.get("loudness"),
            "createdAt": iso(podcast["created_at"]),
        })


class PodcastResponse(BaseModel):
    """`GET /api/podcast/{podcastId}`."""

    success: Literal[True] = True
    podcast: PodcastView


class SyncGenerateResponse(BaseModel):
    """`POST /api/podcast/generate` when the episode finished within the wait limit."""

    success: Literal[True] = True
    jobId: str
    status: JobStatus
    podcastId: str
    audioUrl: str
    audioDuration: float
    transcript: list[TranscriptLine]
    job: JobView


class VoiceView(BaseModel):
    """A voice: its name for requests (`engine:voice`), a label, its language and a sample to play."""

    name: str
    label: str
    language: str  # ISO 639-1, or "multi" for a voice that speaks the note's language
    sampleUrl: str


class VoiceListResponse(BaseModel):
    """`GET /api/voices`: every voice this server has, and the hosts an episode gets when none are named."""

    success: Literal[True] = True
    voices: list[VoiceView]
    defaultHosts: list[HostView]


class FeedResponse(BaseModel):
    """Where a user's private feed is; anyone with this URL can listen, so rotate it if it leaks."""

    success: Literal[True] = True
    feedUrl: str
    title: str = Field(description='The feed\'s title in podcast apps: "Notecast — <name>", else "Notecast — My '
                                   'episodes"')
    name: str | None = Field(default=None, description="The name the user gave the feed, if any")


class DeletedResponse(BaseModel):
    """An episode was deleted, with its audio, transcripts, chapters and feed item."""

    success: Literal[True] = True
    podcastId: str


class DismissedResponse(BaseModel):
    """A failed or cancelled job was removed from its user's history."""

    success: Literal[True] = True
    jobId: str


class ErrorResponse(BaseModel):
    """Every error: a readable sentence, plus the failing fields for validation errors."""

    success: Literal[False] = False
    error: str
    fields: dict[str, str] | None = _absent()
    jobId: str | None = _absent()


class QueueCounts(BaseModel):
    """Jobs waiting and running."""

    queued: int
    processing: int


class HealthResponse(BaseModel):
    """`GET /healthz`: `degraded` (with the reasons) when the executor stalls or the database refuses writes."""

    status: Literal["ok", "degraded"] = "ok"
    version: str
    queue: QueueCounts
    problems: list[str] | None = _absent()


def _file_urls(files: dict[str, str] | None, media: MediaStore) -> dict[str, Any]:
    """`transcriptUrls` and `chaptersUrl` for an episode's stored side files (none on episodes made before)."""
    if not files:
        return {}
    return {"transcriptUrls": {kind: media.url_for(files[kind]) for kind in TRANSCRIPT_KINDS},
            "chaptersUrl": media.url_for(files["chapters"])}
