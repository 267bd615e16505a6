"""The job repository: the queue's atomic claim, transitions, pagination and pruning."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import update

from store import jobs
from store.db import Database
from store.models import jobs_table


def _new(user: str = "user-1", note: str = "A note.") -> jobs.NewJob:
    return jobs.NewJob(user_id=user, note_id="note-1", note_content=note, duration="short")


def _episode() -> jobs.FinishedEpisode:
    return jobs.FinishedEpisode(title="T", audio_key="podcasts/x.mp3", audio_bytes=10, audio_duration=1.5,
                                transcript=[{"speaker": "Alex", "text": "Hi.", "start": 0.0, "end": 1.0}])


def test_created_job_is_queued_with_unguessable_seed_shaped_id(db: Database) -> None:
    record = jobs.create(db, _new())
    assert record.status == "queued" and record.progress == 0
    prefix, seconds, random_part = record.job_id.split("_")
    assert prefix == "job" and seconds.isdigit() and len(random_part) * 4 >= 64
    assert jobs.create(db, _new()).job_id != record.job_id


def test_claim_is_atomic_under_eight_racing_threads(db: Database) -> None:
    created = [jobs.create(db, _new(note=f"note {i}")).job_id for i in range(40)]
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
    assert jobs.counts(db) == {"queued": 0, "processing": 40}


def test_claim_takes_the_oldest_first(db: Database) -> None:
    first, second = jobs.create(db, _new()), jobs.create(db, _new())
    claimed = jobs.claim_next(db)
    assert claimed is not None and claimed.job_id == first.job_id and claimed.podcast_id
    assert jobs.queue_position(db, jobs.get(db, second.job_id)) == 1  # type: ignore[arg-type]


def test_progress_never_goes_backwards(db: Database) -> None:
    job_id = jobs.create(db, _new()).job_id
    jobs.claim_next(db)
    jobs.report_progress(db, job_id, 40, "forty")
    jobs.report_progress(db, job_id, 30, "late report")
    record = jobs.get(db, job_id)
    assert record is not None and record.progress == 40 and record.current_step == "late report"


def test_complete_stores_podcast_and_joins_it_on_read(db: Database) -> None:
    jobs.create(db, _new())
    claimed = jobs.claim_next(db)
    assert claimed is not None
    assert jobs.complete(db, claimed, _episode())
    record = jobs.get(db, claimed.job_id)
    assert record is not None and record.status == "completed" and record.progress == 100
    assert record.audio_duration == 1.5 and record.transcript and record.transcript[0]["speaker"] == "Alex"
    assert jobs.get_podcast(db, claimed.podcast_id)["audio_key"] == "podcasts/x.mp3"  # type: ignore[index]
    assert not jobs.fail(db, claimed.job_id, "too late"), "a completed job cannot fail afterwards"


def test_orphaned_processing_jobs_fail_with_a_clear_error(db: Database) -> None:
    jobs.create(db, _new())
    queued = jobs.create(db, _new()).job_id
    running = jobs.claim_next(db)
    assert running is not None
    assert jobs.fail_orphans(db) == [running.job_id]
    failed = jobs.get(db, running.job_id)
    assert failed is not None and failed.status == "failed" and "submit the note again" in (failed.error or "")
    assert jobs.get(db, queued).status == "queued"  # type: ignore[union-attr]


def test_requeue_puts_an_interrupted_job_back_at_the_front(db: Database) -> None:
    first = jobs.create(db, _new()).job_id
    jobs.create(db, _new())
    jobs.claim_next(db)
    assert jobs.requeue(db, first)
    again = jobs.claim_next(db)
    assert again is not None and again.job_id == first


def test_user_listing_is_newest_first_and_paginates(db: Database) -> None:
    ids = [jobs.create(db, _new(user="pager")).job_id for _ in range(5)]
    jobs.create(db, _new(user="someone-else"))
    first_page = jobs.list_for_user(db, "pager", 2)
    second_page = jobs.list_for_user(db, "pager", 2, before_seq=first_page[-1].seq)
    third_page = jobs.list_for_user(db, "pager", 2, before_seq=second_page[-1].seq)
    listed = [job.job_id for job in first_page + second_page + third_page]
    assert listed == list(reversed(ids))


def test_prune_removes_only_old_finished_jobs_and_keeps_podcasts(db: Database) -> None:
    done, failed, running, queued, fresh = (jobs.create(db, _new()).job_id for _ in range(5))
    claimed = [jobs.claim_next(db) for _ in range(3)]
    assert [job.job_id for job in claimed if job] == [done, failed, running]
    assert claimed[0] is not None and jobs.complete(db, claimed[0], _episode())
    jobs.fail(db, failed, "boom")
    jobs.fail(db, fresh, "boom, but recently")
    long_ago = jobs.utcnow() - timedelta(hours=48)
    with db.write() as conn:
        conn.execute(update(jobs_table).where(jobs_table.c.job_id != fresh).values(created_at=long_ago,
                                                                                  completed_at=long_ago))
    assert sorted(jobs.prune(db, timedelta(hours=24))) == sorted([done, failed])
    for kept in (running, queued, fresh):
        assert jobs.get(db, kept) is not None
    assert jobs.get_podcast(db, claimed[0].podcast_id) is not None, "podcasts outlive their jobs"
