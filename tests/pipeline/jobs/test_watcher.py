"""The job watcher: every listener gets every change of its job, in order and in batches, to the last one."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

import pipeline.jobs.watcher as watcher_module
from pipeline.jobs.watcher import JobWatcher
from store import job_creation, jobs, queries
from store.db import Database
from store.records import NewJob


@pytest.fixture
def running(tmp_path: Path) -> tuple[Database, str]:
    """A database with one job, claimed (processing)."""
    db = Database(f"sqlite:///{tmp_path / 'watch.db'}")
    db.create_all()
    job_id = job_creation.create(db, NewJob(user_id="u", note_id="n", note_content="A note.",
                                            duration="short")).record.job_id
    assert jobs.claim_next(db) is not None
    return db, job_id


async def test_a_job_that_finishes_while_its_listener_starts_still_ends_the_stream(
        running: tuple[Database, str], monkeypatch: pytest.MonkeyPatch) -> None:
    db, job_id = running
    read_row = queries.get

    def read_then_fail(database: Database, wanted: str) -> object:
        row = read_row(database, wanted)
        jobs.fail(database, wanted, "The voice failed")  # the job finishes right after the listener read it
        return row

    monkeypatch.setattr(watcher_module.queries, "get", read_then_fail)
    watcher = JobWatcher(db, every=0.02)

    async def listen() -> list[str]:
        return [change.status async for found in watcher.job_batches(job_id) for change in found]

    try:
        statuses = await asyncio.wait_for(listen(), timeout=10)
    finally:
        await watcher.stop()
        db.dispose()
    assert statuses == ["processing", "failed"]


async def test_many_listeners_each_get_every_change_in_order(running: tuple[Database, str]) -> None:
    # more listeners than one turn of the event loop hands a change to, so each change reaches them in slices
    db, job_id = running
    watcher = JobWatcher(db, every=0.02)
    listeners = 3 * watcher_module._SLICE + 7
    started = 0

    async def listen() -> list[tuple[str, int]]:
        nonlocal started
        seen = []
        async for found in watcher.job_batches(job_id):
            if not seen:
                started += 1
            seen += [(change.status, change.progress) for change in found]
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


async def test_changes_logged_between_two_polls_reach_a_listener_in_one_batch(
        running: tuple[Database, str], monkeypatch: pytest.MonkeyPatch) -> None:
    db, job_id = running
    # The poll's read waits at this gate while it is shut, so the changes below are all logged between two polls.
    gate, waiting = threading.Event(), threading.Event()
    gate.set()
    read_after = watcher_module.changes.after

    def gated(database: Database, seq: int) -> object:
        if not gate.is_set():
            waiting.set()
            gate.wait()
        return read_after(database, seq)

    monkeypatch.setattr(watcher_module.changes, "after", gated)
    watcher = JobWatcher(db, every=0.01)

    async def listen() -> list[list[tuple[str, int]]]:
        stream = watcher.job_batches(job_id)
        batches = [[(change.status, change.progress) for change in await anext(stream)]]  # the job as it is now
        gate.clear()
        assert await asyncio.to_thread(waiting.wait, 10)  # the read in flight is done; the next one waits
        for percent in (30, 60, 90):
            await asyncio.to_thread(jobs.report_progress, db, job_id, percent, f"Step {percent}")
        await asyncio.to_thread(jobs.fail, db, job_id, "The voice failed")
        gate.set()
        batches += [[(change.status, change.progress) for change in found] async for found in stream]
        return batches

    try:
        batches = await asyncio.wait_for(listen(), timeout=20)
    finally:
        gate.set()
        await watcher.stop()
        db.dispose()
    assert [status for status, _ in batches[0]] == ["processing"]
    assert len(batches) == 2, batches
    assert batches[1][:3] == [("processing", 30), ("processing", 60), ("processing", 90)]
    assert watcher.listeners == 0  # the finished stream let go of its place
    assert [status for status, _ in batches[1][3:]] == ["failed"]
