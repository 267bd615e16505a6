"""Listening while it generates: a voicing job's previewUrl streams the episode so far, growing until the voicing
ends; the completed job drops it for the mastered file."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.audio.preview import PREVIEW_BYTES_PER_SECOND
from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.builtin import BuiltinScriptWriter
from settings import Settings
from tests.audio_metrics import decode
from tests.conftest import SHORT_NOTE, wait_for_api_job
from tests.fakes import PacedVoice, ToneVoices


@pytest.fixture
def paced(make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers) -> TestClient:
    voices = ToneVoices(voice_class=PacedVoice, seconds_per_turn=0.25)
    return make_client(replace(fake_providers, writer=BuiltinScriptWriter(), voices=voices))[0]


def queue(client: TestClient) -> str:
    answer = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": "listener", "duration": "short"})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["jobId"])


def test_the_preview_plays_from_the_first_lines_and_grows_until_the_voicing_ends(paced: TestClient,
                                                                                 tmp_path: Path) -> None:
    job_id = queue(paced)
    voicing = wait_for_api_job(paced, job_id, lambda job: "previewUrl" in job or job["status"] != "processing")
    assert voicing["status"] == "processing" and voicing["previewUrl"] == (
        f"http://testserver/api/podcast/jobs/{job_id}/preview")
    received: list[tuple[float, int, str]] = []  # (when, bytes so far, the job's status then)
    preview = tmp_path / "preview.mp3"
    with paced.stream("GET", f"/api/podcast/jobs/{job_id}/preview") as stream, preview.open("wb") as file:
        assert stream.status_code == 200 and stream.headers["content-type"] == "audio/mpeg"
        assert "content-length" not in stream.headers, "it is sent as it grows"
        for chunk in stream.iter_bytes():
            file.write(chunk)
            status = paced.get(f"/api/podcast/jobs/{job_id}").json()["job"]["status"]
            received.append((time.monotonic(), file.tell(), status))
    assert received[0][2] == "processing", "the first audio came before the job completed"
    assert received[0][1] >= PREVIEW_BYTES_PER_SECOND, "a player starts with a second of audio, not one frame"
    assert len({size for _, size, status in received if status == "processing"}) > 3, "it grew while voicing"

    done = wait_for_api_job(paced, job_id)
    assert done["status"] == "completed" and "previewUrl" not in done
    heard = len(decode(preview, 16_000)) / 16_000
    assert abs(heard - done["audioDuration"]) < 1.0, (heard, done["audioDuration"])
    gone = paced.get(f"/api/podcast/jobs/{job_id}/preview")
    assert gone.status_code == 404 and "not being voiced" in gone.json()["error"]


def test_no_preview_for_an_unknown_job_or_with_previews_off(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client = make_client(fake_providers, settings.model_copy(update={"live_preview": False}))[0]
    assert client.get("/api/podcast/jobs/job_1_nope/preview").status_code == 404
    job_id = queue(client)
    seen: list[dict[str, Any]] = []
    wait_for_api_job(client, job_id, lambda job: seen.append(job) or job["status"] == "completed")
    assert not any("previewUrl" in job for job in seen)


def test_nothing_is_encoded_until_someone_asks(make_client: Callable[..., tuple[TestClient, Services]],
                                               fake_providers: Providers) -> None:
    voices = ToneVoices(voice_class=PacedVoice, seconds_per_turn=0.25)
    client, services = make_client(replace(fake_providers, writer=BuiltinScriptWriter(), voices=voices))
    job_id = queue(client)
    folder = services.executor.work_root / job_id
    wait_for_api_job(client, job_id, lambda job: job.get("progress", 0) >= 30 or job["status"] != "processing")
    assert (folder / "preview.json").is_file(), "the lines voiced so far are kept for the card"
    assert not (folder / "preview.mp3").exists(), "no listener, no encoder"
    with client.stream("GET", f"/api/podcast/jobs/{job_id}/preview") as stream:
        assert stream.status_code == 200
        first = next(stream.iter_bytes())
    assert first[:3] == b"ID3" or first[0] == 0xFF, "MP3 from the top"
    assert wait_for_api_job(client, job_id)["status"] == "completed"
