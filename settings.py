"""Notecast's one settings object, read from the environment and `.env`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VERSION = "0.1.0"


class Settings(BaseSettings):
    """Every tunable of the service; build one per process (tests build their own)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    notecast_data_dir: Path = Path("./data")
    database_url: str = ""
    host: str = "0.0.0.0"
    port: int = Field(default=3005, ge=1, le=65535)
    public_base_url: str = ""  # empty: http://localhost:PORT, so links follow a changed PORT

    # Comma-separated; kept as a string because pydantic-settings would otherwise expect JSON.
    api_keys: str = Field(default="", repr=False)
    require_key_for_job_reads: bool = False
    # GET /metrics needs the API key too (when API_KEYS is set)
    metrics_need_key: bool = False
    # Comma-separated origins (https://app.example) whose browser code may call the JSON API directly; empty: none.
    cors_origins: str = ""

    job_ttl_hours: float = Field(default=24, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=20)
    max_queued_per_user: int = Field(default=5, ge=1)
    max_queue: int = Field(default=500, ge=1)
    # A running job's row is refreshed every few seconds; past this age its worker is presumed dead.
    heartbeat_stale_seconds: float = Field(default=30, ge=5)
    # /healthz says "degraded" when the executor has shown no sign of life for this long.
    executor_stale_seconds: float = Field(default=300, ge=5)
    segment_cache_bytes: int = Field(default=2_000_000_000, ge=0)
    prune_interval_minutes: float = Field(default=60, gt=0)
    # False makes an API/UI-only replica: it queues jobs, and other replicas sharing the database generate them.
    run_worker: bool = True
    # Generate in a separate worker process (the default), or in a thread of the server process.
    generation_process: bool = True
    access_log: bool = False
    sync_wait_seconds: float = Field(default=600, ge=0)
    max_body_bytes: int = Field(default=1_000_000, gt=0)

    host_names: str = "Alex,Sam"
    script_provider: Literal["builtin", "openai"] = "builtin"
    voice_provider: Literal["piper", "openai"] = "piper"
    media_store: Literal["local", "s3"] = "local"

    # OpenAI or any OpenAI-compatible server (Ollama, vLLM, LM Studio) through OPENAI_BASE_URL.
    openai_api_key: str = Field(default="", repr=False)
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    openai_tts_model: str = "tts-1"
    openai_voices: str = "alloy,echo"
    openai_timeout_seconds: float = Field(default=120, gt=0)
    openai_max_attempts: int = Field(default=5, ge=1, le=20)
    # How much of a note one model call may see; longer notes are outlined and written chunk by chunk.
    openai_chunk_chars: int = Field(default=12_000, ge=500)
    tts_concurrency: int = Field(default=3, ge=1, le=16)

    s3_bucket: str = ""
    s3_prefix: str = "podcasts/"
    s3_region: str = ""
    s3_endpoint_url: str = ""
    s3_public_base_url: str = ""
    s3_presign_seconds: int = Field(default=3600, ge=60, le=604_800)
    s3_max_attempts: int = Field(default=4, ge=1, le=20)

    # One `engine:voice` per host, in HOST_NAMES order (GET /api/voices lists them). Empty: the offline pair
    # piper:joe and hibari:heart, or the first two OPENAI_VOICES when VOICE_PROVIDER is openai.
    host_voices: str = ""
    # Pitch factor of `piper:joe-pitched`, Joe shifted up to pass for a second person (for one-model setups).
    second_host_pitch: float = Field(default=1.25, gt=0.5, lt=2.0)
    # The worker process is niced below the web server, so Piper may use both cores of a small machine.
    piper_threads: int = Field(default=2, ge=1, le=64)
    # hibari runs about 100x real time on one core, so one thread is plenty; its turns overlap Piper's (the
    # hosts alternate), and Piper's two threads plus this one keep both cores busy without oversubscribing.
    hibari_threads: int = Field(default=1, ge=1, le=64)
    pause_ms: int = Field(default=350, ge=0, le=5000)
    section_pause_ms: int = Field(default=700, ge=0, le=10000)
    # Fade at both ends of every turn so the joins never click.
    join_ramp_ms: int = Field(default=10, ge=1, le=200)
    # Optional music under the intro: plays alone for the lead, then ducks under the hosts and fades out.
    intro_music: Path | None = None
    intro_music_lead_ms: int = Field(default=3000, ge=0, le=30_000)
    intro_music_seconds: float = Field(default=12, gt=0, le=120)

    # Delivery: MP3 plays everywhere; m4a (AAC) and opus are smaller at the same quality.
    audio_format: Literal["mp3", "m4a", "opus"] = "mp3"
    audio_bitrate_kbps: int = Field(default=96, ge=32, le=320)
    show_name: str = Field(default="Notecast", min_length=1, max_length=200)
    # Cover art in the files and the feed (PNG or JPEG, ideally square, 1400-3000 px); a default is bundled.
    cover_image: Path | None = None
    # Listen while it generates: a growing MP3 of the mix as it is voiced (costs one more ffmpeg per job).
    live_preview: bool = True

    storage_secret: str = Field(default="", repr=False)
    # Replicas: browsers' storage (user id, sign-in) in Redis, so any replica knows a browser. Needs a shared
    # STORAGE_SECRET, since the cookie naming a browser's storage is signed with it.
    redis_url: str = Field(default="", repr=False)
    # When set, every page asks for this password first (the JSON API keeps its own API_KEYS rule).
    ui_password: str = Field(default="", repr=False)
    # How long a browser stays signed in with UI_PASSWORD.
    ui_session_hours: float = Field(default=168, gt=0, le=24 * 366)
    # Episodes the browser UI starts per client address per hour (the UI needs no API key, so it is limited here).
    ui_jobs_per_hour: int = Field(default=20, ge=1)
    # "user": the segment cache and episode reuse are per user, so no user can tell what another has voiced;
    # "global" shares them across users (faster regeneration for a single-user install).
    cache_scope: Literal["user", "global"] = "user"
    # Open connections (browsers' websockets included) past which the server answers 503.
    max_connections: int = Field(default=1000, ge=10)
    # Event streams and growing previews one client address may hold open at once (each holds a connection).
    max_streams_per_client: int = Field(default=20, ge=1)

    # Webhooks (Standard Webhooks): the signing secret, whsec_ and base64 (generated and kept in the data dir
    # when unset; replicas need the same one); a default callbackUrl per API key, as JSON {"<key>": "<url>"}
    # ("*" for every caller); and whether callbacks may go to private and loopback addresses (one network).
    webhook_secret: str = Field(default="", repr=False)
    webhook_urls: str = Field(default="", repr=False)
    webhook_allow_private: bool = False

    @field_validator("public_base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _base_url_follows_port(self) -> Settings:
        if not self.public_base_url:
            self.public_base_url = f"http://localhost:{self.port}"
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if len(self.hosts) != 2 or self.hosts[0] == self.hosts[1]:
            raise ValueError("HOST_NAMES must name two different hosts, e.g. 'Alex,Sam'")
        for setting, value in (("SCRIPT_PROVIDER", self.script_provider), ("VOICE_PROVIDER", self.voice_provider)):
            if value == "openai" and not self.openai_api_key:
                raise ValueError(f"{setting} is openai but OPENAI_API_KEY is not set "
                                 "(for a local server such as Ollama any placeholder works, e.g. 'ollama')")
        if self.voice_provider == "openai" and not self.host_voices and len(self.openai_voice_list) != 2:
            raise ValueError("OPENAI_VOICES must name two voices, one per host, e.g. 'alloy,echo'")
        if len(self.host_voice_list) != 2 or not all(_VOICE_NAME.fullmatch(name) for name in self.host_voice_list):
            raise ValueError("HOST_VOICES must name two voices as engine:voice, e.g. 'piper:joe,hibari:heart'")
        for name in self.host_voice_list:
            engine = name.split(":", 1)[0]
            if engine == "openai" and not self.openai_api_key:
                raise ValueError(f"HOST_VOICES names {name} but OPENAI_API_KEY is not set")
            if engine != "openai" and name not in OFFLINE_VOICES:
                raise ValueError(_offline_refusal(name))
        if self.database_url.startswith("postgresql") and importlib.util.find_spec("psycopg") is None:
            raise ValueError("DATABASE_URL is PostgreSQL, but its driver is not installed: "
                             "pip install 'notecast[postgres]' (make run includes it)")
        if self.redis_url and not self.storage_secret:
            raise ValueError("REDIS_URL is set (replicas share browsers), so STORAGE_SECRET must be set too, the "
                             "same on every replica")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must look like redis://host:6379/0")
        if self.webhook_secret and not _is_webhook_secret(self.webhook_secret):
            raise ValueError("WEBHOOK_SECRET must be whsec_ followed by base64 of 24 to 64 random bytes, "
                             "e.g. whsec_" + base64.b64encode(b"0" * 24).decode())
        self.webhook_url_map  # noqa: B018  (raises on a malformed value, at start-up)
        if self.media_store == "s3" and not self.s3_bucket:
            raise ValueError("MEDIA_STORE is s3 but S3_BUCKET is not set")
        for setting, path in (("INTRO_MUSIC", self.intro_music), ("COVER_IMAGE", self.cover_image)):
            if path is not None and not path.is_file():
                raise ValueError(f"{setting} is {path}, which is not a readable file")
        if self.cover_image is not None and self.cover_image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValueError("COVER_IMAGE must be a .png or .jpg file")
        return self

    @property
    def openai_voice_list(self) -> list[str]:
        """The TTS voice for each host."""
        return [voice.strip() for voice in self.openai_voices.split(",") if voice.strip()]

    @property
    def host_voice_list(self) -> list[str]:
        """The voice of each host, `engine:voice`."""
        if self.host_voices:
            return [voice.strip() for voice in self.host_voices.split(",") if voice.strip()]
        if self.voice_provider == "openai":
            return [f"openai:{voice}" for voice in self.openai_voice_list]
        return ["piper:joe", "hibari:heart"]

    @property
    def hosts(self) -> tuple[str, ...]:
        """The two host names, first the explainer, then the questioner."""
        return tuple(name.strip() for name in self.host_names.split(",") if name.strip())

    @property
    def api_key_list(self) -> list[str]:
        """Configured API keys; empty means the API is open."""
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        """Origins allowed to call the API from a browser (CORS); empty means none."""
        return [origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def media_origins(self) -> str:
        """Other sites that serve episode audio to browsers (for the pages' Content-Security-Policy)."""
        if self.media_store != "s3":
            return ""
        origins = {_origin(url) for url in (self.s3_public_base_url, self.s3_endpoint_url) if url}
        if not self.s3_endpoint_url:
            origins.add("https://*.amazonaws.com")  # where AWS's presigned URLs point
        return " ".join(sorted(origins))

    @property
    def data_dir(self) -> Path:
        """Absolute data directory; every piece of local state lives below it."""
        return self.notecast_data_dir.expanduser().resolve()

    @property
    def media_dir(self) -> Path:
        """Where the local media store keeps finished episodes."""
        return self.data_dir / "media"

    @property
    def work_dir(self) -> Path:
        """Per-job scratch space; pruned with the job."""
        return self.data_dir / "work"

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'notecast.db'}"

    @property
    def webhook_url_map(self) -> dict[str, str]:
        """WEBHOOK_URLS: the default callback URL by API key ("*": any caller)."""
        if not self.webhook_urls.strip():
            return {}
        try:
            mapping = json.loads(self.webhook_urls)
        except ValueError:
            raise ValueError('WEBHOOK_URLS must be JSON, e.g. {"<api key>": "https://app.example/hooks"}') from None
        if not isinstance(mapping, dict) or not all(isinstance(key, str) and isinstance(url, str)
                                                    and url.startswith(("http://", "https://"))
                                                    for key, url in mapping.items()):
            raise ValueError("WEBHOOK_URLS must map API keys (or \"*\") to http(s) URLs")
        unknown = [key for key in mapping if key != "*" and key not in self.api_key_list]
        if unknown:
            raise ValueError(f"WEBHOOK_URLS names {len(unknown)} key(s) that are not in API_KEYS")
        return mapping

    def default_callback(self, api_key: str | None) -> str | None:
        """Where a caller's webhooks go when its request names no callbackUrl."""
        mapping = self.webhook_url_map
        return mapping.get(api_key or "") or mapping.get("*")

    @cached_property
    def effective_webhook_secret(self) -> str:
        """The webhook signing secret: given, or derived from the storage secret (so replicas, which share that,
        sign alike). `notecast webhook-secret` shows it to whoever sets up a receiver."""
        if self.webhook_secret:
            return self.webhook_secret
        derived = hmac.new(self.effective_storage_secret.encode(), b"notecast webhook signing", hashlib.sha256)
        return "whsec_" + base64.b64encode(derived.digest()).decode()

    @cached_property
    def effective_storage_secret(self) -> str:
        """The browser-storage secret: given, or generated once and kept in the data dir."""
        if self.storage_secret:
            return self.storage_secret
        path = self.data_dir / "storage_secret"
        self.ensure_data_dir()
        secret = path.read_text().strip() if path.exists() else ""
        if len(secret) < _MIN_SECRET_CHARS:  # absent, or cut short by a crash in an older version
            # Written whole to a private temporary file, flushed, then linked into place: the secret file is
            # complete or absent, never empty, and never readable by others. A racing process's link wins.
            partial = path.with_name(f"storage_secret.{os.getpid()}.partial")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(32))
                file.flush()
                os.fsync(file.fileno())
            path.unlink(missing_ok=True)  # a short secret is no secret: replace it
            try:
                os.link(partial, path)
            except FileExistsError:
                pass
            finally:
                partial.unlink(missing_ok=True)
            secret = path.read_text().strip()
        return secret

    def ensure_data_dir(self) -> None:
        """Create the data directory, readable by its owner only (0700): it holds the database and secrets. One
        made by an older version (or by hand) is tightened too, when this process owns it."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.data_dir.stat().st_uid == os.getuid() and self.data_dir.stat().st_mode & 0o077:
            self.data_dir.chmod(0o700)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_MIN_SECRET_CHARS = 32


def _is_webhook_secret(value: str) -> bool:
    if not value.startswith("whsec_"):
        return False
    try:
        key = base64.b64decode(value.removeprefix("whsec_"), validate=True)
    except ValueError:
        return False
    return 24 <= len(key) <= 64
# The voices inside the installed wheels (nothing is downloaded at run time), with a label for pickers.
OFFLINE_VOICES = {"piper:joe": "Joe (Piper, US English, male)",
                  "hibari:heart": "Heart (hibari, US English, female)",
                  "piper:joe-pitched": "Joe, pitched up (Piper, for one-model setups)"}


def _offline_refusal(name: str) -> str:
    if name.startswith("hibari:"):
        return (f"HOST_VOICES names {name}, which hibari-tts downloads on first use; Notecast never downloads "
                "at run time, so only hibari:heart (inside the package) is offered")
    return f"HOST_VOICES names {name}, which is not installed; offline voices: {', '.join(OFFLINE_VOICES)}"


_VOICE_NAME = re.compile(r"[a-z0-9]+:[A-Za-z0-9_.-]{1,64}")


class ConfigError(Exception):
    """The settings are unusable; the message is one line naming the setting."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())).upper()
        message = str(first.get("msg", "is invalid")).removeprefix("Value error, ")
        raise ConfigError(f"{field}: {message}" if field else message) from None
