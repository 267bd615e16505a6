"""A user's pronunciations: written words and names, and how every voice should say them in their episodes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.auth import require_api_key, services
from api.schemas import LexiconBody, LexiconResponse, UserId, errors, json_response
from errors import InputError
from pipeline.jobs.review import checked_lexicon
from pipeline.jobs.submission import ID_RULE, is_valid_id
from store import lexicons

router = APIRouter(tags=["pronunciation"], dependencies=[Depends(require_api_key)])


def _answer(user_id: str, entries: dict[str, str]) -> Response:
    return json_response(LexiconResponse(userId=user_id, entries=[
        {"text": written, "say": spoken} for written, spoken in sorted(entries.items(), key=lambda e: e[0].casefold())
    ]))


def _check_user(user_id: str) -> None:
    if not is_valid_id(user_id):
        raise InputError(f"Invalid request: userId {ID_RULE}", fields={"userId": ID_RULE})


@router.get("/api/users/{userId}/lexicon", response_model=LexiconResponse, responses=errors(401, 422))
def get_lexicon(request: Request, userId: UserId) -> Response:  # noqa: N803
    """The user's pronunciations (empty until set)."""
    _check_user(userId)
    return _answer(userId, lexicons.entries_of(services(request).db, userId))


@router.put("/api/users/{userId}/lexicon", response_model=LexiconResponse, responses=errors(400, 401, 413, 422))
async def put_lexicon(request: Request, userId: UserId, body: LexiconBody) -> Response:  # noqa: N803
    """Replace the user's pronunciations. Every episode voiced for them from now on says each written form
    (a whole word, in any case) as given; a turn's own pronunciation wins over the lexicon's."""
    _check_user(userId)
    entries = await run_in_threadpool(checked_lexicon, [entry.model_dump() for entry in body.entries])
    await run_in_threadpool(lexicons.replace, services(request).db, userId, entries)
    return _answer(userId, entries)
