"""The OpenAI SDK client a provider owns, and how its errors map to ours.

Our own retry loop (pipeline.retry) replaces the SDK's, so attempts and waits are bounded, logged and testable.
Messages never carry the API key: a 401 gets a fixed sentence instead of the server's text.
"""

from __future__ import annotations

from collections.abc import Callable

import openai

from errors import ProviderError
from pipeline.retry import Failure, RetryPolicy
from settings import Settings


def make_client(settings: Settings) -> openai.OpenAI:
    """A client for this provider alone; nothing is written to os.environ."""
    return openai.OpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url or None,
        timeout=settings.openai_timeout_seconds,
        max_retries=0,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    """Attempts for every OpenAI call."""
    return RetryPolicy(attempts=settings.openai_max_attempts)


def classifier(error_type: type[ProviderError], secret: str) -> Callable[[Exception], Failure]:
    """Map SDK exceptions to a readable `error_type`, deciding which are worth another attempt."""

    def scrub(text: str) -> str:
        return text.replace(secret, "***") if secret else text

    def classify(exc: Exception) -> Failure:
        if isinstance(exc, openai.AuthenticationError):
            return Failure(error_type("OpenAI rejected the API key (401); check OPENAI_API_KEY"), retryable=False)
        if isinstance(exc, openai.PermissionDeniedError):
            return Failure(error_type("OpenAI refused access to this model or endpoint (403)"), retryable=False)
        if isinstance(exc, openai.NotFoundError):
            return Failure(error_type("OpenAI does not know this model or endpoint (404); check the model name"),
                           retryable=False)
        if isinstance(exc, openai.APITimeoutError):
            return Failure(error_type("OpenAI did not answer in time"), retryable=True)
        if isinstance(exc, openai.APIConnectionError):
            return Failure(error_type("Could not reach the OpenAI server; check OPENAI_BASE_URL"), retryable=True)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status == 429 or status >= 500:
                label = "rate-limited the request" if status == 429 else f"had a server error ({status})"
                return Failure(error_type(f"OpenAI {label}"), retryable=True,
                               retry_after=_retry_after(exc.response.headers))
            detail = scrub(_message(exc))
            return Failure(error_type(f"OpenAI rejected the request ({status}): {detail}"), retryable=False)
        if isinstance(exc, ValueError):  # malformed JSON or a structure we cannot use: ask again
            return Failure(error_type(f"The model's answer could not be used: {scrub(str(exc))[:200]}"),
                           retryable=True)
        return Failure(error_type(f"OpenAI call failed: {type(exc).__name__}"), retryable=False)

    return classify


def _retry_after(headers: object) -> float | None:
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = getter(name)
        if value:
            try:
                return float(value) / divisor
            except ValueError:
                return None
    return None


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
    return str(exc.message)[:300]
