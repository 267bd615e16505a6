"""The web server's full garbage collections: on a timer, not whenever CPython would (a full collection with
many streams open stalls every request for a fifth of a second)."""

from __future__ import annotations

import asyncio
import gc

from api.collector import FullCollections


async def test_full_collections_run_on_the_timer_and_the_defaults_come_back() -> None:
    before = gc.get_threshold()
    full: list[float] = []
    loop = asyncio.get_running_loop()

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(loop.time())

    collections = FullCollections(every=0.05)
    gc.callbacks.append(seen)
    try:
        collections.start()
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**8, "CPython makes none itself"
        started = loop.time()
        while len(full) < 3 and loop.time() - started < 10:
            await asyncio.sleep(0.01)
    finally:
        await collections.stop()
        gc.callbacks.remove(seen)
    assert len(full) >= 3, "a full collection every 50 ms"
    assert gc.get_threshold() == before
    done = len(full)
    await asyncio.sleep(0.2)
    assert len(full) == done, "none after stop"
