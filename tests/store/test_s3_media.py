"""The `s3` media store against moto's standalone S3 server on loopback (real HTTP, no in-process patching)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers, build_providers
from pipeline.services import Services
from settings import Settings
from store.s3_media import S3MediaStore
from tests.audio_metrics import decode
from tests.conftest import S3_BUCKET, SHORT_NOTE, wait_for_api_job
from tests.server import free_port

BUCKET = S3_BUCKET  # in the bucket the s3_endpoint fixture (tests/conftest.py) makes


@pytest.fixture
def s3_settings(settings: Settings, s3_endpoint: str) -> Settings:
    return settings.model_copy(update={"media_store": "s3", "s3_bucket": BUCKET, "s3_endpoint_url": s3_endpoint,
                                       "s3_region": "us-east-1"})


def _store(settings: Settings) -> S3MediaStore:
    store = build_providers(settings).media
    assert isinstance(store, S3MediaStore)
    return store


def test_upload_sets_type_and_cache_and_is_checked_by_head(s3_settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "a.mp3"
    source.write_bytes(b"ID3" + b"\x00" * 5000)
    store = _store(s3_settings)
    assert store.put(source, "abc123.mp3", "audio/mpeg") == 5003
    head = store.client.head_object(Bucket=BUCKET, Key="podcasts/abc123.mp3")
    assert head["ContentType"] == "audio/mpeg" and "max-age=31536000" in head["CacheControl"]
    assert store.materialize("abc123.mp3", tmp_path).read_bytes() == source.read_bytes()


def test_large_files_go_up_in_parts(s3_settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "big.mp3"
    source.write_bytes(b"\x01" * (17 * 1024 * 1024))
    store = _store(s3_settings)
    store.put(source, "big.mp3", "audio/mpeg")
    etag = store.client.head_object(Bucket=BUCKET, Key="podcasts/big.mp3")["ETag"]
    assert etag.strip('"').endswith("-3"), etag


def test_a_job_on_s3_uploads_a_decodable_episode_behind_a_stable_redirect(
    make_client: Callable[..., tuple[TestClient, Services]], s3_settings: Settings, tmp_path: Path
) -> None:
    client, _ = make_client(build_providers(s3_settings), s3_settings)
    job_id = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u"}).json()["jobId"]
    job = _finished(client, job_id)
    assert job["status"] == "completed", job
    assert job["audioUrl"] == f"http://testserver/media/{job['podcastId']}.mp3"
    redirect = client.get(job["audioUrl"].removeprefix("http://testserver"), follow_redirects=False)
    assert redirect.status_code == 302
    fetched = httpx.get(redirect.headers["location"])
    assert fetched.status_code == 200
    path = tmp_path / "fetched.mp3"
    path.write_bytes(fetched.content)
    assert abs(len(decode(path)) / 16_000 - job["audioDuration"]) <= 0.5
    assert not any(s3_settings.media_dir.rglob("*.mp3")), "nothing is kept on local disk"


def test_a_public_bucket_url_is_used_when_configured(s3_settings: Settings) -> None:
    store = _store(s3_settings.model_copy(update={"s3_public_base_url": "https://cdn.example/"}))
    assert store.url_for("abc.mp3") == "https://cdn.example/podcasts/abc.mp3"


def test_an_unreachable_endpoint_fails_the_job_with_a_storage_error(
    make_client: Callable[..., tuple[TestClient, Services]], settings: Settings, fake_providers: Providers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    down = settings.model_copy(update={"media_store": "s3", "s3_bucket": BUCKET, "s3_region": "us-east-1",
                                       "s3_endpoint_url": f"http://127.0.0.1:{free_port()}", "s3_max_attempts": 2})
    providers = replace(fake_providers, media=_store(down))
    client, _ = make_client(providers, down)
    job_id = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": "A short note.", "userId": "u"}).json()["jobId"]
    job = _finished(client, job_id)
    assert job["status"] == "failed"
    assert job["error"].startswith("Could not upload the episode to S3 bucket 'notecast-test'")


def _finished(client: TestClient, job_id: str) -> dict[str, Any]:
    return wait_for_api_job(client, job_id, timeout=120)
