"""The one place errors become HTTP responses: `{"success": false, "error": "..."}` with the right status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from api.schemas import ErrorResponse, encode
from errors import (
    AuthError,
    ConflictError,
    InputError,
    MalformedRequest,
    NotecastError,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ProviderError,
    QueueFullError,
)
from pipeline.jobs.submission import describe_errors, summarize

log = logging.getLogger(__name__)

_STATUS = {PayloadTooLarge: 413, InputError: 422, MalformedRequest: 400, AuthError: 401, NotFound: 404,
           ConflictError: 409, PreconditionFailed: 412, QueueFullError: 429}
_HTTP_MESSAGES = {404: "Not found", 405: "Method not allowed", 400: "The request body could not be read"}


def error_response(status: int, message: str, headers: dict[str, str] | None = None, *,
                   fields: dict[str, str] | None = None, job_id: str | None = None) -> Response:
    """Our error shape."""
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "ApiKey"}
    body = ErrorResponse(error=message, fields=fields, jobId=job_id)
    return Response(encode(body), status_code=status, headers=headers, media_type="application/json")


def status_for(exc: NotecastError) -> int:
    """HTTP status for one of our errors."""
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 500 if isinstance(exc, ProviderError) else 400


async def _notecast_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotecastError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, QueueFullError) else None
    return error_response(status_for(exc), exc.message, headers, fields=exc.fields or None)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "Malformed JSON: the request body is not valid JSON")
    fields = describe_errors(errors)
    return error_response(422, summarize(fields), fields=fields)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 400 else None
    return error_response(exc.status_code, _HTTP_MESSAGES.get(exc.status_code) or detail or "Request failed")


async def _unexpected(_request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the API app."""
    app.add_exception_handler(NotecastError, _notecast_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
