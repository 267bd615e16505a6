"""When the web server's garbage collector makes its full collections.

A full collection walks every object the server holds and stops the event loop while it does: with 1,000
server-sent-event streams open that is about 300,000 objects and 200 ms, every request in flight waiting on
it. CPython starts one whenever enough objects have outlived the younger generations, which, with many
requests in flight, is every few seconds. Here the young generations are collected as usual (short pauses:
they hold only new objects), while full collections, which only matter for reference cycles that lived long
enough to reach the oldest generation, run on a timer: a pause every few minutes instead of every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

FULL_COLLECTION_SECONDS = 300.0
# Counts collections of the middle generation; this many never come between two timed full collections.
_NEVER = 1_000_000_000


class FullCollections:
    """Full collections on a timer (`start` in the server's event loop, `stop` at shutdown)."""

    def __init__(self, every: float = FULL_COLLECTION_SECONDS) -> None:
        self.every = every
        self._task: asyncio.Task[None] | None = None
        self._threshold = gc.get_threshold()

    def start(self) -> None:
        """Stop CPython's own full collections and make them here, every `every` seconds."""
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, _NEVER)
        self._task = asyncio.get_running_loop().create_task(self._collect(), name="full-collections")

    async def _collect(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            gc.collect()

    async def stop(self) -> None:
        """Stop the timer and give CPython its own full collections back."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        gc.set_threshold(*self._threshold)
