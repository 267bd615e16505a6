"""Two replicas on one PostgreSQL, one S3 bucket (moto's server) and one Redis: a browser is known to both, every
job completes exactly once, and a replica killed mid-job has its job finished by the other."""

from __future__ import annotations

import re
import signal
import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.conftest import S3_BUCKET
from tests.notes import long_note
from tests.server import ServerURL, running_server, wait_for_job_at
from tests.store.conftest import _drop_postgres, _postgres_or_skip

NOTE = ("# Tide pools\n\nTide pools fill and drain twice a day. Sea stars, anemones and crabs live in them. "
        "A sea star can pull a mussel open with its tube feet, and it can regrow a lost arm in about a year.")
_USER_ID = re.compile(r"Your user id: (web-[0-9a-f]+)")


def _redis_or_skip() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            if not connection.recv(16).startswith(b"+PONG"):
                pytest.skip("something answers on 127.0.0.1:6379, but it is not Redis")
    except OSError as exc:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc.__class__.__name__})")
    return "redis://127.0.0.1:6379/0"


@pytest.fixture
def shared_services(s3_endpoint: str) -> Iterator[dict[str, str]]:
    """The settings every replica shares: database, bucket, Redis and the storage secret."""
    redis_url = _redis_or_skip()
    database_url = _postgres_or_skip()
    yield {"DATABASE_URL": database_url, "MEDIA_STORE": "s3", "S3_BUCKET": S3_BUCKET, "S3_ENDPOINT_URL": s3_endpoint,
           "S3_REGION": "us-east-1", "REDIS_URL": redis_url, "STORAGE_SECRET": "shared by every replica",
           "NICEGUI_REDIS_KEY_PREFIX": f"notecast-test-{uuid.uuid4().hex[:8]}:", "HEARTBEAT_STALE_SECONDS": "5"}
    _drop_postgres(database_url)


def _user_id(page: httpx.Response) -> str:
    found = _USER_ID.search(page.text)
    assert found, "the page shows the browser's user id"
    return found.group(1)


def _enqueue(base: str, user: str, title: str, format_name: str = "brief", note: str = NOTE) -> str:
    answer = httpx.post(f"{base}/api/podcast/generate/async", timeout=10, json={
        "noteId": "n", "noteContent": note, "userId": user, "title": title, "format": format_name})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["jobId"])


def test_replicas_share_browsers_and_jobs(tmp_path: Path, shared_services: dict[str, str]) -> None:
    with ExitStack() as replicas:
        a: ServerURL = replicas.enter_context(running_server(tmp_path / "a" / "data", **shared_services))
        b: ServerURL = replicas.enter_context(running_server(tmp_path / "b" / "data", **shared_services))
        with httpx.Client(timeout=30) as browser:  # one cookie jar: the same browser, whichever replica answers
            user = _user_id(browser.get(f"{a}/"))
            assert _user_id(browser.get(f"{b}/")) == user, "replica B knows the browser replica A met"
            job_ids = [_enqueue(base, user, f"Replica episode {index}") for index, base in enumerate((a, b, a, b))]
            # replica B pushes the changes of a job queued on A, whichever replica runs it
            with httpx.stream("GET", f"{b}/api/podcast/jobs/{job_ids[0]}/events", timeout=120) as events:
                pushed = [line.removeprefix("event: ") for line in events.iter_lines() if line.startswith("event: ")]
            assert pushed[-1] == "completed" and "progress" in pushed, pushed
            finished = [wait_for_job_at(base, job_id) for base, job_id in zip((b, a, b, a), job_ids, strict=True)]
            assert [job["status"] for job in finished] == ["completed"] * 4
            assert all(job.get("attempts", 1) == 1 for job in finished), "each job was claimed once"
            assert len({job["podcastId"] for job in finished}) == 4
            history = browser.get(f"{b}/episodes").text
            assert all(f"Replica episode {index}" in history for index in range(4))
            audio = httpx.get(finished[0]["audioUrl"], timeout=30, follow_redirects=True)
            assert audio.status_code == 200 and len(audio.content) > 10_000, "the audio is in the shared bucket"


def test_a_replica_killed_mid_job_has_its_job_finished_by_another(tmp_path: Path,
                                                                   shared_services: dict[str, str]) -> None:
    with running_server(tmp_path / "a" / "data", **shared_services) as a:
        # a long note, so the job still runs on the first replica once the second has started
        job_id = _enqueue(a, "replica-user", "Survives a crash", format_name="conversation", note=long_note())
        wait_for_job_at(a, job_id, lambda job: job["status"] == "processing" and job["progress"] >= 10)
        with running_server(tmp_path / "b" / "data", **shared_services) as b:
            a.process.send_signal(signal.SIGKILL)
            a.process.wait()
            done = wait_for_job_at(b, job_id, timeout=300)
            assert done["status"] == "completed" and done["attempts"] == 2, done
            assert httpx.get(f"{b}/api/podcast/{done['podcastId']}", timeout=10).status_code == 200
            listing = httpx.get(f"{b}/api/podcast/jobs/user/replica-user", timeout=10).json()["jobs"]
            assert [job["jobId"] for job in listing] == [job_id]
