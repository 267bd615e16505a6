"""Builds the running parts of Notecast from settings; the API and the UI share one `Services`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from pipeline.builtin_writer import BuiltinScriptWriter
from pipeline.episode import MixSettings, Providers
from pipeline.executor import ExecutorSettings, JobExecutor
from pipeline.runner import ProcessRunner
from pipeline.script import ScriptWriter
from pipeline.segment_cache import SegmentCache
from pipeline.voices import PiperVoice, Voice
from settings import Settings
from store.db import Database
from store.jobs import QueueLimits
from store.media import LocalMediaStore, MediaStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything a request handler or page needs."""

    settings: Settings
    db: Database
    providers: Providers
    executor: JobExecutor


def _openai_writer(settings: Settings) -> ScriptWriter:
    from pipeline.openai_writer import OpenAIScriptWriter

    return OpenAIScriptWriter(settings)


def _openai_voice(settings: Settings) -> Voice:
    from pipeline.openai_voice import OpenAIVoice

    return OpenAIVoice(settings)


def _s3_store(settings: Settings) -> MediaStore:
    from store.s3_media import S3MediaStore

    return S3MediaStore(settings.s3_bucket, settings.s3_prefix, settings.s3_public_base_url,
                        settings.public_base_url, region=settings.s3_region, endpoint_url=settings.s3_endpoint_url,
                        presign_seconds=settings.s3_presign_seconds, max_attempts=settings.s3_max_attempts)


def build_providers(settings: Settings) -> Providers:
    """The script writer, voice and media store named by the settings (each owns its own client)."""
    writers: dict[str, Callable[[], ScriptWriter]] = {
        "builtin": lambda: BuiltinScriptWriter(settings.hosts), "openai": lambda: _openai_writer(settings)}
    voices: dict[str, Callable[[], Voice]] = {
        "piper": lambda: PiperVoice(settings.piper_threads, settings.second_host_pitch),
        "openai": lambda: _openai_voice(settings)}
    stores: dict[str, Callable[[], MediaStore]] = {
        "local": lambda: LocalMediaStore(settings.media_dir, settings.public_base_url),
        "s3": lambda: _s3_store(settings)}
    cache = SegmentCache(settings.data_dir / "cache" / "segments", settings.segment_cache_bytes,
                         per_user=settings.cache_scope == "user") if settings.segment_cache_bytes else None
    return Providers(
        writer=writers[settings.script_provider](),
        voice=voices[settings.voice_provider](),
        media=stores[settings.media_store](),
        cache=cache,
    )


def executor_settings(settings: Settings) -> ExecutorSettings:
    """The executor's timing and limits from the settings."""
    return ExecutorSettings(
        job_ttl=timedelta(hours=settings.job_ttl_hours), prune_every=timedelta(minutes=settings.prune_interval_minutes),
        stale_after=settings.heartbeat_stale_seconds, heartbeat_every=min(5.0, settings.heartbeat_stale_seconds / 3),
        max_attempts=settings.max_attempts,
        limits=QueueLimits(max_queue=settings.max_queue, max_per_user=settings.max_queued_per_user))


def mix_settings(settings: Settings) -> MixSettings:
    """How episodes are put together and delivered, from the settings."""
    return MixSettings(
        pause_ms=settings.pause_ms, section_pause_ms=settings.section_pause_ms, ramp_ms=settings.join_ramp_ms,
        intro_music=settings.intro_music, intro_lead_ms=settings.intro_music_lead_ms,
        intro_music_seconds=settings.intro_music_seconds, audio_format=settings.audio_format,
        bitrate_kbps=settings.audio_bitrate_kbps, show_name=settings.show_name, cover=settings.cover_image)


def build_services(settings: Settings, providers: Providers | None = None) -> Services:
    """Create the data dir and tables and the executor (not yet started)."""
    settings.ensure_data_dir()
    db = Database(settings.effective_database_url)
    db.create_all()
    in_process = providers is not None or not settings.generation_process
    providers = providers or build_providers(settings)
    executor = JobExecutor(db, providers, mix_settings(settings), settings.work_dir, executor_settings(settings))
    if not in_process:
        # generation in its own low-priority process, so it never holds the web server's GIL
        executor.runner = ProcessRunner(settings, on_alive=executor.beat)
    if not settings.api_key_list:
        log.warning("API_KEYS is not set: the JSON API is open to anyone who can reach it")
    elif not settings.ui_password:
        log.warning("API_KEYS is set but UI_PASSWORD is not: anyone who can reach the web pages can make episodes "
                    "without a key (limited to UI_JOBS_PER_HOUR=%d per address); set UI_PASSWORD to close them",
                    settings.ui_jobs_per_hour)
    return Services(settings=settings, db=db, providers=providers, executor=executor)
