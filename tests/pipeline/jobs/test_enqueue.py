"""Group commit: enqueues arriving together share a transaction, and one arriving while another process writes
waits for it off the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.jobs.enqueue import EnqueueBatcher
from store import job_creation, queries
from store.db import Database
from store.records import NewJob
from tests.waiting import wait_until

LIMITS = job_creation.QueueLimits()


def _submission(user: str) -> job_creation.Submission:
    return job_creation.Submission(NewJob(user_id=user, note_id="n", note_content="A note.", duration="short"))


@pytest.fixture
def db(tmp_path: Path) -> Any:
    database = Database(f"sqlite:///{tmp_path / 'queue.db'}")
    database.create_all()
    yield database
    database.dispose()


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """How each batch was written (on the loop or on the pool) and its size."""
    seen: list[tuple[str, int]] = []
    now, pooled = job_creation.create_many_now, job_creation.create_many

    def on_loop(db: Database, submissions: list[job_creation.Submission], limits: Any = None) -> Any:
        outcomes = now(db, submissions, limits)
        seen.append(("loop", len(submissions)))
        return outcomes

    def on_pool(db: Database, submissions: list[job_creation.Submission], limits: Any = None) -> Any:
        seen.append(("pool", len(submissions)))
        return pooled(db, submissions, limits)

    monkeypatch.setattr(job_creation, "create_many_now", on_loop)
    monkeypatch.setattr(job_creation, "create_many", on_pool)
    return seen


async def _later(batcher: EnqueueBatcher, user: str, turns: int) -> job_creation.Created:
    for _ in range(turns):  # as a request's awaits before it reaches submit() resume on later turns
        await asyncio.sleep(0)
    return await batcher.submit(_submission(user))


def test_enqueues_a_turn_or_two_apart_commit_together(db: Database, batches: list[tuple[str, int]]) -> None:
    batcher = EnqueueBatcher(db, LIMITS)

    async def burst() -> list[job_creation.Created]:
        return await asyncio.gather(*(_later(batcher, f"user-{n}", n % 3) for n in range(12)))

    created = asyncio.run(burst())
    assert batches == [("loop", 12)]
    assert len({outcome.record.job_id for outcome in created}) == 12
    assert queries.counts(db)["queued"] == 12


def test_an_enqueue_alone_is_written_at_once(db: Database, batches: list[tuple[str, int]]) -> None:
    batcher = EnqueueBatcher(db, LIMITS)
    created = asyncio.run(batcher.submit(_submission("alone")))
    assert batches == [("loop", 1)] and queries.get(db, created.record.job_id) is not None


def test_while_another_process_writes_the_batch_waits_on_the_pool(tmp_path: Path, db: Database,
                                                                  batches: list[tuple[str, int]]) -> None:
    batcher = EnqueueBatcher(db, LIMITS)
    other = sqlite3.connect(tmp_path / "queue.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")

    async def enqueue_meanwhile() -> job_creation.Created:
        pending = asyncio.ensure_future(batcher.submit(_submission("patient")))
        # the loop stays free: it runs this while the pool waits for the other writer
        await asyncio.to_thread(wait_until, lambda: batches, lambda seen: ("pool", 1) in seen, 30)
        assert not pending.done()
        other.execute("COMMIT")
        return await pending

    created = asyncio.run(enqueue_meanwhile())
    other.close()
    assert batches == [("pool", 1)]  # tried on the loop first, which raised WriterBusy before recording
    assert queries.get(db, created.record.job_id) is not None


def test_a_failed_batch_fails_each_of_its_enqueues(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(job_creation, "create_many_now", broken)
    batcher = EnqueueBatcher(db, LIMITS)

    async def two() -> list[Any]:
        return await asyncio.gather(batcher.submit(_submission("a")), batcher.submit(_submission("b")),
                                    return_exceptions=True)

    outcomes = asyncio.run(two())
    assert [str(outcome) for outcome in outcomes] == ["disk full", "disk full"]


def test_long_notes_are_written_on_the_pool(db: Database, batches: list[tuple[str, int]]) -> None:
    batcher = EnqueueBatcher(db, LIMITS)
    long_note = "A sentence of a long note. " * 4_000  # about 100,000 characters, the most a note may have

    async def three() -> list[job_creation.Created]:
        return await asyncio.gather(*(batcher.submit(job_creation.Submission(NewJob(
            user_id=f"u{n}", note_id="n", note_content=long_note, duration="short"))) for n in range(3)))

    created = asyncio.run(three())
    assert batches == [("pool", 3)] and len(created) == 3


def test_a_crowd_is_written_64_at_a_time(db: Database, batches: list[tuple[str, int]]) -> None:
    batcher = EnqueueBatcher(db, LIMITS)

    async def crowd() -> list[job_creation.Created]:
        return await asyncio.gather(*(batcher.submit(_submission(f"user-{n}")) for n in range(100)))

    created = asyncio.run(crowd())
    assert batches == [("loop", 64), ("loop", 36)] and len({c.record.job_id for c in created}) == 100
