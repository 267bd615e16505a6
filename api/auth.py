"""API-key checks. Keys are compared in constant time and never logged or echoed."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import FastAPI, Request

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


_KEYED_READS = ("/api/podcast/jobs/user/", "/api/users/")  # per-user listings need the key like writes


def document_api_key(app: FastAPI, keys_set: bool, reads_keyed: bool) -> None:
    """When API_KEYS is set, declare `x-api-key` in /openapi.json (an Authorize button in /docs; generated
    clients send it) on the operations that check it: writes and per-user listings, and reads by id when
    REQUIRE_KEY_FOR_JOB_READS is on. An open server declares none, since none is checked."""
    if not keys_set:
        return
    plain = app.openapi

    def with_key() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            schema.setdefault("components", {}).setdefault("securitySchemes", {})["ApiKey"] = {
                "type": "apiKey", "in": "header", "name": "x-api-key",
                "description": "Needed when the server sets API_KEYS"}
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    keyed = method not in ("get", "head") or path.startswith(_KEYED_READS) or (
                        reads_keyed and path.startswith("/api/podcast/"))
                    if keyed and path.startswith("/api/") and not path.startswith("/api/voices"):
                        operation["security"] = [{"ApiKey": []}]
        return app.openapi_schema or plain()

    app.openapi = with_key  # type: ignore[method-assign]
