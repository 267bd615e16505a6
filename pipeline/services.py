"""The composition root: builds the running parts of Notecast from settings. The API and the UI share one
`Services`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from pipeline.jobs.executor import ExecutorSettings, JobExecutor
from pipeline.jobs.runner import ProcessRunner
from pipeline.jobs.watcher import JobWatcher
from pipeline.metrics import Metrics
from pipeline.providers import Providers, build_providers, mix_settings
from pipeline.webhooks.dispatcher import DispatchSettings, WebhookDispatcher
from settings import Settings
from store.db import Database
from store.job_creation import QueueLimits

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a request handler or page needs."""

    settings: Settings
    db: Database
    providers: Providers
    executor: JobExecutor
    watcher: JobWatcher
    metrics: Metrics
    webhooks: WebhookDispatcher


def executor_settings(settings: Settings) -> ExecutorSettings:
    """The executor's timing and limits from the settings."""
    return ExecutorSettings(
        job_ttl=timedelta(hours=settings.job_ttl_hours), prune_every=timedelta(minutes=settings.prune_interval_minutes),
        stale_after=settings.heartbeat_stale_seconds, heartbeat_every=min(5.0, settings.heartbeat_stale_seconds / 3),
        max_attempts=settings.max_attempts,
        limits=QueueLimits(max_queue=settings.max_queue, max_per_user=settings.max_queued_per_user))


def build_services(settings: Settings, providers: Providers | None = None) -> Services:
    """Create the data dir and tables and the executor (not yet started)."""
    settings.ensure_data_dir()
    db = Database(settings.effective_database_url)
    db.create_all()
    in_process = providers is not None or not settings.generation_process
    providers = providers or build_providers(settings)
    metrics = Metrics(db)
    executor = JobExecutor(db, providers, mix_settings(settings), settings.work_dir, executor_settings(settings),
                           metrics=metrics)
    if not in_process:
        # generation in its own low-priority process, so it never holds the web server's GIL
        executor.runner = ProcessRunner(settings, on_alive=executor.beat)
    if not settings.api_key_list:
        log.warning("API_KEYS is not set: the JSON API is open to anyone who can reach it")
    elif not settings.ui_password:
        log.warning("API_KEYS is set but UI_PASSWORD is not: anyone who can reach the web pages can make episodes "
                    "without a key (limited to UI_JOBS_PER_HOUR=%d per address); set UI_PASSWORD to close them",
                    settings.ui_jobs_per_hour)
    webhooks = WebhookDispatcher(db, DispatchSettings(settings.effective_webhook_secret,
                                                      allow_private=settings.webhook_allow_private), metrics)
    return Services(settings=settings, db=db, providers=providers, executor=executor, watcher=JobWatcher(db),
                    metrics=metrics, webhooks=webhooks)
