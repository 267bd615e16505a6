"""What an operator graphs (Prometheus): counters and histograms updated as jobs end, and the queue as the
database has it, read at each scrape (so every replica reports the shared queue the same way)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from errors import AudioError, NotecastError, ScriptError, StorageError, VoiceError
from store import queries
from store.db import Database
from store.models import JobStatus

_REASONS: tuple[tuple[type[NotecastError], str], ...] = (
    (ScriptError, "script"), (VoiceError, "voice"), (AudioError, "audio"), (StorageError, "storage"))


def failure_reason(error: BaseException | None) -> str:
    """A failure's kind, for the failures counter: the step that failed, or "unexpected"."""
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return "other" if isinstance(error, NotecastError) else "unexpected"


class Metrics:
    """One server's metrics, in their own registry (tests build several servers in one process)."""

    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.job_seconds = Histogram(
            "notecast_job_duration_seconds", "Wall time of completed jobs, from start to completion, by the engines "
            "that voiced them", ["engine"], registry=registry,
            buckets=(1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800))
        self.work_per_audio = Histogram(
            "notecast_job_seconds_per_audio_second", "Generation seconds per second of audio made, by engine "
            "(freshly voiced jobs only)", ["engine"], registry=registry,
            buckets=(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5))
        self.failures = Counter("notecast_job_failures", "Failed jobs by reason", ["reason"], registry=registry)
        self.retries = Counter("notecast_job_retries", "Failed or cancelled jobs queued again", registry=registry)
        self.resumes = Counter("notecast_job_resumes", "Jobs re-queued after their worker stopped", registry=registry)
        self.segments = Counter("notecast_segment_cache_lookups", "Turns of completed jobs by whether the segment "
                                "cache had their audio", ["result"], registry=registry)
        self.webhooks = Counter("notecast_webhook_attempts", "Webhook delivery attempts by outcome (delivered, "
                                "retrying, stopped by a 410, gave_up after 24 h, refused by the address check)",
                                ["outcome"], registry=registry)
        self.http = Counter("notecast_http_requests", "API requests by route template, method and status",
                            ["route", "method", "status"], registry=registry)
        self._http_children: dict[tuple[str, str, int], Any] = {}
        registry.register(_QueueCollector(db))

    def request_served(self, route: str, method: str, status: int) -> None:
        """Count one answered API request (every request does this, so its labelled counter is looked up once)."""
        child = self._http_children.get((route, method, status))
        if child is None:
            child = self._http_children[(route, method, status)] = self.http.labels(route, method, str(status))
        child.inc()

    def job_completed(self, engine: str, seconds: float, audio_seconds: float, fresh: bool, turns: int,
                      cached: int) -> None:
        """Record a completed job."""
        self.job_seconds.labels(engine).observe(seconds)
        if fresh and audio_seconds > 0:
            self.work_per_audio.labels(engine).observe(seconds / audio_seconds)
        self.segments.labels("hit").inc(cached)
        self.segments.labels("miss").inc(max(0, turns - cached))


class _QueueCollector(Collector):
    """Jobs by status, and the queue's depth and oldest wait, from the database at scrape time."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        by_status, oldest = queries.status_counts(self.db)
        jobs = GaugeMetricFamily("notecast_jobs", "Jobs in the database by status", labels=["status"])
        for status in JobStatus:
            jobs.add_metric([status.value], by_status.get(status.value, 0))
        yield jobs
        yield GaugeMetricFamily("notecast_queue_depth", "Jobs waiting to run", value=by_status.get("queued", 0))
        waited = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily("notecast_queue_oldest_age_seconds", "How long the oldest queued job has waited",
                                value=max(0.0, waited))
