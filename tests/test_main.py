"""The wired service, run as users run it: the seed's curl flow against `main.py` on a real port."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.conftest import SHORT_NOTE
from tests.server import running_server


def test_seed_curl_flow_against_the_running_service(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", API_KEYS="your-key") as base:
        enqueue = httpx.post(f"{base}/api/podcast/generate/async", headers={"x-api-key": "your-key"}, json={
            "noteId": "note-123", "noteContent": SHORT_NOTE, "userId": "user-456", "duration": "short"})
        assert enqueue.status_code == 202
        job_id = enqueue.json()["jobId"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"]
            if job["status"] in ("completed", "failed"):
                break
            time.sleep(0.3)
        assert job["status"] == "completed", job
        assert job["audioUrl"].startswith(f"{base}/media/")
        audio = httpx.get(job["audioUrl"], headers={"Range": "bytes=0-1023"})
        assert audio.status_code == 206 and audio.headers["content-type"] == "audio/mpeg"

        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "Notecast" in page.text
        unknown = httpx.get(f"{base}/api/nothing-here")
        assert unknown.status_code == 404 and unknown.json()["success"] is False
        assert httpx.get(f"{base}/docs").status_code == 200
    assert (tmp_path / "data" / "notecast.db").exists(), "state lives in NOTECAST_DATA_DIR"


def test_jobs_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data) as base:
        job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "n", "noteContent": "Short note. Two sentences.", "userId": "u"}).json()["jobId"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"]["status"] != "completed":
            assert time.monotonic() < deadline
            time.sleep(0.3)
    with running_server(data) as base:
        job = httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"]
        assert job["status"] == "completed" and httpx.get(job["audioUrl"]).status_code == 200
