"""Shapes every part of the API shares: transcript lines, hosts, loudness, errors; and how models become bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pipeline.episode.transcripts import TRANSCRIPT_KINDS
from pipeline.jobs.submission import ID_SCHEMA
from store.media import MediaStore
from store.records import iso_utc

UserId = Annotated[str, Path(description="The userId given when queueing", json_schema_extra=ID_SCHEMA)]


def absent(description: str | None = None) -> Any:
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
    return None if value is None else iso_utc(value)


class TranscriptLine(BaseModel):
    """One turn with its real times in the audio, in seconds."""

    speaker: str = Field(description="The host's name")
    text: str = Field(description="What the host says")
    start: float = Field(description="When the turn starts in the audio, in seconds")
    end: float = Field(description="When it ends, in seconds")
    section: str | None = absent("The chapter (script section) the turn belongs to")


class TranscriptUrls(BaseModel):
    """The timed transcript as files: WebVTT, SRT and Podcasting 2.0 JSON."""

    vtt: str = Field(description="WebVTT, with the speakers as voice tags")
    srt: str = Field(description="SubRip")
    json_: str = Field(alias="json", description="Podcasting 2.0 JSON transcript")


class LoudnessView(BaseModel):
    """EBU R 128 figures read back from the finished file."""

    integrated: float = Field(description="Integrated loudness, LUFS (the target is -16)")
    truePeak: float = Field(description="True peak, dBTP (at most -1)")
    range: float = Field(description="Loudness range, LU")


class HostView(BaseModel):
    """A host of an episode: the name the script uses, and the voice (engine:voice) that speaks it."""

    name: str = Field(description="The name the script uses")
    voice: str = Field(description="The voice that speaks it, engine:voice (see GET /api/voices)")


class ErrorResponse(BaseModel):
    """Every error: a readable sentence, plus the failing fields for validation errors."""

    success: Literal[False] = False
    error: str = Field(description="What went wrong, in a sentence for a person")
    fields: dict[str, str] | None = absent("For a 422: each invalid field, and what is wrong with it")
    jobId: str | None = absent("The job the error is about, when there is one")


# Why each status happens, for the OpenAPI document; each route lists only those it can answer.
_WHY = {400: "The body is not valid JSON", 401: "API_KEYS is set and x-api-key is missing or wrong",
        404: "Not found", 409: "Conflicts with the job's state, or an Idempotency-Key was reused with another body",
        412: "If-Match names a version someone else has replaced: read it again",
        413: "The body is larger than MAX_BODY_BYTES",
        422: "A field is invalid (see `fields`)",
        429: "Too many jobs waiting; retry after Retry-After seconds",
        500: "Generation failed (the job's error says why)"}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route that can fail with `codes`, each in the error shape."""
    return {code: {"model": ErrorResponse, "description": _WHY[code]} for code in codes}


def file_urls(files: dict[str, str] | None, media: MediaStore) -> dict[str, Any]:
    """`transcriptUrls` and `chaptersUrl` for an episode's stored side files (none on episodes made before)."""
    if not files:
        return {}
    return {"transcriptUrls": {kind: media.url_for(files[kind]) for kind in TRANSCRIPT_KINDS},
            "chaptersUrl": media.url_for(files["chapters"])}
