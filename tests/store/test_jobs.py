"""The job repository: the queue's atomic claim, transitions, pagination and pruning."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from errors import ConflictError, NotFound, QueueFullError
from store import job_creation, jobs, queries, records
from store.db import Database, WriterBusy
from store.models import jobs_table


def _new(user: str = "user-1", note: str = "A note.") -> records.NewJob:
    return records.NewJob(user_id=user, note_id="note-1", note_content=note, duration="short")


def _episode() -> records.FinishedEpisode:
    return records.FinishedEpisode(title="T", audio_key="podcasts/x.mp3", audio_bytes=10, audio_duration=1.5,
                                transcript=[{"speaker": "Alex", "text": "Hi.", "start": 0.0, "end": 1.0}])


def test_created_job_is_queued_with_unguessable_seed_shaped_id(db: Database) -> None:
    record = job_creation.create(db, _new()).record
    assert record.status == "queued" and record.progress == 0
    prefix, seconds, random_part = record.job_id.split("_")
    assert prefix == "job" and seconds.isdigit() and len(random_part) * 4 >= 64
    assert job_creation.create(db, _new()).record.job_id != record.job_id


def test_claim_is_atomic_under_eight_racing_threads(db: Database) -> None:
    created = [job_creation.create(db, _new(note=f"note {i}")).record.job_id for i in range(40)]
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        while (job := jobs.claim_next(db)) is not None:
            with lock:
                claimed.append(job.job_id)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(created)
    assert len(set(claimed)) == len(claimed)
    assert queries.counts(db) == {"queued": 0, "processing": 40}


def test_claim_takes_the_oldest_first(db: Database) -> None:
    first, second = job_creation.create(db, _new()).record, job_creation.create(db, _new()).record
    claimed = jobs.claim_next(db)
    assert claimed is not None and claimed.job_id == first.job_id and claimed.podcast_id
    assert queries.queue_position(db, queries.get(db, second.job_id)) == 1  # type: ignore[arg-type]


def test_progress_never_goes_backwards(db: Database) -> None:
    job_id = job_creation.create(db, _new()).record.job_id
    jobs.claim_next(db)
    jobs.report_progress(db, job_id, 40, "forty")
    jobs.report_progress(db, job_id, 30, "late report")
    record = queries.get(db, job_id)
    assert record is not None and record.progress == 40 and record.current_step == "late report"


def test_complete_stores_podcast_and_joins_it_on_read(db: Database) -> None:
    job_creation.create(db, _new())
    claimed = jobs.claim_next(db)
    assert claimed is not None
    assert jobs.complete(db, claimed, _episode())
    record = queries.get(db, claimed.job_id)
    assert record is not None and record.status == "completed" and record.progress == 100
    assert record.audio_duration == 1.5 and record.transcript and record.transcript[0]["speaker"] == "Alex"
    assert queries.get_podcast(db, claimed.podcast_id)["audio_key"] == "podcasts/x.mp3"  # type: ignore[index]
    assert not jobs.fail(db, claimed.job_id, "too late"), "a completed job cannot fail afterwards"


def test_stale_processing_jobs_are_requeued_until_attempts_run_out(db: Database) -> None:
    job_creation.create(db, _new())
    queued = job_creation.create(db, _new()).record.job_id
    running = jobs.claim_next(db)
    assert running is not None and running.attempts == 1
    assert jobs.recover_stale(db, None, max_attempts=3) == ([running.job_id], [])
    again = jobs.claim_next(db)
    assert again is not None and again.job_id == running.job_id and again.podcast_id == running.podcast_id
    assert again.attempts == 2
    jobs.recover_stale(db, None, max_attempts=3)
    assert jobs.claim_next(db).attempts == 3  # type: ignore[union-attr]
    assert jobs.recover_stale(db, None, max_attempts=3) == ([], [running.job_id])
    failed = queries.get(db, running.job_id)
    assert failed is not None and failed.status == "failed" and "Gave up after 3 attempts" in (failed.error or "")
    assert queries.get(db, queued).status == "queued"  # type: ignore[union-attr]


def test_a_fresh_heartbeat_is_left_alone(db: Database) -> None:
    job_creation.create(db, _new())
    running = jobs.claim_next(db)
    assert running is not None
    assert jobs.recover_stale(db, records.utcnow() - timedelta(seconds=30), 3) == ([], [])
    with db.write() as conn:
        conn.execute(update(jobs_table).values(heartbeat_at=records.utcnow() - timedelta(minutes=5)))
    assert jobs.recover_stale(db, records.utcnow() - timedelta(seconds=30), 3) == ([running.job_id], [])


def test_requeue_after_shutdown_keeps_ids_and_does_not_use_an_attempt(db: Database) -> None:
    first = job_creation.create(db, _new()).record.job_id
    job_creation.create(db, _new())
    claimed = jobs.claim_next(db)
    assert claimed is not None and jobs.requeue(db, first)
    again = jobs.claim_next(db)
    assert again is not None and again.job_id == first and again.podcast_id == claimed.podcast_id
    assert again.attempts == 1


def test_cancel_and_retry_transitions(db: Database) -> None:
    queued = job_creation.create(db, _new()).record.job_id
    cancelled = jobs.cancel(db, queued)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    with pytest.raises(ConflictError, match="already cancelled"):
        jobs.cancel(db, queued)
    assert jobs.retry(db, queued).status == "queued"
    claimed = jobs.claim_next(db)
    assert claimed is not None
    jobs.complete(db, claimed, _episode())
    with pytest.raises(ConflictError, match="already completed"):
        jobs.cancel(db, queued)
    with pytest.raises(ConflictError, match="only failed or cancelled"):
        jobs.retry(db, queued)
    with pytest.raises(NotFound):
        jobs.cancel(db, "job_0_missing")


def test_a_running_job_cannot_complete_after_a_cancel(db: Database) -> None:
    job_creation.create(db, _new())
    claimed = jobs.claim_next(db)
    assert claimed is not None
    jobs.cancel(db, claimed.job_id)
    assert not jobs.complete(db, claimed, _episode())
    assert queries.get_podcast(db, claimed.podcast_id) is None


def test_idempotency_key_replays_or_conflicts(db: Database) -> None:
    first = job_creation.create(db, _new(), idempotency_key="k1", request_hash="h1")
    again = job_creation.create(db, _new(), idempotency_key="k1", request_hash="h1")
    assert again.replayed and again.record.job_id == first.record.job_id and not first.replayed
    with pytest.raises(ConflictError, match="different request body"):
        job_creation.create(db, _new(), idempotency_key="k1", request_hash="h2")
    assert queries.counts(db)["queued"] == 1


def test_concurrent_requests_with_one_key_make_exactly_one_job(db: Database) -> None:
    results: list[str] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        results.append(job_creation.create(db, _new(), idempotency_key="same", request_hash="h").record.job_id)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1
    assert queries.counts(db)["queued"] == 1


def test_limits_refuse_before_anything_is_written(db: Database) -> None:
    limits = job_creation.QueueLimits(max_queue=3, max_per_user=2, retry_after_seconds=7)
    job_creation.create(db, _new(user="a"), limits=limits)
    job_creation.create(db, _new(user="a"), limits=limits)
    with pytest.raises(QueueFullError, match="limit 2") as refused:
        job_creation.create(db, _new(user="a"), limits=limits)
    assert refused.value.retry_after == 7
    job_creation.create(db, _new(user="b"), limits=limits)
    with pytest.raises(QueueFullError, match="queue is full"):
        job_creation.create(db, _new(user="c"), limits=limits)
    assert queries.counts(db)["queued"] == 3


def test_user_listing_is_newest_first_and_paginates(db: Database) -> None:
    ids = [job_creation.create(db, _new(user="pager")).record.job_id for _ in range(5)]
    job_creation.create(db, _new(user="someone-else"))
    first_page = queries.list_for_user(db, "pager", 2)
    second_page = queries.list_for_user(db, "pager", 2, before_seq=first_page[-1].seq)
    third_page = queries.list_for_user(db, "pager", 2, before_seq=second_page[-1].seq)
    listed = [job.job_id for job in first_page + second_page + third_page]
    assert listed == list(reversed(ids))


def test_prune_removes_only_old_finished_jobs_and_keeps_podcasts(db: Database) -> None:
    done, failed, running, queued, fresh = (job_creation.create(db, _new()).record.job_id for _ in range(5))
    claimed = [jobs.claim_next(db) for _ in range(3)]
    assert [job.job_id for job in claimed if job] == [done, failed, running]
    assert claimed[0] is not None and jobs.complete(db, claimed[0], _episode())
    jobs.fail(db, failed, "boom")
    jobs.fail(db, fresh, "boom, but recently")
    long_ago = records.utcnow() - timedelta(hours=48)
    with db.write() as conn:
        conn.execute(update(jobs_table).where(jobs_table.c.job_id != fresh).values(created_at=long_ago,
                                                                                  completed_at=long_ago))
    assert sorted(jobs.prune(db, timedelta(hours=24))) == sorted([done, failed])
    for kept in (running, queued, fresh):
        assert queries.get(db, kept) is not None
    assert queries.get_podcast(db, claimed[0].podcast_id) is not None, "podcasts outlive their jobs"


def test_a_worker_from_an_earlier_attempt_cannot_complete_a_resumed_job(db: Database) -> None:
    job_creation.create(db, _new())
    first_attempt = jobs.claim_next(db)
    assert first_attempt is not None
    jobs.recover_stale(db, None, max_attempts=3)  # its process died (or seemed to)
    second_attempt = jobs.claim_next(db)
    assert second_attempt is not None and second_attempt.attempts == 2
    assert not jobs.complete(db, first_attempt, _episode())
    assert jobs.complete(db, second_attempt, _episode())


def test_prune_cannot_delete_a_job_retried_while_it_runs(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite lets one writer in at a time, so no retry can land inside a prune")
    old = job_creation.create(db, _new()).record.job_id
    jobs.fail(db, old, "boom")
    long_ago = records.utcnow() - timedelta(hours=48)
    with db.write() as conn:
        conn.execute(update(jobs_table).values(created_at=long_ago, completed_at=long_ago))
    retried = []

    def retry_just_before_the_delete(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM JOBS") and not retried:
            retried.append(jobs.retry(db, old))  # another connection, committed before the delete runs

    event.listen(db.engine, "before_cursor_execute", retry_just_before_the_delete)
    try:
        assert jobs.prune(db, timedelta(hours=24)) == []
    finally:
        event.remove(db.engine, "before_cursor_execute", retry_just_before_the_delete)
    assert retried and queries.status_of(db, old) == "queued", "the retried job is still there"


def test_retry_counts_against_the_queue_limits(db: Database) -> None:
    limits = job_creation.QueueLimits(max_per_user=2)
    first = job_creation.create(db, _new(), limits=limits).record.job_id
    jobs.cancel(db, first)
    job_creation.create(db, _new(), limits=limits)
    job_creation.create(db, _new(), limits=limits)
    with pytest.raises(QueueFullError):
        jobs.retry(db, first, limits)
    assert queries.status_of(db, first) == "cancelled"
    assert jobs.retry(db, first).status == "queued", "without limits (an operator's retry) it still works"


@pytest.mark.parametrize("write", ["pool", "now"])
def test_a_batch_is_checked_as_if_its_jobs_came_one_by_one(db: Database, write: str) -> None:
    if write == "now" and not db.is_sqlite:
        pytest.skip("write_now is SQLite's (a server database has no single writer to skip waiting for)")
    create = job_creation.create_many if write == "pool" else job_creation.create_many_now
    limits = job_creation.QueueLimits(max_queue=4, max_per_user=2, retry_after_seconds=7)
    job_creation.create(db, _new(user="early"), limits=limits)
    batch = [job_creation.Submission(_new(user=user), key, "h" if key else None)
             for user, key in (("a", "k1"), ("a", None), ("a", None), ("a", "k1"), ("b", None), ("c", None))]
    outcomes = create(db, batch, limits)
    kinds = [type(outcome).__name__ if isinstance(outcome, Exception) else "created" for outcome in outcomes]
    # the third of user a is over a's limit; k1 again replays the first; c finds the queue full (early, a, a, b)
    assert kinds == ["created", "created", "QueueFullError", "created", "created", "QueueFullError"]
    first, replayed = outcomes[0], outcomes[3]
    assert isinstance(first, job_creation.Created) and isinstance(replayed, job_creation.Created)
    assert replayed.replayed and replayed.record.job_id == first.record.job_id
    assert "limit 2" in str(outcomes[2]) and "queue is full" in str(outcomes[5])
    assert queries.counts(db)["queued"] == 4
    seqs = [outcome.record.seq for outcome in outcomes if isinstance(outcome, job_creation.Created)]
    assert seqs[0] < seqs[1] < seqs[3] and seqs[2] == seqs[0]


def test_a_server_database_is_never_written_on_the_event_loop(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite writes there when its writer is free")
    with pytest.raises(WriterBusy):
        job_creation.create_many_now(db, [job_creation.Submission(_new())])
    assert queries.counts(db).get("queued", 0) == 0
