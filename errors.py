"""Notecast's error tree. Every message is written for the person who will read it.

    NotecastError
    ├── InputError            the request is invalid (422)
    │   └── PayloadTooLarge   the body is over the limit (413)
    ├── MalformedRequest      the body is not JSON (400)
    ├── AuthError             missing or wrong API key (401)
    ├── NotFound              no such job, podcast or file (404)
    ├── ConflictError         the job is not in a state that allows this, or an idempotency key was reused (409)
    │   └── PreconditionFailed  an edit based on a version someone else has replaced (412)
    ├── QueueFullError        too many jobs waiting; retry later (429, with Retry-After)
    └── ProviderError         a step of generation failed; the job fails with this message
        ├── ScriptError
        ├── VoiceError
        ├── AudioError
        └── StorageError

The API maps these to HTTP in one place (`api/errors.py`); the executor records `ProviderError`
messages on the failed job.
"""

from __future__ import annotations


class NotecastError(Exception):
    """Base of every error Notecast raises on purpose."""

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InputError(NotecastError):
    """The caller sent something invalid."""


class PayloadTooLarge(InputError):
    """The request body is larger than allowed."""


class MalformedRequest(NotecastError):
    """The body could not be parsed at all."""


class AuthError(NotecastError):
    """Missing or wrong credentials."""


class NotFound(NotecastError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class ConflictError(NotecastError):
    """The request conflicts with the current state."""


class PreconditionFailed(ConflictError):
    """The write names a version (If-Match) that is no longer the current one."""


class QueueFullError(NotecastError):
    """Back-pressure: nothing was accepted; the caller should retry after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderError(NotecastError):
    """A generation step failed."""


class ScriptError(ProviderError):
    """The script could not be written."""


class VoiceError(ProviderError):
    """A turn could not be voiced."""


class AudioError(ProviderError):
    """Combining, encoding or checking audio failed."""


class StorageError(ProviderError):
    """The episode could not be stored or verified."""
