"""Plain records passed between the store and its callers, and the id and clock helpers they use."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict


class TranscriptLine(TypedDict):
    """One turn of an episode, timed in the final audio (seconds)."""

    speaker: str
    text: str
    start: float
    end: float
    section: NotRequired[str]  # the script section (chapter) the turn belongs to


Transcript = list[TranscriptLine]


def utcnow() -> datetime:
    """Now, in UTC, at millisecond precision (what the API shows)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and `Z`, as every time in the API is written."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def as_utc(value: datetime | str | None) -> datetime | None:
    """SQLite hands back naive datetimes (or, from the driver directly, strings); they were stored as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
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
    hosts: list[dict[str, str]] | None = None  # [{name, voice}], first the host who opens the episode
    language: str | None = None  # ISO 639-1
    format: str = "conversation"
    focus: str | None = None
    notices: list[str] | None = None
    review: bool = False  # stop after the script, until approved
    callback_url: str | None = None  # where its webhooks go (already checked)


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
    cancelled_at: datetime | None = None
    attempts: int = 0
    segments_total: int | None = None
    segments_cached: int | None = None
    audio_key: str | None = None
    audio_duration: float | None = None
    transcript: Transcript | None = None
    podcast_title: str | None = None
    files: dict[str, str] | None = None
    loudness: dict[str, float] | None = None
    hosts: list[dict[str, str]] | None = None
    language: str | None = None
    format: str | None = None
    focus: str | None = None
    notices: list[str] | None = None
    review: bool | None = None
    script_version: int | None = None
    edit_version: int | None = None

    @property
    def display_title(self) -> str | None:
        """The given title, else the one the script writer chose."""
        return self.title or self.podcast_title

    @classmethod
    def from_row(cls, row: Any) -> JobRecord:
        """Build from a mapping row holding (at least) every field."""
        data = dict(row)
        for name in ("created_at", "started_at", "completed_at", "cancelled_at"):
            data[name] = as_utc(data.get(name))
        for name in ("transcript", "files", "loudness", "hosts", "notices"):
            if isinstance(data.get(name), str | bytes):  # straight from the driver
                data[name] = json.loads(data[name])
        if data.get("review") is not None:
            data["review"] = bool(data["review"])  # SQLite's driver hands back 0/1
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
    attempts: int = 1
    hosts: list[dict[str, str]] | None = None
    language: str | None = None
    format: str | None = None
    focus: str | None = None
    # The speaking rate measured on earlier episodes with this voice (words per second of finished audio).
    words_per_second: float | None = None
    review: bool | None = None  # stop after writing the script (unless `script` is already given)
    script: dict[str, Any] | None = None  # the approved script to voice (checkpoints.script_json's shape)
    edit_version: int | None = None  # re-voicing an edited episode: the version this job makes
    lexicon: dict[str, str] | None = None  # the user's pronunciations, {written: spoken}

    @property
    def media_id(self) -> str:
        """What this job's files are stored under: the podcast id, with the version for an edit (an edit that
        fails must not touch the version people are listening to)."""
        return f"{self.podcast_id}-v{self.edit_version}" if self.edit_version else self.podcast_id


@dataclass(frozen=True)
class FinishedEpisode:
    """The verified result of a job, written together with the job's completion."""

    title: str
    audio_key: str
    audio_bytes: int
    audio_duration: float
    transcript: Transcript
    files: dict[str, str] | None = None  # transcript and chapters keys, by kind (vtt, srt, json, chapters)
    loudness: dict[str, float] | None = None  # as read back from the final file
    words: int = 0
    target_words: int = 0
    voiced_fresh: bool = True  # False when the whole episode came from the cache (it took no real work)
    note_excerpt: str = ""  # the note's first lines, for show notes
    script: dict[str, Any] | None = None  # the script as voiced (checkpoints.script_json's shape)
