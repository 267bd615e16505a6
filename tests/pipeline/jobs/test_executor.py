"""The single-slot executor: nothing dropped, one at a time, in order; shutdown re-queues; pruning runs."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from errors import ScriptError
from pipeline.jobs.executor import JobExecutor
from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.base import Script, WritingRequest
from store import jobs, queries, records
from store.models import jobs_table
from tests.conftest import wait_for_job
from tests.fakes import RecordingWriter


def _new(i: int) -> records.NewJob:
    return records.NewJob(user_id="u", note_id=f"n{i}", note_content=f"Note number {i}.", duration="short")


def test_twenty_back_to_back_jobs_all_complete_one_at_a_time_in_order(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    services = make_services(fake_providers)
    submitted = [services.executor.submit(_new(i)).record.job_id for i in range(20)]
    finished = [wait_for_job(services, job_id) for job_id in submitted]
    assert [job.status for job in finished] == ["completed"] * 20
    writer = fake_providers.writer
    assert isinstance(writer, RecordingWriter)
    assert writer.notes == [f"Note number {i}." for i in range(20)]
    for earlier, later in itertools.pairwise(finished):
        assert earlier.completed_at is not None and later.started_at is not None
        assert earlier.completed_at <= later.started_at, "two jobs overlapped"


def test_jobs_left_queued_or_processing_run_at_start_up(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    first = make_services(fake_providers, start=False)
    stuck = first.executor.submit(_new(0)).record.job_id
    jobs.claim_next(first.db)  # a process died while running this one
    waiting = first.executor.submit(_new(1)).record.job_id
    second = make_services(fake_providers)
    assert wait_for_job(second, waiting).status == "completed"
    resumed = wait_for_job(second, stuck)
    assert resumed.status == "completed" and resumed.attempts == 2


class _ExplodingWriter(RecordingWriter):
    def write(self, request: WritingRequest) -> Script:
        if "explode" in request.note:
            raise RuntimeError("internal detail with /secret/path")
        if "refuse" in request.note:
            raise ScriptError("The note has nothing that can be spoken")
        return super().write(request)


def test_failing_steps_fail_the_job_with_readable_errors_and_the_queue_moves_on(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    providers = replace(fake_providers, writer=_ExplodingWriter())
    services = make_services(providers)
    crashed, refused, fine = (
        services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=text,
                                                duration="short")).record.job_id
        for text in ("please explode", "please refuse", "a fine note")
    )
    crash = wait_for_job(services, crashed)
    assert crash.status == "failed" and "/secret/path" not in (crash.error or "")
    assert "try again" in (crash.error or "").lower()
    refusal = wait_for_job(services, refused)
    assert refusal.status == "failed" and refusal.error == "The note has nothing that can be spoken"
    assert wait_for_job(services, fine).status == "completed"


def test_prune_job_deletes_old_finished_jobs(make_services: Callable[..., Services], fake_providers: Providers) -> None:
    services = make_services(fake_providers)
    done = services.executor.submit(_new(0)).record.job_id
    wait_for_job(services, done)
    with services.db.write() as conn:
        conn.execute(update(jobs_table).values(completed_at=records.utcnow() - timedelta(hours=25)))
    assert services.executor.prune() == [done]
    assert queries.get(services.db, done) is None


def test_prune_removes_old_scratch_folders_whose_job_another_replica_deleted(
        make_services: Callable[..., Services], fake_providers: Providers) -> None:
    services = make_services(fake_providers, start=False)  # the job stays queued: its folder must stay
    kept = services.executor.submit(_new(0)).record.job_id
    orphan, fresh, live = (services.executor.work_root / name for name in ("job_gone", "job_new", kept))
    for folder in (orphan, fresh, live):
        folder.mkdir(parents=True, exist_ok=True)
    day_old = time.time() - timedelta(hours=25).total_seconds()
    os.utime(orphan, (day_old, day_old))
    os.utime(live, (day_old, day_old))
    services.executor.prune()
    assert not orphan.exists() and fresh.exists(), "only old folders whose job is gone"
    assert live.exists(), "a job still in the database keeps its folder"


def test_shutting_down_while_wake_ups_arrive_leaves_the_scheduler_thread_without_an_error(
    make_services: Callable[..., Services], fake_providers: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    # APScheduler marks itself stopped before it takes its job-store lock, so a wake-up it was starting just then
    # could no longer be removed, and its thread died on JobLookupError
    crashed: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: crashed.append(f"{args.thread}: {args.exc_value!r}"))
    for _ in range(40):
        services = make_services(fake_providers)
        done = threading.Event()

        def keep_waking(executor: JobExecutor = services.executor, done: threading.Event = done) -> None:
            while not done.is_set():
                executor.wake()

        waker = threading.Thread(target=keep_waking)
        waker.start()
        services.executor.shutdown()
        done.set()
        waker.join()
    assert crashed == []
