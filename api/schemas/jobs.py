"""Jobs as the API shows them: queued, polled, listed, and the synchronous call's answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import HostView, LoudnessView, TranscriptLine, TranscriptUrls, absent, file_urls, iso
from pipeline.durations import expected_seconds, target_seconds
from pipeline.progress import Milestone
from pipeline.writers.base import FormatName, format_name
from store.media import MediaStore
from store.models import JobStatus
from store.records import JobRecord


class SegmentCounts(BaseModel):
    """Voiced turns in the episode, and how many came from the segment cache."""

    total: int = Field(description="Turns to voice")
    cached: int = Field(description="Of those, how many were reused from earlier episodes")


class JobView(BaseModel):
    """A job's state; the podcast fields appear once it is completed."""

    jobId: str = Field(description="The job's id, as returned when it was queued")
    status: JobStatus = Field(description="queued → processing → completed, failed or cancelled")
    progress: int = Field(ge=0, le=100, description="0-100, paced so equal steps take about equal time")
    currentStep: str = Field(description='What is happening now, for a person ("Voicing line 17 of 35")')
    noteId: str = Field(description="The noteId given when queueing")
    userId: str = Field(description="The userId given when queueing")
    duration: str = Field(description="The length asked for: short, medium or long")
    title: str | None = absent("The title given, else the one the script writer chose (once it has)")
    createdAt: str = Field(description="When the job was queued (ISO 8601, UTC)")
    startedAt: str | None = absent("When generation started")
    completedAt: str | None = absent("When it completed, failed or was cancelled")
    cancelledAt: str | None = absent("When it was cancelled")
    error: str | None = absent("Why it failed, for a person")
    attempts: int | None = absent("Times generation was started; above 1 after an interruption was resumed")
    segments: SegmentCounts | None = absent("Turns to voice, once the script is written")
    voicedTurns: int | None = absent("Turns voiced by this job (the rest came from the segment cache), once known")
    reusedTurns: int | None = absent("Turns whose audio was reused from the segment cache, once known")
    version: int | None = absent("For the re-voicing of an edited episode: the version of it this job makes")
    targetWords: int | None = absent("Words the script was asked for")
    scriptWords: int | None = absent("Words the script has")
    targetSeconds: int = Field(description="How long an episode of this duration and format should last")
    expectedSeconds: int | None = absent(
        "How long the written script will last; below targetSeconds when the note cannot fill the length asked "
        "for (see notices)")
    format: FormatName = Field(default="conversation", description="conversation, brief or debate")
    focus: str | None = absent("What the episode was asked to dwell on")
    review: bool | None = absent("true when the job was asked to stop for a review of its script")
    queuePosition: int | None = absent("1 for the next job to run; only while queued")
    etaSeconds: int | None = absent(
        "Seconds until the job completes, from this server's measured speed and the jobs ahead; absent until "
        "the server has made an episode with these voices")
    notices: list[str] = Field(default_factory=list, description=(
        "Plain sentences for the listener: a very short note, a link that is not fetched, a debate made as a "
        "conversation, a note that cannot fill the length asked for"))
    hosts: list[HostView] | None = absent("The two hosts, first the one who opens the episode")
    language: str | None = absent("The note's language (ISO 639-1), which the hosts speak")
    previewUrl: str | None = absent(
        "While the job is voicing: the episode so far, an MP3 that grows as lines are voiced (play it at once; a "
        "player at its end waits for more). Replaced by audioUrl on completion")
    podcastId: str | None = absent("The episode's id (GET /api/podcast/{podcastId}); once completed")
    audioUrl: str | None = absent("Where to play or download the episode; once completed")
    audioDuration: float | None = absent("The episode's length in seconds; once completed")
    transcript: list[TranscriptLine] | None = absent("Every turn with its times in the audio; once completed")
    transcriptUrls: TranscriptUrls | None = absent("The transcript as WebVTT, SRT and JSON files")
    chaptersUrl: str | None = absent("Podcasting 2.0 chapters (JSON)")
    loudness: LoudnessView | None = absent("Loudness measured on the finished file")

    @classmethod
    def of(cls, record: JobRecord, media: MediaStore, queue_position: int | None = None,
           eta_seconds: int | None = None, preview_base: str | None = None) -> JobView:
        """The view of a job row (with its place in the queue and ETA when the caller looked them up).
        `preview_base` (the server's public address) when live previews are on."""
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
            "segments": segments, "version": record.edit_version,
            **({"voicedTurns": record.segments_total - (record.segments_cached or 0),
                "reusedTurns": record.segments_cached or 0} if record.segments_total is not None else {}),
            "targetWords": record.target_words, "scriptWords": record.script_words,
            "targetSeconds": target, "expectedSeconds": expected_seconds(target, record.target_words,
                                                                         record.script_words),
            "format": format_name(record.format), "focus": record.focus, "notices": record.notices or [],
            "review": True if record.review else None,
            "queuePosition": queue_position or None, "etaSeconds": eta_seconds,
            "hosts": record.hosts, "language": record.language,
            "previewUrl": preview_url(preview_base, record.job_id, record.status, record.progress),
            **({"podcastId": record.podcast_id, "audioUrl": media.url_for(record.audio_key or ""),
                "audioDuration": record.audio_duration, "transcript": record.transcript,
                "loudness": record.loudness, **file_urls(record.files, media)} if done else {}),
        })


class EnqueueResponse(BaseModel):
    """Answer to an accepted generation request."""

    success: Literal[True] = True
    jobId: str = Field(description="Poll GET /api/podcast/jobs/{jobId} with it")
    status: JobStatus = Field(description="queued")
    message: str = Field(description="What to do next, for a person")


class JobResponse(BaseModel):
    """`GET /api/podcast/jobs/{jobId}`."""

    success: Literal[True] = True
    job: JobView


class JobListResponse(BaseModel):
    """A page of a user's jobs, newest first; pass `nextCursor` as `cursor` for the next page."""

    success: Literal[True] = True
    jobs: list[JobView]
    nextCursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")


class SyncGenerateResponse(BaseModel):
    """`POST /api/podcast/generate` when the episode finished within the wait limit."""

    success: Literal[True] = True
    jobId: str
    status: JobStatus
    podcastId: str
    audioUrl: str
    audioDuration: float = Field(description="Seconds")
    transcript: list[TranscriptLine]
    job: JobView = Field(description="The whole job, as GET /api/podcast/jobs/{jobId} shows it")


def preview_url(preview_base: str | None, job_id: str, status: str, progress: int) -> str | None:
    """Where a job's live preview streams, offered while its lines are being voiced (previews on when
    `preview_base`, the server's public address, is given)."""
    if preview_base is None or status != JobStatus.PROCESSING:
        return None
    if not Milestone.VOICING <= progress < Milestone.VOICED:
        return None
    return f"{preview_base}/api/podcast/jobs/{job_id}/preview"
