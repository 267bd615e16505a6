"""Fixtures: a fresh settings object, temp SQLite file and media dir per test; nothing touches ./data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.app import create_api  # noqa: E402
from pipeline.providers import Providers, build_providers  # noqa: E402
from pipeline.services import Services, build_services  # noqa: E402
from settings import Settings  # noqa: E402
from store import queries, records  # noqa: E402
from store.media import LocalMediaStore  # noqa: E402
from store.models import JobStatus  # noqa: E402
from tests.fakes import TONE_HOSTS, RecordingWriter, ToneVoices  # noqa: E402
from tests.notes import SHORT_NOTE, TOPICS, long_note  # noqa: E402, F401  (re-exported for the tests)
from tests.waiting import wait_until  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings isolated in a temp data dir, ignoring the developer's environment and .env."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return Settings(_env_file=None, notecast_data_dir=tmp_path / "data",  # type: ignore[call-arg]
                    public_base_url="http://testserver", pause_ms=200, section_pause_ms=400,
                    max_queued_per_user=100)


@pytest.fixture
def fake_providers(settings: Settings) -> Providers:
    """Real local media store and mixing; a fast tone voice and a recording writer."""
    return Providers(writer=RecordingWriter(), voices=ToneVoices(), hosts=TONE_HOSTS,
                     media=LocalMediaStore(settings.media_dir, settings.public_base_url))


@pytest.fixture
def make_services(settings: Settings) -> Iterator[Callable[..., Services]]:
    """Build services (optionally with other providers or settings); executors are shut down afterwards."""
    built: list[Services] = []

    def make(providers: Providers | None = None, custom: Settings | None = None, start: bool = True) -> Services:
        chosen = custom or settings
        services = build_services(chosen, providers or build_providers(chosen))
        if start:
            services.executor.start()
        built.append(services)
        return services

    yield make
    for services in built:
        services.executor.shutdown()
        services.db.dispose()


@pytest.fixture
def make_client(make_services: Callable[..., Services]) -> Iterator[Callable[..., tuple[TestClient, Services]]]:
    """Build a client; `custom` settings and `providers` are optional."""
    clients: list[TestClient] = []

    def make(providers: Providers | None = None, custom: Settings | None = None) -> tuple[TestClient, Services]:
        services = make_services(providers, custom)
        client = TestClient(create_api(services), raise_server_exceptions=False)
        clients.append(client)
        return client, services

    yield make
    for client in clients:
        client.close()


FINISHED = {status.value for status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)}


def wait_for_job(services: Services, job_id: str, timeout: float = 120.0) -> records.JobRecord:
    """The job's row once it has finished (completed, failed or cancelled)."""
    record = wait_until(lambda: queries.get(services.db, job_id), lambda row: row is None or row.status in FINISHED,
                        timeout)
    assert record is not None, f"job {job_id} is gone"
    return record


def wait_for_api_job(client: TestClient, job_id: str, until: Callable[[dict[str, Any]], bool] | None = None,
                     timeout: float = 60.0, every: float = 0.05) -> dict[str, Any]:
    """The job as the API shows it, once `until(job)` holds (by default: once it has finished)."""
    done = until or (lambda job: job["status"] in FINISHED)
    return wait_until(lambda: dict(client.get(f"/api/podcast/jobs/{job_id}").json()["job"]), done, timeout, every)


S3_BUCKET = "notecast-test"


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's standalone S3 server on a loopback port (real HTTP), with the bucket S3_BUCKET made."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.server import free_port

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=S3_BUCKET)
    yield endpoint
    server.stop()
