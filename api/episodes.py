"""Managing finished episodes and the history: rename, share, delete an episode; dismiss a failed job."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.auth import require_api_key, services
from api.podcasts import JobId, PodcastId
from api.schemas import (
    DeletedResponse,
    DismissedResponse,
    PodcastResponse,
    PodcastView,
    errors,
    json_response,
)
from errors import NotFound
from pipeline.jobs.submission import TITLE_PATTERN, one_line
from pipeline.services import Services
from pipeline.writers.base import MAX_TITLE_CHARS
from store import jobs, podcasts, queries

router = APIRouter(prefix="/api/podcast", tags=["episodes"], dependencies=[Depends(require_api_key)])


class RenameRequest(BaseModel):
    """A new title for an episode."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(description=f"1-{MAX_TITLE_CHARS} characters, one line",
                       json_schema_extra={"minLength": 1, "maxLength": MAX_TITLE_CHARS, "pattern": TITLE_PATTERN})

    @field_validator("title")
    @classmethod
    def _title_fits(cls, value: str) -> str:
        title = one_line(value, MAX_TITLE_CHARS)
        if title is None:
            raise ValueError("must not be empty")
        return title


def _podcast_response(shared: Services, podcast_id: str) -> Response:
    podcast = queries.get_podcast(shared.db, podcast_id)
    if podcast is None:
        raise NotFound("Podcast not found")
    return json_response(PodcastResponse(podcast=PodcastView.of(podcast, shared.providers.media,
                                                                shared.settings.public_base_url)))


@router.patch("/{podcastId}", response_model=PodcastResponse, responses=errors(400, 401, 404, 413, 422))
def rename_podcast(request: Request, podcastId: PodcastId, body: RenameRequest) -> Response:  # noqa: N803
    """Give an episode a new title; its feed item, page and download names follow."""
    shared = services(request)
    podcasts.rename(shared.db, podcastId, body.title)
    return _podcast_response(shared, podcastId)


@router.delete("/{podcastId}", response_model=DeletedResponse, responses=errors(401, 404, 422))
async def delete_podcast(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """Delete an episode for good: its audio, transcripts, chapters, share link and feed item."""
    shared = services(request)
    await run_in_threadpool(podcasts.delete_episode, shared.db, shared.providers.media, podcastId)
    return json_response(DeletedResponse(podcastId=podcastId))


@router.post("/{podcastId}/share", response_model=PodcastResponse, responses=errors(401, 404, 422))
def share_podcast(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """Make (or return) the episode's public share link, `shareUrl`: a page that plays it with its transcript and
    shows nothing else of the history."""
    shared = services(request)
    podcasts.share(shared.db, podcastId)
    return _podcast_response(shared, podcastId)


@router.delete("/{podcastId}/share", response_model=PodcastResponse, responses=errors(401, 404, 422))
def stop_sharing_podcast(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """Revoke the share link: its page answers 404 from now on."""
    shared = services(request)
    podcasts.stop_sharing(shared.db, podcastId)
    return _podcast_response(shared, podcastId)


@router.post("/jobs/{jobId}/dismiss", response_model=DismissedResponse, responses=errors(401, 404, 409, 422))
def dismiss_job(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """Remove a failed or cancelled job from the history; other states are a 409."""
    jobs.dismiss(services(request).db, jobId)
    return json_response(DismissedResponse(jobId=jobId))
