"""Review before voicing: read and replace a job's script while it awaits review, then approve it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.auth import require_api_key, require_key_for_reads, services
from api.podcasts import JobId
from api.schemas import EnqueueResponse, ScriptResponse, ScriptView, encode, errors, json_response
from errors import ConflictError, NotFound
from pipeline.jobs.review import checked, editable
from store import jobs, queries
from store.models import JobStatus

router = APIRouter(prefix="/api/podcast/jobs", tags=["review"])


IfMatch = Annotated[str, Header(alias="If-Match", max_length=40, description=(
    "The ETag of the script you edited: required, so no one else's edit is overwritten unseen"))]


def version_in(if_match: str) -> int:
    """The version an If-Match header names (-1, matching none, when it names no version)."""
    expected = if_match.removeprefix("W/").strip().strip('"')
    return int(expected) if expected.isascii() and expected.isdecimal() and len(expected) < 10 else -1


def host_names(request: Request, hosts: list[dict[str, str]] | None) -> list[str]:
    """The names a script's speakers must have: the episode's hosts (the server's, on jobs from before hosts
    were recorded)."""
    return [host["name"] for host in hosts] if hosts else [host.name for host in services(request).providers.hosts]


def _answer(job_id: str, script: dict[str, object], version: int) -> Response:
    body = ScriptResponse(jobId=job_id, version=version, script=ScriptView.model_validate(editable(script)))
    return Response(encode(body), media_type="application/json", headers={"ETag": f'"{version}"'})


def _awaiting(request: Request, job_id: str) -> tuple[dict[str, object], int, list[str]]:
    found = queries.script_of(services(request).db, job_id)
    if found is None:
        raise NotFound("Job not found")
    status, script, version, hosts = found
    if status != JobStatus.AWAITING_REVIEW or script is None:
        raise ConflictError(f"Job is {status}; its script can be read and changed only while it awaits review")
    return script, version, host_names(request, hosts)


@router.get("/{jobId}/script", response_model=ScriptResponse, responses=errors(401, 404, 409, 422),
            dependencies=[Depends(require_key_for_reads)])
def get_script(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """The script of a job awaiting review, with its version as the ETag."""
    script, version, _ = _awaiting(request, jobId)
    return _answer(jobId, script, version)


@router.put("/{jobId}/script", response_model=ScriptResponse,
            responses=errors(400, 401, 404, 409, 412, 413, 422), dependencies=[Depends(require_api_key)])
async def put_script(request: Request, jobId: JobId, body: ScriptView, if_match: IfMatch) -> Response:  # noqa: N803
    """Replace the script of a job awaiting review. If-Match must carry the ETag it was read with: a stale one
    (someone saved meanwhile) is a 412."""
    script, _, hosts = await run_in_threadpool(_awaiting, request, jobId)
    stored = await run_in_threadpool(checked, body.model_dump(), hosts, script)
    version = await run_in_threadpool(jobs.replace_script, services(request).db, jobId, stored,
                                      version_in(if_match))
    return _answer(jobId, stored, version)


@router.post("/{jobId}/approve", status_code=202, response_model=EnqueueResponse,
             responses=errors(401, 404, 409, 422), dependencies=[Depends(require_api_key)])
def approve(request: Request, jobId: JobId) -> Response:  # noqa: N803
    """Voice the script as it stands: the job is queued again and goes on like any other."""
    record = services(request).executor.approve(jobId)
    return json_response(EnqueueResponse(jobId=record.job_id, status=JobStatus(record.status),
                                         message="Script approved; voicing is queued. Use the jobId to check status."),
                         status_code=202)
