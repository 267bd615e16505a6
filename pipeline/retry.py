"""Retries with exponential backoff and jitter, honouring a server's Retry-After, for provider calls."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from errors import ProviderError

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts, and how long to wait between them."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Failure:
    """How a provider error should be handled: the readable error, and whether another attempt may help."""

    error: ProviderError
    retryable: bool
    retry_after: float | None = None


def call_with_retries(
    action: Callable[[], T], classify: Callable[[Exception], Failure], policy: RetryPolicy, what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `action`; retry transient failures; raise the classified error on a permanent one or when out of tries."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except ProviderError:
            raise
        except Exception as exc:
            failure = classify(exc)
            if not failure.retryable:
                raise failure.error from exc
            if attempt == policy.attempts:
                raise type(failure.error)(f"{failure.error.message} (gave up after {attempt} attempts)") from exc
            wait = policy.delay(attempt, failure.retry_after)
            log.warning("%s failed (%s); attempt %d of %d, retrying in %.1f s",
                        what, failure.error.message, attempt, policy.attempts, wait)
            sleep(wait)
    raise AssertionError("unreachable")
