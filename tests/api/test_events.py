"""Server-sent events: a job's changes pushed until it ends (resumable with Last-Event-ID), a user's jobs, and the
heartbeat; and the Prometheus metrics."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.builtin import BuiltinScriptWriter
from settings import Settings
from tests.conftest import SHORT_NOTE, wait_for_api_job
from tests.fakes import FailOnceWriter, PacedVoice, ToneVoices


@pytest.fixture
def paced(make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers) -> TestClient:
    voices = ToneVoices(voice_class=PacedVoice, seconds_per_turn=0.1)
    return make_client(replace(fake_providers, writer=BuiltinScriptWriter(), voices=voices))[0]


def queue(client: TestClient, user: str = "listener") -> str:
    answer = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": user, "duration": "short"})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["jobId"])


def events(lines: Iterator[str], comments: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Server-sent events as {event, id, data}; comment lines go to `comments`."""
    event: dict[str, Any] = {}
    for line in lines:
        if not line:
            if event:
                yield event
            event = {}
        elif line.startswith(":"):
            if comments is not None:
                comments.append(line)
        else:
            name, _, value = line.partition(":")
            event[name] = json.loads(value.strip()) if name == "data" else value.strip()


def test_a_job_streams_its_changes_until_it_completes(paced: TestClient) -> None:
    job_id = queue(paced)
    with paced.stream("GET", f"/api/podcast/jobs/{job_id}/events") as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        received = list(events(stream.iter_lines()))
    kinds = [event["event"] for event in received]
    assert kinds[0] == "status" and kinds[-1] == "completed", kinds
    assert kinds.count("progress") >= 5, "progress was pushed as the lines were voiced"
    progress = [event["data"]["progress"] for event in received if event["event"] == "progress"]
    assert progress == sorted(progress)
    ids = [int(event["id"]) for event in received]
    assert ids == sorted(set(ids)), "every change once, in order"
    lines = len(paced.get(f"/api/podcast/jobs/{job_id}").json()["job"]["transcript"])
    voicing = [event for event in received if event["data"].get("currentStep", "").startswith("Voicing line ")]
    assert len(voicing) == lines, "every line's progress was pushed, none merged into the next"
    assert received[-1]["data"] == paced.get(f"/api/podcast/jobs/{job_id}").json()["job"]

    weird = paced.stream("GET", f"/api/podcast/jobs/{job_id}/events", headers={"Last-Event-ID": "99999999999999999999"})
    with weird as whole:
        assert [event["event"] for event in events(whole.iter_lines())] == ["completed"], "an unusable id: from now"
    last = received[-1]["id"]
    with paced.stream("GET", f"/api/podcast/jobs/{job_id}/events", headers={"Last-Event-ID": last}) as again:
        assert list(events(again.iter_lines())) == [], "nothing changed since the last event received"
    with paced.stream("GET", f"/api/podcast/jobs/{job_id}/events", headers={"Last-Event-ID": received[1]["id"]}
                      ) as later:
        resumed = list(events(later.iter_lines()))
    assert [event["id"] for event in resumed] == [event["id"] for event in received[2:]], "none missed"
    assert resumed[-1] == received[-1]
    assert paced.get("/api/podcast/jobs/job_1_missing/events").status_code == 404


def test_a_failed_job_ends_its_stream_with_the_error(make_client: Callable[..., tuple[TestClient, Services]],
                                                     fake_providers: Providers) -> None:
    client = make_client(replace(fake_providers, writer=FailOnceWriter(BuiltinScriptWriter())))[0]
    job_id = queue(client)
    with client.stream("GET", f"/api/podcast/jobs/{job_id}/events") as stream:
        received = list(events(stream.iter_lines()))
    assert received[-1]["event"] == "failed"
    assert 'notecast_job_failures_total{reason="script"} 1.0' in client.get("/metrics").text
    assert received[-1]["data"] == {"jobId": job_id, "status": "failed",
                                    "error": client.get(f"/api/podcast/jobs/{job_id}").json()["job"]["error"]}


def test_a_user_stream_follows_every_job_of_the_user_with_heartbeats(paced: TestClient,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from api import events as sse

    monkeypatch.setattr(sse, "HEARTBEAT_SECONDS", 0.3)
    first = queue(paced, "streamer")
    comments: list[str] = []
    completed: set[str] = set()
    with paced.stream("GET", "/api/podcast/jobs/user/streamer/events") as stream:
        second = queue(paced, "streamer")
        queue(paced, "someone-else")
        for event in events(stream.iter_lines(), comments):
            assert event["data"]["jobId"] in (first, second), "only this user's jobs"
            if event["event"] == "completed":
                completed.add(event["data"]["jobId"])
            if completed == {first, second} and comments:
                break
    assert comments and comments[0].startswith(": ping")
    assert paced.get("/api/podcast/jobs/user/bad%20id/events").status_code == 422


def test_metrics_count_jobs_requests_and_cache(
    client: TestClient, make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers,
    settings: Settings
) -> None:
    job = wait_for_api_job(client, queue(client))
    assert job["status"] == "completed"
    client.get("/api/podcast/jobs/job_1_missing")
    text = client.get("/metrics").text
    turns = job["segments"]["total"]
    for line in ('notecast_jobs{status="completed"} 1.0', "notecast_queue_depth 0.0",
                 'notecast_job_duration_seconds_count{engine="tone"} 1.0',
                 f'notecast_segment_cache_lookups_total{{result="miss"}} {float(turns)}',
                 'notecast_http_requests_total{method="GET",route="/api/podcast/jobs/{jobId}",status="404"} 1.0',
                 'notecast_http_requests_total{method="POST",route="/api/podcast/generate/async",status="202"} 1.0'):
        assert line in text, line

    keyed = settings.model_copy(update={"api_keys": "secret-key", "metrics_need_key": True})
    locked = make_client(fake_providers, keyed)[0]
    assert locked.get("/metrics").status_code == 401
    assert locked.get("/metrics", headers={"x-api-key": "secret-key"}).status_code == 200


async def test_one_address_may_hold_only_so_many_streams() -> None:
    from api.http_limits import StreamSlots
    from errors import QueueFullError

    async def endless() -> AsyncIterator[int]:
        yield 1

    slots = StreamSlots(per_client=2)
    slots.claim("10.0.0.1")
    slots.claim("10.0.0.1")
    slots.claim("10.0.0.2")
    with pytest.raises(QueueFullError):
        slots.claim("10.0.0.1")
    assert [item async for item in slots.held("10.0.0.1", endless())] == [1]
    slots.claim("10.0.0.1")  # the finished stream gave its slot back


def test_the_streams_per_address_come_from_the_settings(make_client: Callable[..., tuple[TestClient, Services]],
                                                        fake_providers: Providers, settings: Settings) -> None:
    client, _ = make_client(fake_providers, settings.model_copy(update={"max_streams_per_client": 3}))
    assert client.app.state.stream_slots.per_client == 3  # type: ignore[attr-defined]
    default, _ = make_client(fake_providers)
    assert default.app.state.stream_slots.per_client == 20  # type: ignore[attr-defined]
