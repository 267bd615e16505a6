"""The implementations the settings choose (script writer, voice, media store, segment cache), and how
episodes are mixed. Built in the server and again in the generation worker process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.audio.mix import MixSettings
from pipeline.cache import SegmentCache
from pipeline.voices.base import Cast, Host, VoiceCatalog, hosts_from_json
from pipeline.voices.catalog import SettingsVoiceCatalog, default_hosts
from pipeline.writers.base import ScriptWriter
from pipeline.writers.builtin import BuiltinScriptWriter
from settings import Settings
from store.media import LocalMediaStore, MediaStore


@dataclass(frozen=True)
class Providers:
    """The implementations chosen by settings, the hosts an episode has unless its request names others, and
    the segment cache in front of the voices."""

    writer: ScriptWriter
    voices: VoiceCatalog
    hosts: tuple[Host, Host]
    media: MediaStore
    cache: SegmentCache | None = None

    def cast_for(self, stored_hosts: object) -> Cast:
        """The voiced hosts of a job (the hosts stored on it, or the default ones for older jobs)."""
        return Cast.of(hosts_from_json(stored_hosts, self.hosts), self.voices)


def _openai_writer(settings: Settings) -> ScriptWriter:
    from pipeline.writers.openai import OpenAIScriptWriter

    return OpenAIScriptWriter(settings)


def _s3_store(settings: Settings) -> MediaStore:
    from store.s3_media import S3MediaStore

    return S3MediaStore(settings.s3_bucket, settings.s3_prefix, settings.s3_public_base_url,
                        settings.public_base_url, region=settings.s3_region, endpoint_url=settings.s3_endpoint_url,
                        presign_seconds=settings.s3_presign_seconds, max_attempts=settings.s3_max_attempts)


def build_providers(settings: Settings) -> Providers:
    """The script writer, voices and media store named by the settings (each owns its own client)."""
    writers: dict[str, Callable[[], ScriptWriter]] = {
        "builtin": BuiltinScriptWriter, "openai": lambda: _openai_writer(settings)}
    stores: dict[str, Callable[[], MediaStore]] = {
        "local": lambda: LocalMediaStore(settings.media_dir, settings.public_base_url),
        "s3": lambda: _s3_store(settings)}
    cache = SegmentCache(settings.data_dir / "cache" / "segments", settings.segment_cache_bytes,
                         per_user=settings.cache_scope == "user") if settings.segment_cache_bytes else None
    return Providers(
        writer=writers[settings.script_provider](),
        voices=SettingsVoiceCatalog(settings),
        hosts=default_hosts(settings),
        media=stores[settings.media_store](),
        cache=cache,
    )


def mix_settings(settings: Settings) -> MixSettings:
    """How episodes are put together and delivered, from the settings."""
    return MixSettings(
        pause_ms=settings.pause_ms, section_pause_ms=settings.section_pause_ms, ramp_ms=settings.join_ramp_ms,
        intro_music=settings.intro_music, intro_lead_ms=settings.intro_music_lead_ms,
        intro_music_seconds=settings.intro_music_seconds, audio_format=settings.audio_format,
        bitrate_kbps=settings.audio_bitrate_kbps, show_name=settings.show_name, cover=settings.cover_image,
        live_preview=settings.live_preview)
