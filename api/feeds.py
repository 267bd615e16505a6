"""Private podcast feeds: `/feeds/{userId}/{feedToken}.xml` for podcast apps, and the API to find or rotate a
user's feed address."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.auth import require_api_key, services
from api.feed_xml import render_feed
from api.schemas import FeedResponse, UserId, errors
from errors import NotFound
from pipeline.audio.tags import default_cover, image_type
from pipeline.feeds import MAX_FEED_NAME_CHARS, feed_title
from pipeline.jobs.submission import TITLE_PATTERN, is_valid_id, one_line
from pipeline.services import Services
from store import feeds, queries
from store.db import Database

router = APIRouter(tags=["feeds"])
_FEED_EPISODES = 300



class RedactFeedTokens(logging.Filter):
    """Keeps feed tokens out of the access log (ACCESS_LOG=true): a token in a log is a leaked subscription."""

    _TOKEN = re.compile(r"(/feeds/[^/\s]+/)[^/\s]+\.xml")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._TOKEN.sub(r"\1<token>.xml", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


def feed_url(shared: Services, user_id: str, token: str) -> str:
    """The absolute URL of a user's feed."""
    return feeds.feed_url(shared.settings.public_base_url, user_id, token)


@router.get("/api/users/{userId}/feed", response_model=FeedResponse, responses=errors(401, 404, 422),
            dependencies=[Depends(require_api_key)])
async def get_feed_url(request: Request, userId: UserId) -> FeedResponse:  # noqa: N803
    """The user's private feed URL (created on first request)."""
    return await _feed_response(request, userId, feeds.token_for)


@router.post("/api/users/{userId}/feed/rotate", response_model=FeedResponse, responses=errors(401, 404, 422),
             dependencies=[Depends(require_api_key)])
async def rotate_feed(request: Request, userId: UserId) -> FeedResponse:  # noqa: N803
    """A new feed URL for the user; the old one answers 404 from now on."""
    return await _feed_response(request, userId, feeds.rotate)


class FeedNameRequest(BaseModel):
    """What to call the feed in podcast apps."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(description=(
        f'≤ {MAX_FEED_NAME_CHARS} characters, one line; the feed is titled "Notecast — <name>". Empty or null: '
        '"My episodes"'), json_schema_extra={"maxLength": MAX_FEED_NAME_CHARS, "pattern": TITLE_PATTERN})

    @field_validator("name")
    @classmethod
    def _name_fits(cls, value: str | None) -> str | None:
        return one_line(value, MAX_FEED_NAME_CHARS)


@router.patch("/api/users/{userId}/feed", response_model=FeedResponse, responses=errors(400, 401, 404, 413, 422),
              dependencies=[Depends(require_api_key)])
async def name_feed(request: Request, userId: UserId, body: FeedNameRequest) -> FeedResponse:  # noqa: N803
    """Name the user's feed; podcast apps show the new title on their next refresh."""
    if not is_valid_id(userId):
        raise NotFound("Feed not found")
    await run_in_threadpool(feeds.set_name, services(request).db, userId, body.name)
    return await _feed_response(request, userId, feeds.token_for)


async def _feed_response(request: Request, user_id: str, token_of: Callable[[Database, str], str]) -> FeedResponse:
    if not is_valid_id(user_id):
        raise NotFound("Feed not found")
    shared = services(request)
    token = await run_in_threadpool(token_of, shared.db, user_id)
    name = await run_in_threadpool(feeds.name_of, shared.db, user_id)
    return FeedResponse(feedUrl=feed_url(shared, user_id, token), name=name,
                        title=feed_title(shared.settings.show_name, name))


def cover_path(shared: Services) -> str:
    """The cover's URL path; apps want it to end in the image type."""
    configured = shared.settings.cover_image
    return "/feeds/cover.png" if configured is None or configured.suffix.lower() == ".png" else "/feeds/cover.jpg"


@router.get("/feeds/cover.{extension}", include_in_schema=False)
def cover(request: Request, extension: str) -> Response:
    """The show's cover art, for feeds and apps."""
    shared = services(request)
    if cover_path(shared) != f"/feeds/cover.{extension}":
        raise NotFound("Cover not found")
    path = shared.settings.cover_image
    data = path.read_bytes() if path else default_cover()
    kind = image_type(data)
    return Response(data, media_type=kind, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/feeds/{userId}/{feedToken}.xml", include_in_schema=False)
def feed(request: Request, userId: str, feedToken: str) -> Response:  # noqa: N803
    """The RSS feed; an unknown user or a wrong token is a plain 404 (it does not say which)."""
    shared = services(request)
    if not is_valid_id(userId) or len(feedToken) > 64 or not feeds.is_valid(shared.db, userId, feedToken):
        raise NotFound("Feed not found")
    base = shared.settings.public_base_url
    body = render_feed(show=shared.settings.show_name, name=feeds.name_of(shared.db, userId), user_id=userId,
                       feed_url=feed_url(shared, userId, feedToken),
                       site_url=f"{base}/episodes", cover_url=base + cover_path(shared),
                       podcasts=queries.list_podcasts_for_user(shared.db, userId, _FEED_EPISODES),
                       media=shared.providers.media)
    # Apps poll feeds; a minute of caching keeps that cheap while new episodes still show up within a minute.
    return Response(body, media_type="application/rss+xml; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=60"})
