"""Editing a finished episode: read its script, save an edited one (queued as the next version, voicing only the
turns that changed), and list its versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.auth import require_api_key, require_key_for_reads, services
from api.podcasts import PodcastId
from api.schemas import (
    EditQueuedResponse,
    PodcastScriptResponse,
    ScriptView,
    VersionListResponse,
    VersionView,
    encode,
    errors,
    json_response,
)
from api.scripts import IfMatch, host_names, version_in
from errors import InputError, NotFound, PreconditionFailed
from pipeline.episode.editing import changed_turns, edit_job, script_of
from pipeline.jobs.review import checked, editable
from store import queries, versions

router = APIRouter(prefix="/api/podcast", tags=["editing"])


def _podcast(request: Request, podcast_id: str) -> dict[str, Any]:
    podcast = queries.get_podcast(services(request).db, podcast_id)
    if podcast is None:
        raise NotFound("Podcast not found")
    return podcast


@router.get("/{podcastId}/script", response_model=PodcastScriptResponse, responses=errors(401, 404, 422),
            dependencies=[Depends(require_key_for_reads)])
def get_script(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """The episode's script as voiced, with its version as the ETag."""
    podcast = _podcast(request, podcastId)
    version = podcast["version"] or 1
    body = PodcastScriptResponse(podcastId=podcastId, version=version,
                                 script=ScriptView.model_validate(editable(script_of(podcast))))
    return Response(encode(body), media_type="application/json", headers={"ETag": f'"{version}"'})


@router.put("/{podcastId}/script", status_code=202, response_model=EditQueuedResponse,
            responses=errors(400, 401, 404, 409, 412, 413, 422, 429), dependencies=[Depends(require_api_key)])
async def put_script(request: Request, podcastId: PodcastId, body: ScriptView, if_match: IfMatch) -> Response:  # noqa: N803
    """Make the next version of the episode from an edited script. Only new or changed turns are voiced; the
    rest comes from the segment cache. The job runs like any other (poll it, cancel it). If-Match must carry the
    version the script was read at: a stale one (someone else's edit landed first) is a 412."""
    podcast = await run_in_threadpool(_podcast, request, podcastId)
    based_on = version_in(if_match)
    if based_on != (podcast["version"] or 1):  # checked again, atomically, when the job is queued
        raise PreconditionFailed("The episode was edited since you read its script (If-Match is stale): "
                                 "read it again")
    current = script_of(podcast)
    edited = await run_in_threadpool(checked, body.model_dump(), host_names(request, podcast.get("hosts")), current)
    changed = changed_turns(current, edited)
    if not changed and edited["title"] == current["title"] and _shape(edited) == _shape(current):
        raise InputError("The script is unchanged: there is nothing to voice", fields={"sections": "unchanged"})
    record = await run_in_threadpool(services(request).executor.submit_edit, edit_job(podcast, edited), podcastId,
                                     based_on, edited)
    version = record.edit_version or 0
    return json_response(EditQueuedResponse(
        jobId=record.job_id, podcastId=podcastId, version=version, changedTurns=changed,
        message=f"Voicing {changed} changed line{'s' * (changed != 1)} as version {version}. "
                "Use the jobId to check status."), status_code=202)


def _shape(script: dict[str, Any]) -> list[Any]:
    return [[section["title"], section["turns"]] for section in script["sections"]]


@router.get("/{podcastId}/versions", response_model=VersionListResponse, responses=errors(401, 404, 422),
            dependencies=[Depends(require_key_for_reads)])
def list_versions(request: Request, podcastId: PodcastId) -> Response:  # noqa: N803
    """Every version of the episode, newest (the one the feed and the episode page show) first."""
    shared = services(request)
    podcast = _podcast(request, podcastId)
    media = shared.providers.media
    views = [VersionView.of(podcast, podcast["version"] or 1, True, media)]
    views += [VersionView.of(row, row["version"], False, media) for row in versions.earlier(shared.db, podcastId)]
    return json_response(VersionListResponse(podcastId=podcastId, versions=views))
