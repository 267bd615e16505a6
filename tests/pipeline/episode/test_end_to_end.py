"""A note goes through the real pipeline: built-in writer, Piper, ffmpeg, local store, served with Range."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from pipeline.services import Services
from settings import Settings
from tests.audio_metrics import decode
from tests.conftest import FINISHED, SHORT_NOTE, wait_for_api_job


def test_short_note_becomes_a_playable_episode(
    make_client: Callable[..., tuple[TestClient, Services]], settings: Settings
) -> None:
    client, services = make_client()
    assert [host.voice for host in services.providers.hosts] == ["piper:joe", "hibari:heart"]
    job_id = client.post("/api/podcast/generate/async", json={
        "noteId": "tide", "noteContent": SHORT_NOTE, "userId": "e2e", "duration": "short"}).json()["jobId"]
    seen_progress = set()

    def finished(job: dict[str, Any]) -> bool:
        seen_progress.add(job["progress"])
        return job["status"] in FINISHED

    job = wait_for_api_job(client, job_id, until=finished, timeout=180)
    assert job["status"] == "completed", job
    assert any(0 < p < 100 for p in seen_progress)
    assert job["targetWords"] == 750 and 0 < job["scriptWords"] <= 750

    key = job["audioUrl"].removeprefix("http://testserver/media/")
    path = settings.media_dir / key
    samples = decode(path)
    decoded_seconds = len(samples) / 16_000
    assert abs(decoded_seconds - job["audioDuration"]) <= 0.5
    assert samples.std() > 100, "the episode is not silence"

    transcript = job["transcript"]
    assert {line["speaker"] for line in transcript} == {"Alex", "Sam"}
    starts = [line["start"] for line in transcript]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(line["start"] < line["end"] for line in transcript)
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(transcript))
    assert transcript[-1]["end"] <= job["audioDuration"]
    assert any("sea stars cling to rocks" in line["text"].lower() for line in transcript)

    url = job["audioUrl"].removeprefix("http://testserver")
    ranged = client.get(url, headers={"Range": "bytes=100-1099"})
    assert ranged.status_code == 206 and len(ranged.content) == 1000
    assert ranged.headers["content-range"] == f"bytes 100-1099/{path.stat().st_size}"
    assert not (settings.work_dir / job_id).exists(), "scratch files are removed"
