"""The one way tests wait for something: read it until it is what they expect, or fail after a timeout with
the last value seen. `wait_until` for plain tests, `wait_until_async` inside an event loop (NiceGUI's user)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(read: Callable[[], T], until: Callable[[T], bool], timeout: float = 60.0, every: float = 0.05) -> T:
    """Call `read` until `until(value)` holds, and return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {_shown(value)} after {timeout} s")
        time.sleep(every)


async def wait_until_async(read: Callable[[], T | Awaitable[T]], until: Callable[[T], bool], timeout: float = 60.0,
                           every: float = 0.05) -> T:
    """`wait_until` without blocking the event loop; `read` may be a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if isinstance(value, Awaitable):
            value = await value
        if until(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"still {_shown(value)} after {timeout} s")
        await asyncio.sleep(every)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 500 else text[:500] + "…"
