"""API-key checks. Keys are compared in constant time and never logged or echoed."""

from __future__ import annotations

import hmac

from fastapi import Request

from errors import AuthError
from pipeline.services import Services


def services(request: Request) -> Services:
    """The shared services, attached to the app at start-up."""
    return request.app.state.services  # type: ignore[no-any-return]


def _key_matches(given: bytes, keys: list[str]) -> bool:
    # Check every key, so the time taken does not tell which one nearly matched.
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key.encode())
    return matched


def key_problem(given: bytes | str | None, keys: list[str]) -> str | None:
    """Why `given` does not open the API (None when it does, or when no keys are configured)."""
    if not keys:
        return None
    if not given:
        return "Missing API key: send it in the x-api-key header"
    if not _key_matches(given.encode() if isinstance(given, str) else given, keys):
        return "Invalid API key"
    return None


async def require_api_key(request: Request) -> None:
    """For writes and per-user listings: a valid `x-api-key` when API_KEYS is set (no I/O, so async: no thread hop)."""
    problem = key_problem(request.headers.get("x-api-key"), services(request).settings.api_key_list)
    if problem is not None:
        raise AuthError(problem)


async def require_key_for_reads(request: Request) -> None:
    """For reads by id: open by default (the seed's client sends no key), keyed when the setting says so."""
    if services(request).settings.require_key_for_job_reads:
        await require_api_key(request)
