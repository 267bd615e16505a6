"""Finished episodes as the API shows them, what managing them answers, and a user's feed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import HostView, LoudnessView, TranscriptLine, TranscriptUrls, absent, file_urls, iso
from pipeline.durations import target_seconds
from pipeline.writers.base import FormatName, format_name
from store.media import MediaStore, content_type
from store.records import as_utc


class PodcastView(BaseModel):
    """A stored episode."""

    podcastId: str = Field(description="The episode's id")
    jobId: str = Field(description="The job that made it")
    userId: str = Field(description="Whose history it is in")
    noteId: str = Field(description="The noteId given when queueing")
    title: str = Field(description="The episode's title (renamable)")
    duration: str = Field(description="The length asked for: short, medium or long")
    audioUrl: str = Field(description="Where to play or download it")
    audioType: str = Field(description="The audio's media type, e.g. audio/mpeg")
    audioBytes: int = Field(description="The audio file's size")
    audioDuration: float = Field(description="Its length in seconds")
    targetSeconds: int = Field(description="How long an episode of this duration and format should last")
    format: FormatName = Field(default="conversation", description="conversation, brief or debate")
    focus: str | None = absent("What the episode was asked to dwell on")
    hosts: list[HostView] | None = absent("The two hosts, first the one who opens the episode")
    language: str | None = absent("The language the hosts speak (ISO 639-1)")
    transcript: list[TranscriptLine] = Field(description="Every turn with its times in the audio")
    transcriptUrls: TranscriptUrls | None = absent("The transcript as WebVTT, SRT and JSON files")
    chaptersUrl: str | None = absent("Podcasting 2.0 chapters (JSON)")
    loudness: LoudnessView | None = absent("Loudness measured on the finished file")
    shareUrl: str | None = absent("The public page that plays this episode, while it is shared")
    version: int = Field(default=1, description=(
        "1, then one more per edit of its script; earlier versions: GET /api/podcast/{podcastId}/versions"))
    createdAt: str = Field(description="When it was first made (ISO 8601, UTC)")
    updatedAt: str | None = absent("When its latest version was made, once it has been edited")

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
            **file_urls(podcast.get("files"), media), "loudness": podcast.get("loudness"),
            "version": podcast.get("version") or 1, "createdAt": iso(podcast["created_at"]),
            "updatedAt": iso(as_utc(podcast.get("updated_at"))),
        })


class PodcastResponse(BaseModel):
    """`GET /api/podcast/{podcastId}`, and what renaming or sharing an episode answers."""

    success: Literal[True] = True
    podcast: PodcastView


class DeletedResponse(BaseModel):
    """An episode was deleted, with its audio, transcripts, chapters and feed item."""

    success: Literal[True] = True
    podcastId: str = Field(description="The deleted episode")


class DismissedResponse(BaseModel):
    """A failed or cancelled job was removed from its user's history."""

    success: Literal[True] = True
    jobId: str = Field(description="The dismissed job")


class FeedResponse(BaseModel):
    """Where a user's private feed is; anyone with this URL can listen, so rotate it if it leaks."""

    success: Literal[True] = True
    feedUrl: str = Field(description="The private RSS address to add to a podcast app")
    title: str = Field(description='The feed\'s title in podcast apps: "Notecast — <name>", else "Notecast — My '
                                   'episodes"')
    name: str | None = Field(default=None, description="The name the user gave the feed, if any")
