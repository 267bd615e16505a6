"""Scripts as people read and edit them (a job awaiting review, or a finished episode), the versions an edit
makes, and a user's pronunciations."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import TranscriptLine, TranscriptUrls, absent, file_urls, iso
from pipeline.jobs.review import MAX_LEXICON, MAX_SPOKEN_CHARS, MAX_WRITTEN_CHARS, MIN_WRITTEN_CHARS
from pipeline.jobs.submission import HOST_NAME_PATTERN
from store.media import MediaStore

_LINE, _SOLID = r"[^\x00-\x1f\x7f-\x9f]", r"[^\s\x00-\x1f\x7f-\x9f]"
WRITTEN_PATTERN = rf"^{_LINE}*{_SOLID}{_LINE}*{_SOLID}{_LINE}*$"  # two visible characters, one line


class Pronunciation(BaseModel):
    """How to say a written word or name."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(description='The written form, as it appears in the text (e.g. "Nginx"); any case, at least '
                                  "two characters", json_schema_extra={
                                      "minLength": MIN_WRITTEN_CHARS, "maxLength": MAX_WRITTEN_CHARS,
                                      "pattern": WRITTEN_PATTERN})
    say: str = Field(description='What the voice says instead (e.g. "engine x")',
                     json_schema_extra={"minLength": 1, "maxLength": MAX_SPOKEN_CHARS, "pattern": HOST_NAME_PATTERN})


class ScriptTurn(BaseModel):
    """One turn: who says it and what they say."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, description="The turn's id as read (ignored on write: order decides)")
    speaker: str = Field(description="One of the episode's hosts")
    text: str = Field(description="What the host says (1-2,000 characters)")
    say: list[Pronunciation] | None = absent("Spoken forms for words in this turn's text (at most 20)")


class ScriptSection(BaseModel):
    """A chapter of the episode."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(description="The chapter's title")
    turns: list[ScriptTurn]


class ScriptView(BaseModel):
    """A script: its title and its sections of turns (at most 400 turns)."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(description="The episode's title")
    sections: list[ScriptSection]


class ScriptResponse(BaseModel):
    """A job's script, and its version (also sent as the ETag; send it back as If-Match to replace it)."""

    success: Literal[True] = True
    jobId: str
    version: int = Field(description="Changes with every saved edit")
    script: ScriptView


class PodcastScriptResponse(BaseModel):
    """A finished episode's script as voiced, and the episode's version (also the ETag; send it back as
    If-Match to make the next version)."""

    success: Literal[True] = True
    podcastId: str = Field(description="The episode's id")
    version: int = Field(description="The episode's version: 1, then one more per edit")
    script: ScriptView


class EditQueuedResponse(BaseModel):
    """An edited script was accepted; its voicing is queued as a job like any other."""

    success: Literal[True] = True
    jobId: str = Field(description="Poll GET /api/podcast/jobs/{jobId} with it")
    podcastId: str = Field(description="The episode being edited")
    version: int = Field(description="The version the job makes")
    changedTurns: int = Field(description="Turns that are new or changed: only these are voiced")
    status: Literal["queued"] = Field(default="queued", description="The job's status: queued")
    message: str = Field(description="What happens next, for a person")


class VersionView(BaseModel):
    """One version of an episode, with its audio and transcript."""

    version: int = Field(description="1 for the episode as first made, then one more per edit")
    current: bool = Field(description="true for the version the feed and episode page show")
    title: str = Field(description="The episode's title in this version")
    audioUrl: str = Field(description="Where to play or download this version")
    audioDuration: float = Field(description="Its length in seconds")
    transcript: list[TranscriptLine] = Field(description="Every turn with its times in this version's audio")
    transcriptUrls: TranscriptUrls | None = absent("The transcript as WebVTT, SRT and JSON files")
    chaptersUrl: str | None = absent("Podcasting 2.0 chapters (JSON)")
    createdAt: str = Field(description="When this version was made (ISO 8601, UTC)")

    @classmethod
    def of(cls, row: dict[str, Any], version: int, current: bool, media: MediaStore) -> VersionView:
        """The view of a podcast row (the current version) or an archived version's row."""
        return cls.model_validate({
            "version": version, "current": current, "title": row["title"],
            "audioUrl": media.url_for(row["audio_key"]), "audioDuration": row["audio_duration"],
            "transcript": row["transcript"], **file_urls(row.get("files"), media),
            "createdAt": iso(row.get("updated_at") or row["created_at"]),
        })


class VersionListResponse(BaseModel):
    """Every version of an episode, newest first."""

    success: Literal[True] = True
    podcastId: str = Field(description="The episode's id")
    versions: list[VersionView] = Field(description="Newest first; the first is the current one")


class LexiconBody(BaseModel):
    """A user's whole lexicon (replaces the one stored; an empty list removes it)."""

    model_config = ConfigDict(extra="ignore")

    entries: list[Pronunciation] = Field(description="At most 500 entries, each written form once (in any case)",
                                         json_schema_extra={"maxItems": MAX_LEXICON})


class LexiconResponse(BaseModel):
    """A user's pronunciations, applied to every episode voiced for them from now on."""

    success: Literal[True] = True
    userId: str = Field(description="Whose lexicon it is")
    entries: list[Pronunciation] = Field(description="Written forms and what to say instead, by written form")
