"""Polls of one job arriving together share one read of its row and one encoding of its answer, without ever
answering from a read that began before this process's own last write."""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from api import job_answers
from api.job_answers import InFlight, JobAnswers
from pipeline.services import Services
from store import job_creation, jobs, queries
from store.records import NewJob


class _Gated:
    """Work that counts its starts and finishes only when let go."""

    def __init__(self) -> None:
        self.started = 0
        self.gate = asyncio.Event()

    async def __call__(self) -> object:
        self.started += 1
        await self.gate.wait()
        return object()


async def test_callers_arriving_while_work_is_on_its_way_share_it() -> None:
    work, on_the_way = _Gated(), InFlight[object]()
    callers = [asyncio.create_task(on_the_way.join("job", work)) for _ in range(5)]
    await asyncio.sleep(0)  # one turn of the loop: every caller reaches the work and waits on it
    work.gate.set()
    results = await asyncio.gather(*callers)
    assert work.started == 1
    assert all(result is results[0] for result in results)
    again = await on_the_way.join("job", work)
    assert work.started == 2 and again is not results[0], "finished work is not reused"


async def test_work_begun_before_the_given_moment_is_not_joined() -> None:
    work, on_the_way = _Gated(), InFlight[object]()
    first = asyncio.create_task(on_the_way.join("job", work))
    await asyncio.sleep(0)
    second = asyncio.create_task(on_the_way.join("job", work, begun_after=math.inf))
    await asyncio.sleep(0)
    work.gate.set()
    assert await first is not await second
    assert work.started == 2


async def test_a_caller_that_hangs_up_leaves_the_work_to_the_others() -> None:
    work, on_the_way = _Gated(), InFlight[object]()
    leaving, staying = (asyncio.create_task(on_the_way.join("job", work)) for _ in range(2))
    await asyncio.sleep(0)
    leaving.cancel()
    work.gate.set()
    assert await staying is not None
    assert leaving.cancelled() and work.started == 1


def _queued_job(services: Services) -> str:
    new = NewJob(user_id="u", note_id="n", note_content="A note. Two sentences.", duration="short")
    return job_creation.create(services.db, new).record.job_id


def _held_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], threading.Event]:
    """Counts reads of job rows for pollers; the first waits until the returned event is set."""
    reads: list[str] = []
    let_go = threading.Event()
    real: Callable[..., Any] = queries.get_for_poller

    def counted(db: Any, job_id: str) -> Any:
        reads.append(job_id)
        if len(reads) == 1:
            assert let_go.wait(10)
        return real(db, job_id)

    monkeypatch.setattr(queries, "get_for_poller", counted)
    return reads, let_go


async def test_polls_arriving_together_make_one_read_and_one_encoding(
        make_services: Callable[..., Services], monkeypatch: pytest.MonkeyPatch) -> None:
    services = make_services(start=False)
    job_id = _queued_job(services)
    reads, let_go = _held_reads(monkeypatch)
    etas: list[str] = []
    real_eta = job_answers.eta_seconds
    monkeypatch.setattr(job_answers, "eta_seconds", lambda db, providers, mix, record: (
        etas.append(record.job_id), real_eta(db, providers, mix, record))[1])
    answers = JobAnswers(services, preview_base=None)

    polls = [asyncio.create_task(answers.answer(job_id)) for _ in range(20)]
    await asyncio.sleep(0)
    let_go.set()
    answered = await asyncio.gather(*polls)
    assert reads == [job_id] and etas == [job_id]
    assert len(set(answered)) == 1 and orjson.loads(answered[0])["job"]["status"] == "queued"
    assert await answers.answer("no-such-job") is None


async def test_a_poll_after_this_process_wrote_does_not_join_an_older_read(
        make_services: Callable[..., Services], monkeypatch: pytest.MonkeyPatch) -> None:
    services = make_services(start=False)
    job_id = _queued_job(services)
    reads, let_go = _held_reads(monkeypatch)
    answers = JobAnswers(services, preview_base=None)

    before = asyncio.create_task(answers.answer(job_id))  # its read starts, and is held
    await asyncio.sleep(0)
    await asyncio.to_thread(jobs.cancel, services.db, job_id)
    after = await answers.answer(job_id)  # a read of its own, not the held one
    let_go.set()
    await before
    assert len(reads) == 2
    assert orjson.loads(after)["job"]["status"] == "cancelled"
