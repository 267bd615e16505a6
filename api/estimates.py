"""`POST /api/podcast/estimate`: how long an episode a note can fill, per length, before generating."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import require_api_key, services
from api.schemas import errors, json_response
from errors import InputError
from pipeline.durations import DurationName
from pipeline.episode.estimate import estimate
from pipeline.jobs.submission import NoteRequest, language_refusal
from pipeline.writers.base import FormatName
from pipeline.writers.language import detect

router = APIRouter(prefix="/api/podcast", tags=["podcast"])


class LengthView(BaseModel):
    """One length on offer for this note."""

    duration: DurationName
    targetSeconds: int
    seconds: int  # what this note would make at that length
    fills: bool  # whether that reaches the length (within 15 %)


class EstimateResponse(BaseModel):
    """What a note can make, per length, with one sentence for people."""

    success: Literal[True] = True
    format: FormatName
    lengths: list[LengthView]
    mostSeconds: int | None  # the longest episode the note makes; null when the writer can fill any length
    summary: str
    notices: list[str]


@router.post("/estimate", response_model=EstimateResponse,
             responses=errors(400, 401, 413, 422))
async def estimate_lengths(request: Request, body: NoteRequest) -> Response:
    """Estimate the episode each length would make from this note (nothing is generated or stored)."""
    await require_api_key(request)
    found = services(request)
    chosen = body.chosen_hosts(found.providers)
    refusal = language_refusal(detect(body.note_content), found.providers, chosen)
    if refusal is not None:  # the same 422 a submission of this note would get
        raise InputError(refusal, fields={"noteContent": refusal})
    hosts = [host.as_json() for host in chosen]
    result = await run_in_threadpool(estimate, found.providers, found.executor.mix, found.db, body.note_content,
                                     body.title, body.format, body.focus, hosts)
    return json_response(EstimateResponse(
        format=body.format, mostSeconds=result.most_seconds, summary=result.summary, notices=result.notices,
        lengths=[LengthView(duration=length.duration, targetSeconds=length.target_seconds,
                            seconds=length.seconds, fills=length.fills) for length in result.lengths]))
