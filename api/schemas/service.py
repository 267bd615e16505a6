"""The server itself: its voices and its health."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import HostView, absent


class VoiceView(BaseModel):
    """A voice: its name for requests (`engine:voice`), a label, its language and a sample to play."""

    name: str = Field(description="engine:voice, as hosts[].voice takes it")
    label: str = Field(description="A name for people")
    language: str = Field(description='ISO 639-1, or "multi" for a voice that speaks the note\'s language')
    sampleUrl: str = Field(description="A short sample to play")


class VoiceListResponse(BaseModel):
    """`GET /api/voices`: every voice this server has, and the hosts an episode gets when none are named."""

    success: Literal[True] = True
    voices: list[VoiceView]
    defaultHosts: list[HostView] = Field(description="The hosts an episode gets when the request names none")


class QueueCounts(BaseModel):
    """Jobs waiting and running."""

    queued: int = Field(description="Jobs waiting")
    processing: int = Field(description="Jobs running")


class HealthResponse(BaseModel):
    """`GET /healthz`: `degraded` (with the reasons) when the executor stalls or the database refuses writes."""

    status: Literal["ok", "degraded"] = "ok"
    version: str = Field(description="Notecast's version")
    queue: QueueCounts
    problems: list[str] | None = absent("Why the server is degraded")
