"""Fixtures: a fresh settings object, temp SQLite file and media dir per test; nothing touches ./data."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.app import create_api  # noqa: E402
from pipeline.episode import Providers  # noqa: E402
from pipeline.services import Services, build_providers, build_services  # noqa: E402
from settings import Settings  # noqa: E402
from store import queries, records  # noqa: E402
from store.media import LocalMediaStore  # noqa: E402
from tests.fakes import RecordingWriter, ToneVoice  # noqa: E402

SHORT_NOTE = (
    "# Tide pools\n\n"
    "Tide pools form where the sea leaves water behind on rocky shores at low tide.\n\n"
    "## Who lives there\n"
    "- Sea stars cling to rocks with hundreds of tiny tube feet\n"
    "- Anemones sting small fish and pull them into their mouths\n\n"
    "## Why they matter\n"
    "Tide pools let scientists watch how animals cope with heat, waves and drying out. "
    "Visitors should step only on bare rock and never take animals home."
)


TOPICS = ["Soil", "Seeds", "Water", "Light", "Pests", "Harvest"]


def long_note() -> str:
    """Six sections with enough distinct sentences for more than five minutes of speech."""
    parts = ["# Growing vegetables at home"]
    for number, topic in enumerate(TOPICS):
        parts.append(f"## {topic}")
        parts.append(" ".join(
            f"{topic} matters in week {week + 1} because plot {number * 10 + week} needs "
            f"{('careful', 'regular', 'gentle', 'patient')[week % 4]} attention before the "
            f"{('spring', 'autumn')[week % 2]} frost, so gardeners check it {week + 2} times a week."
            for week in range(9)))
    return "\n\n".join(parts)


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
    return Providers(writer=RecordingWriter(), voice=ToneVoice(),
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


def wait_for_job(services: Services, job_id: str, timeout: float = 120.0) -> records.JobRecord:
    """Poll the store until the job finishes; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = queries.get(services.db, job_id)
        assert record is not None
        if record.status in ("completed", "failed"):
            return record
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish within {timeout} s")
