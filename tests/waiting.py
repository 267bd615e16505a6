"""The one way tests wait for something: read it until it is what they expect, or fail after a timeout."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def wait_until(read: Callable[[], T | Awaitable[T]], until: Callable[[T], bool], timeout: float = 60.0,
                     every: float = 0.05) -> T:
    """Call `read` until `until(value)` holds; return that value. Fails the test with the last value seen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = read()
        if inspect.isawaitable(value):
            value = await value
        if until(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        if loop.time() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s")
        await asyncio.sleep(every)
