"""The job watcher: a listener that starts as the job finishes still gets its final change."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import pipeline.jobs.watcher as watcher_module
from pipeline.jobs.watcher import JobWatcher
from store import job_creation, jobs, queries
from store.db import Database
from store.records import NewJob


async def test_a_job_that_finishes_while_its_listener_starts_still_ends_the_stream(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(f"sqlite:///{tmp_path / 'watch.db'}")
    db.create_all()
    job_id = job_creation.create(db, NewJob(user_id="u", note_id="n", note_content="A note.",
                                            duration="short")).record.job_id
    assert jobs.claim_next(db) is not None
    read_row = queries.get

    def read_then_fail(database: Database, wanted: str) -> object:
        row = read_row(database, wanted)
        jobs.fail(database, wanted, "The voice failed")  # the job finishes right after the listener read it
        return row

    monkeypatch.setattr(watcher_module.queries, "get", read_then_fail)
    watcher = JobWatcher(db, every=0.02)

    async def listen() -> list[str]:
        return [change.status async for change in watcher.job(job_id)]

    try:
        statuses = await asyncio.wait_for(listen(), timeout=10)
    finally:
        await watcher.stop()
        db.dispose()
    assert statuses == ["processing", "failed"]


async def test_many_listeners_each_get_every_change_in_order(tmp_path: Path) -> None:
    # more listeners than one turn of the event loop hands a change to, so each change reaches them in slices
    db = Database(f"sqlite:///{tmp_path / 'watch.db'}")
    db.create_all()
    job_id = job_creation.create(db, NewJob(user_id="u", note_id="n", note_content="A note.",
                                            duration="short")).record.job_id
    assert jobs.claim_next(db) is not None
    watcher = JobWatcher(db, every=0.02)
    listeners = 3 * watcher_module._SLICE + 7
    started = 0

    async def listen() -> list[tuple[str, int]]:
        nonlocal started
        seen = []
        async for change in watcher.job(job_id):
            if not seen:
                started += 1
            seen.append((change.status, change.progress))
        return seen

    async def work() -> None:
        while started < listeners:
            await asyncio.sleep(0.01)
        for percent in range(10, 100, 10):
            await asyncio.to_thread(jobs.report_progress, db, job_id, percent, f"Step {percent}")
        await asyncio.to_thread(jobs.fail, db, job_id, "The voice failed")

    try:
        heard, _ = await asyncio.wait_for(asyncio.gather(
            asyncio.gather(*(listen() for _ in range(listeners))), work()), timeout=30)
    finally:
        await watcher.stop()
        db.dispose()
    expected = [("processing", percent) for percent in range(10, 100, 10)]
    for seen in heard:
        assert seen[1:-1] == expected and seen[-1][0] == "failed", seen
