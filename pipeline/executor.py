"""Runs jobs one at a time on an APScheduler single-slot executor. The database is the queue.

Enqueueing wakes a dispatcher that claims the oldest queued job, runs it, then claims the next, until the
queue is empty. Every APScheduler job here has `misfire_grace_time=None`: with the default of 1 s, one-off
jobs that wait behind a running generation would be silently dropped.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from errors import NotecastError
from pipeline.episode import Interrupted, MixSettings, Providers, produce_episode
from store import jobs
from store.db import Database

log = logging.getLogger(__name__)

_GENERATION = "generation"
_MAINTENANCE = "maintenance"
_UNEXPECTED_ERROR = "Something went wrong while generating this podcast. Please try again."
# Catches wake-ups that raced a finishing dispatcher, and jobs enqueued by other processes sharing the database.
_SAFETY_NET_SECONDS = 15


class _JobSink:
    """Persists a running job's progress to its row."""

    def __init__(self, db: Database, job_id: str, stopping: threading.Event) -> None:
        self.db, self.job_id, self.stopping = db, job_id, stopping

    def report(self, percent: int, step: str) -> None:
        jobs.report_progress(self.db, self.job_id, percent, step)

    def script_written(self, target_words: int, script_words: int) -> None:
        jobs.record_lengths(self.db, self.job_id, target_words, script_words)

    def should_stop(self) -> bool:
        return self.stopping.is_set()


class JobExecutor:
    """Owns the scheduler: dispatching, running and pruning jobs."""

    def __init__(
        self, db: Database, providers: Providers, mix: MixSettings, work_root: Path,
        job_ttl: timedelta, prune_every: timedelta,
    ) -> None:
        self.db, self.providers, self.mix, self.work_root = db, providers, mix, work_root
        self.job_ttl, self.prune_every = job_ttl, prune_every
        self._stopping = threading.Event()
        self._wake_lock = threading.Lock()
        self._drain_pending = False
        self._scheduler = BackgroundScheduler(
            executors={_GENERATION: ThreadPoolExecutor(1), _MAINTENANCE: ThreadPoolExecutor(1)},
            job_defaults={"misfire_grace_time": None, "coalesce": True},
            timezone="UTC",
        )

    def start(self) -> None:
        """Fail jobs orphaned by a dead process, start the scheduler and run whatever is queued."""
        for job_id in jobs.fail_orphans(self.db):
            log.warning("job %s was processing when Notecast last stopped; marked failed", job_id)
        self._scheduler.add_job(self.prune, "interval", seconds=self.prune_every.total_seconds(),
                                id="prune", executor=_MAINTENANCE, max_instances=1)
        self._scheduler.add_job(self._drain, "interval", seconds=_SAFETY_NET_SECONDS, id="dispatch-safety-net",
                                executor=_GENERATION, max_instances=1)
        self._scheduler.start()
        self.wake()

    def shutdown(self) -> None:
        """Stop claiming; a running job stops at its next segment and goes back to the queue."""
        self._stopping.set()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def submit(self, new: jobs.NewJob) -> jobs.JobRecord:
        """Queue a job (committed before this returns) and wake the dispatcher."""
        record = jobs.create(self.db, new)
        self.wake()
        return record

    def wake(self) -> None:
        """Make sure a dispatcher will look at the queue soon; at most one waits at a time."""
        with self._wake_lock:
            if self._drain_pending or self._stopping.is_set() or not self._scheduler.running:
                return
            self._drain_pending = True
        self._scheduler.add_job(self._drain, id=f"dispatch-{uuid.uuid4().hex}", executor=_GENERATION)

    def _drain(self) -> None:
        with self._wake_lock:
            self._drain_pending = False
        while not self._stopping.is_set():
            claimed = jobs.claim_next(self.db)
            if claimed is None:
                return
            self._run(claimed)

    def _run(self, job: jobs.ClaimedJob) -> None:
        workdir = self.work_root / job.job_id
        sink = _JobSink(self.db, job.job_id, self._stopping)
        log.info("job %s started", job.job_id)
        try:
            episode = produce_episode(job, self.providers, self.mix, workdir, sink)
        except Interrupted:
            jobs.requeue(self.db, job.job_id)
            log.info("job %s interrupted by shutdown; queued again", job.job_id)
        except NotecastError as exc:
            log.warning("job %s failed: %s", job.job_id, exc.message)
            jobs.fail(self.db, job.job_id, exc.message)
        except Exception:
            log.exception("job %s failed unexpectedly", job.job_id)
            jobs.fail(self.db, job.job_id, _UNEXPECTED_ERROR)
        else:
            if jobs.complete(self.db, job, episode):
                log.info("job %s completed: %.1f s of audio", job.job_id, episode.audio_duration)
            else:
                self.providers.media.delete(episode.audio_key)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def prune(self) -> list[str]:
        """Delete finished jobs past their TTL, and their scratch files."""
        removed = jobs.prune(self.db, self.job_ttl)
        for job_id in removed:
            shutil.rmtree(self.work_root / job_id, ignore_errors=True)
        if removed:
            log.info("pruned %d finished jobs", len(removed))
        return removed
