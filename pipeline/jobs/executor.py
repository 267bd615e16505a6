"""Runs jobs one at a time on an APScheduler single-slot executor. The database is the queue.

Enqueueing wakes a dispatcher that claims the oldest queued job, runs it, then claims the next, until the
queue is empty. Every APScheduler job here has `misfire_grace_time=None`: with the default of 1 s, one-off
jobs that wait behind a running generation would be silently dropped.

A running job heartbeats; jobs whose heartbeat goes stale (their process died) are re-queued and resume from
their checkpoints, until MAX_ATTEMPTS is used up.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from errors import ConflictError, NotecastError
from pipeline.audio.mix import MixSettings
from pipeline.episode.length import engines_of, pace_key
from pipeline.episode.produce import media_keys, remove_stored
from pipeline.jobs.enqueue import EnqueueBatcher
from pipeline.jobs.runner import InlineRunner, RowSink, Runner
from pipeline.metrics import Metrics, failure_reason
from pipeline.progress import AwaitingReview, Interrupted, Milestone
from pipeline.providers import Providers
from store import job_creation, jobs, lexicons, pace, queries, records
from store.db import Database
from store.models import JobStatus

log = logging.getLogger(__name__)

_GENERATION = "generation"
_MAINTENANCE = "maintenance"
_UNEXPECTED_ERROR = "Something went wrong while generating this podcast. Please try again."
# Catches wake-ups that raced a finishing dispatcher, and jobs enqueued by other processes sharing the database.
_SAFETY_NET_SECONDS = 15


@dataclass(frozen=True)
class ExecutorSettings:
    """Timing and limits of the executor."""

    job_ttl: timedelta = timedelta(hours=24)
    prune_every: timedelta = timedelta(hours=1)
    heartbeat_every: float = 5.0
    stale_after: float = 30.0
    max_attempts: int = 3
    limits: job_creation.QueueLimits = field(default_factory=job_creation.QueueLimits)


class JobExecutor:
    """Owns the scheduler: dispatching, running, recovering and pruning jobs."""

    def __init__(self, db: Database, providers: Providers, mix: MixSettings, work_root: Path,
                 config: ExecutorSettings | None = None, runner: Runner | None = None,
                 metrics: Metrics | None = None) -> None:
        self.db, self.providers, self.mix, self.work_root = db, providers, mix, work_root
        self.metrics = metrics
        self.runner: Runner = runner or InlineRunner(providers, mix)
        self.config = config or ExecutorSettings()
        self.stopping = threading.Event()
        self.last_beat = time.monotonic()
        self._wake_lock = threading.Lock()
        self._drain_pending = False
        self._running: str | None = None
        self.batcher = EnqueueBatcher(db, self.config.limits)
        self._scheduler = BackgroundScheduler(
            executors={_GENERATION: ThreadPoolExecutor(1), _MAINTENANCE: ThreadPoolExecutor(1)},
            job_defaults={"misfire_grace_time": None, "coalesce": True}, timezone="UTC")

    def start(self) -> None:
        """Recover jobs orphaned by a dead process, start the scheduler and run whatever is queued."""
        # SQLite has one process per file, so anything still processing now was orphaned; a shared database
        # (PostgreSQL) may have live workers elsewhere, so there only stale heartbeats count.
        self._recover(everything=self.db.is_sqlite)
        self._scheduler.add_job(self.prune, "interval", seconds=self.config.prune_every.total_seconds(),
                                id="prune", executor=_MAINTENANCE, max_instances=1)
        self._scheduler.add_job(self._maintain, "interval", seconds=self.config.heartbeat_every,
                                id="heartbeat", executor=_MAINTENANCE, max_instances=1)
        self._scheduler.add_job(self._drain, "interval", seconds=_SAFETY_NET_SECONDS, id="dispatch-safety-net",
                                executor=_GENERATION, max_instances=1)
        self._scheduler.start()
        self.runner.warm_up()
        self.wake()

    def shutdown(self) -> None:
        """Stop claiming; a running job stops after its current segment and goes back to the queue."""
        with self._wake_lock:  # no wake-up is added after this (see wake)
            self.stopping.set()
        self.runner.stop()
        if self._scheduler.running:
            # APScheduler marks itself stopped before it takes its job-store lock, so a wake-up it was starting in
            # that moment could not be removed and its thread died on JobLookupError. Paused, it starts nothing
            # more, and removing the jobs waits for a round already under way.
            self._scheduler.pause()
            self._scheduler.remove_all_jobs()
            self._scheduler.shutdown(wait=True)

    def submit(self, new: records.NewJob, *, idempotency_key: str | None = None,
               request_hash: str | None = None) -> job_creation.Created:
        """Queue a job (committed before this returns, within the queue limits) and wake the dispatcher."""
        created = job_creation.create(self.db, new, limits=self.config.limits, idempotency_key=idempotency_key,
                              request_hash=request_hash)
        self.wake()
        return created

    async def submit_async(self, new: records.NewJob, *, idempotency_key: str | None = None,
                           request_hash: str | None = None) -> job_creation.Created:
        """`submit` for the event loop: batched with other enqueues arriving at the same time."""
        created = await self.batcher.submit(job_creation.Submission(new, idempotency_key, request_hash))
        self.wake()
        return created

    def submit_edit(self, new: records.NewJob, podcast_id: str, based_on: int, script: dict[str, Any]
                    ) -> records.JobRecord:
        """Queue the voicing of an edited script as the episode's next version (see job_creation.create_edit)."""
        record = job_creation.create_edit(self.db, new, podcast_id, based_on, script, self.config.limits)
        self.wake()
        return record

    def retry(self, job_id: str) -> records.JobRecord:
        """Queue a failed or cancelled job again; it resumes from whatever checkpoints remain."""
        record = jobs.retry(self.db, job_id, self.config.limits)
        if self.metrics is not None:
            self.metrics.retries.inc()
        self.wake()
        return record

    def approve(self, job_id: str) -> records.JobRecord:
        """Queue a reviewed job for voicing, with the script as it stands."""
        record = jobs.approve(self.db, job_id)
        self.wake()
        return record

    def cancel(self, job_id: str) -> records.JobRecord:
        """Cancel a job; a queued one has nothing to clean, a running one cleans up at its next segment."""
        record = jobs.cancel(self.db, job_id)
        if self._running != job_id:
            shutil.rmtree(self.work_root / job_id, ignore_errors=True)
        return record

    def wake(self) -> None:
        """Make sure a dispatcher will look at the queue soon; at most one waits at a time."""
        with self._wake_lock:
            if self._drain_pending or self.stopping.is_set() or not self._scheduler.running:
                return
            self._drain_pending = True
            # Added under the lock, so none comes after shutdown has begun: the scheduler would start it once
            # stopped (and fail to remove it), or make shutdown wait on the lock its own threads wait for.
            self._scheduler.add_job(self._drain, id=f"dispatch-{uuid.uuid4().hex}", executor=_GENERATION)

    def beat(self) -> None:
        """The executor is alive and making progress (read by /healthz)."""
        self.last_beat = time.monotonic()

    def _drain(self) -> None:
        with self._wake_lock:
            self._drain_pending = False
        while not self.stopping.is_set():
            self.beat()
            claimed = jobs.claim_next(self.db)
            if claimed is None:
                return
            self._run(claimed)

    def _run(self, job: records.ClaimedJob) -> None:
        workdir = self.work_root / job.job_id
        log.info("job %s started (attempt %d)", job.job_id, job.attempts)
        self._running = job.job_id
        voice = engines = ""
        started = time.monotonic()
        finished = False  # True once nothing of this attempt is worth keeping for a resume
        try:
            # a job's voices may have gone since it was queued (settings changed): that fails the job, readably
            cast = self.providers.cast_for(job.hosts)
            voice, engines = pace_key(cast, self.mix), engines_of(cast)
            job = replace(job, words_per_second=pace.words_per_second(self.db, voice),
                          lexicon=lexicons.entries_of(self.db, job.user_id))
            episode = self.runner.run(job, workdir, RowSink(self.db, job.job_id, self.stopping, on_report=self.beat))
        except AwaitingReview as paused:
            finished = True  # the script is kept in the job's row, not in scratch files
            if jobs.await_review(self.db, job, paused.script, Milestone.SCRIPT_READY):
                log.info("job %s awaits review of its script", job.job_id)
        except Interrupted:
            if queries.status_of(self.db, job.job_id) == JobStatus.CANCELLED:
                finished = True
                log.info("job %s cancelled", job.job_id)
            elif jobs.requeue(self.db, job.job_id):
                log.info("job %s interrupted by shutdown; queued to resume", job.job_id)
        except NotecastError as exc:
            log.warning("job %s failed: %s", job.job_id, exc.message)
            if jobs.fail(self.db, job.job_id, exc.message):
                self._count_failure(exc)
        except Exception as exc:
            log.exception("job %s failed unexpectedly", job.job_id)
            if jobs.fail(self.db, job.job_id, _UNEXPECTED_ERROR):
                self._count_failure(exc)
        else:
            finished = True
            try:
                completed = jobs.complete(self.db, job, episode)
            except ConflictError as lost:  # its episode changed under it (deleted or edited again): not stored
                log.warning("job %s failed: %s", job.job_id, lost.message)
                jobs.fail(self.db, job.job_id, lost.message)
                remove_stored(self.providers.media, media_keys(job.media_id, self.mix))
                completed = False
            if completed:
                log.info("job %s completed: %.1f s of audio", job.job_id, episode.audio_duration)
                took = time.monotonic() - started
                work = took if episode.voiced_fresh and job.attempts == 1 else None
                pace.record(self.db, voice, episode.words, episode.audio_duration, work)
                if self.metrics is not None:
                    done = queries.get(self.db, job.job_id)
                    self.metrics.job_completed(engines, took, episode.audio_duration, work is not None,
                                               (done.segments_total or 0) if done else 0,
                                               (done.segments_cached or 0) if done else 0)
        finally:
            self._running = None
        # One clean-up, whichever way the attempt ended: a cancel (before, during or just after storing) must
        # leave neither scratch files nor a stored episode behind.
        if finished:
            shutil.rmtree(workdir, ignore_errors=True)
        if queries.status_of(self.db, job.job_id) == JobStatus.CANCELLED:
            shutil.rmtree(workdir, ignore_errors=True)
            remove_stored(self.providers.media, media_keys(job.media_id, self.mix))

    def _count_failure(self, error: BaseException) -> None:
        if self.metrics is not None:
            self.metrics.failures.labels(failure_reason(error)).inc()

    def _maintain(self) -> None:
        if self._running:
            jobs.heartbeat(self.db, [self._running])
        self._recover(everything=False)

    def _recover(self, everything: bool) -> None:
        cutoff = None if everything else records.utcnow() - timedelta(seconds=self.config.stale_after)
        running = (self._running,) if self._running else ()
        requeued, failed = jobs.recover_stale(self.db, cutoff, self.config.max_attempts, exclude=running)
        for job_id in requeued:
            log.warning("job %s was interrupted (its worker stopped); queued to resume", job_id)
        for job_id in failed:
            log.warning("job %s failed: interrupted %d times", job_id, self.config.max_attempts)
        if self.metrics is not None:
            self.metrics.resumes.inc(len(requeued))
            if failed:
                self.metrics.failures.labels("interrupted").inc(len(failed))
        if requeued:
            self.wake()

    def prune(self) -> list[str]:
        """Delete finished jobs past their TTL, and their scratch files. Every replica runs this on its own
        schedule, and that is safe: the delete is one guarded statement, so whichever replica runs first removes
        the rows and the others find none. Each replica then removes its own old scratch folders whose job is
        gone, whichever replica deleted the row."""
        removed = jobs.prune(self.db, self.config.job_ttl)
        for job_id in removed:
            shutil.rmtree(self.work_root / job_id, ignore_errors=True)
        if removed:
            log.info("pruned %d finished jobs", len(removed))
        old = time.time() - self.config.job_ttl.total_seconds()
        folders = self.work_root.iterdir() if self.work_root.is_dir() else iter(())
        for folder in folders:
            if folder.is_dir() and folder.stat().st_mtime < old and queries.status_of(self.db, folder.name) is None:
                shutil.rmtree(folder, ignore_errors=True)
        return removed
