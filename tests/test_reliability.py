"""Crashes, signals and bursts against the real service in a subprocess, with real SQLite files."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from tests.server import job_at, running_server, wait_for_job_at
from tests.waiting import wait_until

LONG_NOTE = "\n\n".join(
    f"## Part {i}\n\nThis is sentence one of part {i}, about tides and rock pools. "
    f"Sentence two of part {i} adds that sea stars move slowly across the rocks. "
    f"Sentence three of part {i} notes that anemones close up when the water leaves."
    for i in range(14)
)


def _enqueue(base: str, note: str = LONG_NOTE, user: str = "u") -> str:
    response = httpx.post(f"{base}/api/podcast/generate/async",
                          json={"noteId": "n", "noteContent": note, "userId": user, "duration": "short"})
    assert response.status_code == 202, response.text
    return str(response.json()["jobId"])


def _segment_done(job: dict[str, Any]) -> int:
    step = job["currentStep"]
    found = re.match(r"Voicing line (\d+) of", step)
    return int(found.group(1)) if found else 0


def test_kill_9_mid_job_resumes_with_the_same_ids_and_no_revoicing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data, HEARTBEAT_STALE_SECONDS="5") as base:
        job_id = _enqueue(base)
        before = wait_for_job_at(base, job_id, lambda job: _segment_done(job) >= 6)
        assert before["status"] == "processing"
        voiced_before_kill = _segment_done(before)
        base.process.send_signal(signal.SIGKILL)
        base.process.wait()
    # the API shows a podcast id only once the job completes; the first attempt recorded it in the database
    with sqlite3.connect(data / "notecast.db") as database:
        [(podcast_id_before,)] = database.execute("SELECT podcast_id FROM jobs WHERE job_id = ?", (job_id,))
    assert podcast_id_before
    with running_server(data, HEARTBEAT_STALE_SECONDS="5") as base:
        done = wait_for_job_at(base, job_id)
        assert done["status"] == "completed", done
        assert done["jobId"] == job_id and done["attempts"] == 2
        assert done["podcastId"] == podcast_id_before, "the resumed job makes the podcast the first attempt began"
        assert done["segments"]["cached"] >= voiced_before_kill, "segments voiced before the kill were voiced again"
        assert httpx.get(f"{base}/api/podcast/{done['podcastId']}").status_code == 200
        listing = httpx.get(f"{base}/api/podcast/jobs/user/u").json()["jobs"]
        assert [job["jobId"] for job in listing] == [job_id], "no duplicate job or podcast"


def test_sigterm_during_a_job_exits_quickly_and_the_job_completes_after_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_server(data) as base:
        job_id = _enqueue(base)
        wait_for_job_at(base, job_id, lambda job: _segment_done(job) >= 3)
        base.process.send_signal(signal.SIGTERM)
        base.process.wait(timeout=10)  # raises if the server takes longer than that to stop
    with running_server(data) as base:
        done = wait_for_job_at(base, job_id)
        assert done["status"] == "completed" and done["attempts"] == 1, done
    for log in tmp_path.glob("server-*.log"):  # a clean stop leaves nothing behind to warn about
        assert "leaked semaphore" not in log.read_text(), log.read_text()[-2000:]


def test_a_burst_of_500_enqueues_from_20_users_is_all_accounted_for(tmp_path: Path) -> None:
    with running_server(tmp_path / "data", MAX_QUEUED_PER_USER="5", MAX_QUEUE="500") as base:
        async def burst() -> list[httpx.Response]:
            limits = httpx.Limits(max_connections=50)
            async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
                return await asyncio.gather(*(
                    client.post("/api/podcast/generate/async", json={
                        "noteId": f"n{i}", "noteContent": "A tiny note. It has two sentences.",
                        "userId": f"user-{i % 20}", "duration": "short"})
                    for i in range(500)))

        responses = asyncio.run(burst())
        accepted = [r for r in responses if r.status_code == 202]
        refused = [r for r in responses if r.status_code == 429]
        assert len(accepted) + len(refused) == 500, {r.status_code for r in responses}
        assert all(r.headers.get("retry-after", "").isdigit() and r.json()["success"] is False for r in refused)
        # at most 5 open per user at any moment; jobs that finish during the burst free their slots
        assert len(accepted) >= 20 and len(refused) >= 300
        accepted_ids = {r.json()["jobId"] for r in accepted}
        listed: set[str] = set()
        for user in range(20):
            listing = httpx.get(f"{base}/api/podcast/jobs/user/user-{user}", params={"limit": 100})
            assert listing.status_code == 200, listing.text
            jobs = listing.json()["jobs"]
            listed |= {job["jobId"] for job in jobs}
        assert listed == accepted_ids, "every 202 has its row, and nothing else was stored"
        wait_until(lambda: httpx.get(f"{base}/healthz").json()["queue"],
                   lambda queue: queue == {"queued": 0, "processing": 0}, timeout=240, every=0.5)
        statuses = {job_at(base, job_id)["status"] for job_id in accepted_ids}
        assert statuses == {"completed"}
