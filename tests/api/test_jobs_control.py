"""Cancel, retry, idempotency and back-pressure over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.sentences import split_sentences
from pipeline.services import Services
from pipeline.writers.base import Script, Section, Turn, WritingRequest
from settings import Settings
from tests.conftest import wait_for_api_job
from tests.fakes import TONE_HOSTS, RecordingWriter, ToneVoice, ToneVoices
from tests.waiting import wait_until

NOTE = " ".join(f"Sentence {i} of a note that is long enough to have several turns." for i in range(30))


def body(**overrides: Any) -> dict[str, Any]:
    return {"noteId": "n", "noteContent": NOTE, "userId": "u", "duration": "short"} | overrides


class SlowVoice(ToneVoice):
    """Takes a while per segment, so a job can be caught mid-way."""

    def synthesize(self, text: str) -> bytes:
        time.sleep(0.15)
        return super().synthesize(text)


class ManyTurnsWriter(RecordingWriter):
    """A script with one turn per note sentence."""

    def write(self, request: WritingRequest) -> Script:
        self.notes.append(request.note)
        turns = tuple(Turn(request.hosts[i % 2], s) for i, s in enumerate(split_sentences(request.note)))
        return Script(title="T", sections=(Section("Body", turns),))


def test_cancel_a_queued_job_at_once(make_client: Callable[..., tuple[TestClient, Services]],
                                     fake_providers: Providers) -> None:
    client, _ = make_client(replace(fake_providers, voices=ToneVoices(voice_class=SlowVoice), writer=ManyTurnsWriter()))
    first = client.post("/api/podcast/generate/async", json=body()).json()["jobId"]
    second = client.post("/api/podcast/generate/async", json=body()).json()["jobId"]
    cancelled = client.post(f"/api/podcast/jobs/{second}/cancel")
    assert cancelled.status_code == 200
    job = cancelled.json()["job"]
    assert job["status"] == "cancelled" and job["cancelledAt"].endswith("Z")
    client.delete(f"/api/podcast/jobs/{first}")
    assert wait_for_api_job(client, first, lambda j: j["status"] == "cancelled")["status"] == "cancelled"


def test_cancel_while_processing_stops_within_a_segment_and_leaves_no_files(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    voice = ToneVoices(voice_class=SlowVoice)
    client, _ = make_client(replace(fake_providers, voices=voice, writer=ManyTurnsWriter()))
    job_id = client.post("/api/podcast/generate/async", json=body()).json()["jobId"]
    wait_for_api_job(client, job_id, lambda j: j["currentStep"].startswith("Voicing line 3 of"))
    assert client.post(f"/api/podcast/jobs/{job_id}/cancel").status_code == 200
    voiced_at_cancel = len(voice.calls)
    # the executor removes the job's scratch files once its run has stopped: no voicing can follow that
    wait_until(lambda: (settings.work_dir / job_id).exists(), lambda exists: not exists)
    job = client.get(f"/api/podcast/jobs/{job_id}").json()["job"]
    assert job["status"] == "cancelled" and "audioUrl" not in job
    assert len(voice.calls) <= voiced_at_cancel + 2, "work went on after the cancel"
    assert not (settings.work_dir / job_id).exists()
    assert not any(settings.media_dir.rglob("*.mp3"))


def test_cancelling_a_finished_job_is_a_409(client: TestClient) -> None:
    job_id = client.post("/api/podcast/generate/async", json=body(noteContent="Short. Note.")).json()["jobId"]
    wait_for_api_job(client, job_id, lambda j: j["status"] == "completed")
    response = client.post(f"/api/podcast/jobs/{job_id}/cancel")
    assert response.status_code == 409
    assert response.json() == {"success": False, "error": (
        "Job is already completed; only queued, processing or awaiting-review jobs can be cancelled")}
    assert client.post("/api/podcast/jobs/job_0_missing/cancel").status_code == 404


def test_retry_of_a_failed_job_reuses_its_checkpoints(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers
) -> None:
    writer = ManyTurnsWriter()
    client, services = make_client(replace(fake_providers, writer=writer))
    media = services.providers.media
    broken = {"on": True}
    original_put = media.put

    def flaky_put(source: Any, key: str, content_type: str) -> int:
        from errors import StorageError

        if broken["on"]:
            raise StorageError("The media store is unavailable")
        return original_put(source, key, content_type)

    media.put = flaky_put  # type: ignore[method-assign]
    job_id = client.post("/api/podcast/generate/async", json=body()).json()["jobId"]
    failed = wait_for_api_job(client, job_id, lambda j: j["status"] == "failed")
    assert failed["error"] == "The media store is unavailable"
    broken["on"] = False
    retried = client.post(f"/api/podcast/jobs/{job_id}/retry")
    assert retried.status_code == 202 and retried.json()["jobId"] == job_id
    done = wait_for_api_job(client, job_id, lambda j: j["status"] == "completed")
    assert len(writer.notes) == 1, "the script checkpoint was reused"
    assert client.get(f"/api/podcast/{done['podcastId']}").status_code == 200
    assert client.post(f"/api/podcast/jobs/{job_id}/retry").status_code == 409


def test_the_segment_cache_serves_a_second_run_and_is_keyed_on_voice_settings(
    make_client: Callable[..., tuple[TestClient, Services]], settings: Settings
) -> None:
    from pipeline.providers import build_providers

    providers = build_providers(settings)
    voice = ToneVoices()
    client, _ = make_client(replace(providers, voices=voice, hosts=TONE_HOSTS, writer=ManyTurnsWriter()))
    first = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=body()).json()["jobId"],
                  lambda j: j["status"] == "completed")
    calls = len(voice.calls)
    second = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=body()).json()["jobId"],
                   lambda j: j["status"] == "completed")
    assert second["segments"] == {"total": first["segments"]["total"], "cached": first["segments"]["total"]}
    assert len(voice.calls) == calls, "nothing was voiced again"
    for tone in voice.voices.values():
        tone.seconds_per_word = 0.03  # a different synthesis setting must miss the cache
    third = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=body()).json()["jobId"],
                  lambda j: j["status"] == "completed")
    assert third["segments"]["cached"] == 0
    edited = body(noteContent=NOTE.replace("Sentence 7 of", "Line 7 of"))
    fourth = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=edited).json()["jobId"],
                   lambda j: j["status"] == "completed")
    assert fourth["segments"]["cached"] == fourth["segments"]["total"] - 1, "an edited turn re-voices only itself"
    # the cache is keyed on what the voice says: a digit written out in words is the same speech
    spelled = body(noteContent=NOTE.replace("Sentence 7 of", "Line seven of"))
    fifth = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=spelled).json()["jobId"],
                  lambda j: j["status"] == "completed")
    assert fifth["segments"]["cached"] == fifth["segments"]["total"]


def test_idempotency_key_replays_conflicts_and_races(client: TestClient) -> None:
    headers = {"Idempotency-Key": "order-1"}
    first = client.post("/api/podcast/generate/async", json=body(), headers=headers)
    again = client.post("/api/podcast/generate/async", json=body(), headers=headers)
    assert first.status_code == again.status_code == 202 and first.json() == again.json()
    other = client.post("/api/podcast/generate/async", json=body(noteContent="Different."), headers=headers)
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["error"]
    too_long = client.post("/api/podcast/generate/async", json=body(), headers={"Idempotency-Key": "k" * 256})
    assert too_long.status_code == 422

    answers: list[str] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        barrier.wait()
        answers.append(client.post("/api/podcast/generate/async", json=body(),
                                   headers={"Idempotency-Key": "race"}).json()["jobId"])

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(answers)) == 1
    listed = client.get("/api/podcast/jobs/user/u").json()["jobs"]
    assert len(listed) == 2, "one job per key"


def test_over_the_per_user_limit_is_a_429_with_retry_after(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(replace(fake_providers, voices=ToneVoices(voice_class=SlowVoice), writer=ManyTurnsWriter()),
                            settings.model_copy(update={"max_queued_per_user": 2}))
    assert [client.post("/api/podcast/generate/async", json=body()).status_code for _ in range(2)] == [202, 202]
    refused = client.post("/api/podcast/generate/async", json=body())
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert "limit 2" in refused.json()["error"]
    assert client.post("/api/podcast/generate/async", json=body(userId="someone-else")).status_code == 202
