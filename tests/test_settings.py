"""Settings: defaults, validation, and the storage secret kept in the data dir."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.services import Services
from settings import ConfigError, Settings, load_settings


def test_defaults_match_the_seed(settings: Settings) -> None:
    fresh = Settings(_env_file=None)  # type: ignore[call-arg]
    assert fresh.port == 3005 and fresh.public_base_url == "http://localhost:3005"
    assert fresh.hosts == ("Alex", "Sam") and fresh.api_key_list == []
    assert fresh.effective_database_url.startswith("sqlite:///") and fresh.job_ttl_hours == 24
    moved = Settings(_env_file=None, port=8080)  # type: ignore[call-arg]
    assert moved.public_base_url == "http://localhost:8080", "links follow PORT unless PUBLIC_BASE_URL is set"


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NOTECAST_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("API_KEYS", "a, b ,")
    monkeypatch.setenv("HOST_NAMES", "Ada,Lin")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://pods.example/")
    loaded = Settings(_env_file=None)  # type: ignore[call-arg]
    assert loaded.data_dir == tmp_path and loaded.api_key_list == ["a", "b"]
    assert loaded.hosts == ("Ada", "Lin") and loaded.public_base_url == "https://pods.example"


def test_host_names_must_name_two_hosts() -> None:
    with pytest.raises(ValidationError, match="HOST_NAMES"):
        Settings(_env_file=None, host_names="Solo")  # type: ignore[call-arg]


def test_api_keys_never_show_in_repr(settings: Settings) -> None:
    keyed = settings.model_copy(update={"api_keys": "super-secret-key"})
    assert "super-secret-key" not in repr(keyed)


def test_storage_secret_is_generated_once_and_kept(settings: Settings) -> None:
    first = settings.effective_storage_secret
    again = Settings(_env_file=None, notecast_data_dir=settings.data_dir).effective_storage_secret  # type: ignore
    assert first == again and len(first) >= 32
    assert (settings.data_dir / "storage_secret").stat().st_mode & 0o077 == 0


def test_open_api_is_warned_about(make_services: Callable[..., Services], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        make_services(start=False)
    assert "API_KEYS is not set" in caplog.text


def test_postgres_without_its_driver_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "psycopg" else real_find_spec(name, *args))
    with pytest.raises(ConfigError, match=r"notecast\[postgres\]"):
        load_settings(_env_file=None, database_url="postgresql+psycopg://db/notecast")


def test_the_pages_may_play_media_from_the_configured_s3_host(settings: Settings) -> None:
    from api.middleware import content_security_policy

    assert settings.media_origins == ""
    s3 = settings.model_copy(update={"media_store": "s3", "s3_bucket": "b",
                                     "s3_endpoint_url": "https://minio.example:9000/",
                                     "s3_public_base_url": "https://cdn.example/podcasts"})
    assert s3.media_origins == "https://cdn.example https://minio.example:9000"
    policy = content_security_policy(s3.media_origins)
    assert "media-src 'self' blob: https://cdn.example https://minio.example:9000;" in policy
    aws = settings.model_copy(update={"media_store": "s3", "s3_bucket": "b"})
    assert aws.media_origins == "https://*.amazonaws.com"


def test_replicas_sharing_browsers_need_a_shared_storage_secret() -> None:
    with pytest.raises(ConfigError, match="STORAGE_SECRET must be set too"):
        load_settings(_env_file=None, redis_url="redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="REDIS_URL must look like"):
        load_settings(_env_file=None, redis_url="127.0.0.1:6379", storage_secret="s")
    assert load_settings(_env_file=None, redis_url="redis://r:6379/0", storage_secret="s").redis_url


def test_the_webhook_secret_is_checked_or_derived_from_the_storage_secret(settings: Settings) -> None:
    from standardwebhooks.webhooks import Webhook

    for bad in ("not-whsec", "whsec_***", "whsec_c2hvcnQ="):
        with pytest.raises(ConfigError, match="WEBHOOK_SECRET must be whsec_"):
            load_settings(_env_file=None, webhook_secret=bad)
    derived = settings.effective_webhook_secret
    again = Settings(_env_file=None, notecast_data_dir=settings.data_dir).effective_webhook_secret  # type: ignore
    replica = Settings(_env_file=None, notecast_data_dir=settings.data_dir,  # type: ignore[call-arg]
                       storage_secret="another-shared-secret-for-replicas-0123456789")
    assert derived == again and derived.startswith("whsec_") and replica.effective_webhook_secret != derived
    Webhook(derived)  # the reference implementation takes it
    given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert load_settings(_env_file=None, webhook_secret=given).effective_webhook_secret == given


def test_default_callbacks_name_configured_keys(settings: Settings) -> None:
    keyed = settings.model_copy(update={"api_keys": "k1,k2",
                                        "webhook_urls": '{"k1": "https://a.example/h", "*": "https://all.example/h"}'})
    assert keyed.default_callback("k1") == "https://a.example/h"
    assert keyed.default_callback("k2") == keyed.default_callback(None) == "https://all.example/h"
    assert settings.default_callback("k1") is None
    with pytest.raises(ConfigError, match="WEBHOOK_URLS must be JSON"):
        load_settings(_env_file=None, webhook_urls="k1=https://a.example")
    with pytest.raises(ConfigError, match="WEBHOOK_URLS names 1 key"):
        load_settings(_env_file=None, api_keys="k1", webhook_urls='{"k9": "https://a.example/h"}')
    with pytest.raises(ConfigError, match="to http"):
        load_settings(_env_file=None, webhook_urls='{"*": "ftp://a.example/h"}')
