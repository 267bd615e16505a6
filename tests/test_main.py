"""The wired service, run as users run it: the seed's curl flow against `main.py` on a real port."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import SHORT_NOTE
from tests.server import running_server, wait_for_job_at


def test_seed_curl_flow_against_the_running_service(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", API_KEYS="your-key") as base:
        enqueue = httpx.post(f"{base}/api/podcast/generate/async", headers={"x-api-key": "your-key"}, json={
            "noteId": "note-123", "noteContent": SHORT_NOTE, "userId": "user-456", "duration": "short"})
        assert enqueue.status_code == 202
        job_id = enqueue.json()["jobId"]
        job = wait_for_job_at(base, job_id, timeout=120)
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
        assert wait_for_job_at(base, job_id, timeout=120)["status"] == "completed"
    with running_server(data) as base:
        job = httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"]
        assert job["status"] == "completed" and httpx.get(job["audioUrl"]).status_code == 200


def test_a_full_run_writes_nothing_outside_the_data_directory(tmp_path: Path) -> None:
    cwd, home, scratch, data = (tmp_path / name for name in ("cwd", "home", "tmp", "data"))
    for folder in (cwd, home, scratch):
        folder.mkdir()
    with running_server(data, cwd=cwd, HOME=str(home), TMPDIR=str(scratch)) as base:
        job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u"}).json()["jobId"]
        assert wait_for_job_at(base, job_id, timeout=120)["status"] == "completed"
        with httpx.Client(base_url=base) as browser:  # keeps its session cookie, as a browser does
            for path in ("/", "/episodes", "/"):
                assert browser.get(path).status_code == 200
    leftovers = [path for folder in (cwd, home, scratch) for path in folder.rglob("*")]
    assert leftovers == [], f"written outside NOTECAST_DATA_DIR: {leftovers}"
    assert list((data / "nicegui").glob("storage-*.json")), "each browser's storage is kept in the data directory"
