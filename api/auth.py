"""API-key checks. Keys are compared in constant time and never logged or echoed."""

from __future__ import annotations

import hmac

from fastapi import Request

from errors import AuthError
from pipeline.services import Services


def services(request: Request) -> Services:
    """The shared services, attached to the app at start-up."""
    return request.app.state.services  # type: ignore[no-any-return]


def _key_matches(given: str, keys: list[str]) -> bool:
    # Check every key, so the time taken does not tell which one nearly matched.
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given.encode(), key.encode())
    return matched


async def require_api_key(request: Request) -> None:
    """For writes and per-user listings: a valid `x-api-key` when API_KEYS is set (no I/O, so async: no thread hop)."""
    keys = services(request).settings.api_key_list
    if not keys:
        return
    given = request.headers.get("x-api-key")
    if not given:
        raise AuthError("Missing API key: send it in the x-api-key header")
    if not _key_matches(given, keys):
        raise AuthError("Invalid API key")


async def require_key_for_reads(request: Request) -> None:
    """For reads by id: open by default (the seed's client sends no key), keyed when the setting says so."""
    if services(request).settings.require_key_for_job_reads:
        await require_api_key(request)
