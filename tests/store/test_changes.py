"""The job change log: each change of a job's status or progress is logged with it, in order, and pruned with
the job."""

from __future__ import annotations

from datetime import timedelta

from store import changes, job_creation, jobs, records
from store.db import Database


def _new() -> records.NewJob:
    return records.NewJob(user_id="user-1", note_id="n", note_content="A note.", duration="short")


def _episode() -> records.FinishedEpisode:
    return records.FinishedEpisode(title="T", audio_key="k.mp3", audio_bytes=10, audio_duration=1.0, transcript=[])


def test_every_change_of_a_job_is_logged_in_order(db: Database) -> None:
    job_id = job_creation.create(db, _new()).record.job_id
    claimed = jobs.claim_next(db)
    assert claimed is not None
    jobs.report_progress(db, job_id, 10, "Voicing line 1 of 2")
    jobs.report_progress(db, job_id, 5, "A step that cannot move the bar back")
    jobs.record_segments(db, job_id, 2, 0)  # not a change a listener sees
    assert jobs.complete(db, claimed, _episode())
    logged = changes.of_job(db, job_id, 0)
    assert [(c.status, c.progress, c.current_step) for c in logged] == [
        ("processing", 1, "Starting..."), ("processing", 10, "Voicing line 1 of 2"),
        ("processing", 10, "A step that cannot move the bar back"), ("completed", 100, "Completed")]
    assert [c.seq for c in logged] == sorted(c.seq for c in logged) and logged[-1].seq == changes.last_seq(db)
    assert changes.after(db, logged[1].seq) == logged[2:]
    assert all(c.user_id == "user-1" for c in logged)


def test_cancel_retry_and_failure_are_logged_and_pruning_forgets_them(db: Database) -> None:
    job_id = job_creation.create(db, _new()).record.job_id
    jobs.cancel(db, job_id)
    jobs.retry(db, job_id)
    jobs.claim_next(db)
    jobs.fail(db, job_id, "The voice is unavailable")
    assert [c.status for c in changes.of_job(db, job_id, 0)] == ["cancelled", "queued", "processing", "failed"]
    assert jobs.prune(db, timedelta(seconds=-1)) == [job_id]
    assert changes.of_job(db, job_id, 0) == []
