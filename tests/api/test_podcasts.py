"""The JSON contract: shapes and status codes the seed's Next.js client relies on."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_api
from pipeline.providers import Providers
from pipeline.services import Services
from settings import Settings
from tests.conftest import wait_for_api_job

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def body(**overrides: Any) -> dict[str, Any]:
    payload = {"noteId": "note-123", "noteContent": "Your text. It has two sentences.", "userId": "user-456",
               "duration": "short"}
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def test_seed_flow_enqueue_poll_and_list(client: TestClient) -> None:
    response = client.post("/api/podcast/generate/async", json=body())
    assert response.status_code == 202
    enqueued = response.json()
    assert set(enqueued) == {"success", "jobId", "status", "message"}
    assert enqueued["success"] is True and enqueued["status"] == "queued"
    assert enqueued["message"] == "Podcast generation started. Use the jobId to check status."
    assert re.fullmatch(r"job_\d{10}_[0-9a-f]{24}", enqueued["jobId"])

    job = wait_for_api_job(client, enqueued["jobId"])
    assert job["status"] == "completed" and job["progress"] == 100
    for key in ("jobId", "status", "progress", "currentStep", "noteId", "userId", "duration", "createdAt",
                "startedAt", "completedAt", "podcastId", "audioUrl", "audioDuration", "transcript"):
        assert key in job, key
    assert "error" not in job
    for key in ("createdAt", "startedAt", "completedAt"):
        assert ISO_MS_Z.match(job[key]), job[key]
    assert job["audioUrl"].startswith("http://testserver/media/")
    assert isinstance(job["audioDuration"], float) and job["audioDuration"] > 0
    assert all({"speaker", "text", "start", "end"} <= set(line) for line in job["transcript"])

    listing = client.get("/api/podcast/jobs/user/user-456").json()
    assert listing["success"] is True and listing["nextCursor"] is None
    assert [j["jobId"] for j in listing["jobs"]] == [enqueued["jobId"]]

    podcast = client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]
    assert podcast["audioUrl"] == job["audioUrl"] and podcast["transcript"] == job["transcript"]
    assert ISO_MS_Z.match(podcast["createdAt"])
    audio = client.get(job["audioUrl"].removeprefix("http://testserver"))
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"


def test_unknown_job_and_podcast_are_404(client: TestClient) -> None:
    assert client.get("/api/podcast/jobs/job_1_nope").json() == {"success": False, "error": "Job not found"}
    assert client.get("/api/podcast/jobs/job_1_nope").status_code == 404
    assert client.get("/api/podcast/abcdef").status_code == 404
    missing_route = client.get("/api/podcast/jobs/user/x/extra")
    assert missing_route.status_code == 404 and missing_route.json()["success"] is False


def test_pagination_with_limit_and_cursor(client: TestClient) -> None:
    ids = [client.post("/api/podcast/generate/async", json=body(userId="pager")).json()["jobId"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/podcast/jobs/user/pager", params=params).json()
        seen += [job["jobId"] for job in page["jobs"]]
        cursor = page["nextCursor"]
    assert seen == list(reversed(ids)) and cursor is None
    assert client.get("/api/podcast/jobs/user/pager", params={"limit": 101}).status_code == 422
    assert client.get("/api/podcast/jobs/user/pager", params={"cursor": "abc"}).status_code == 422


@pytest.mark.parametrize(("payload", "field"), [
    (body(noteContent=""), "noteContent"),
    (body(noteContent="   \n\t "), "noteContent"),
    (body(noteContent="x" * 100_001), "noteContent"),
    (body(noteContent=None), "noteContent"),
    (body(noteContent=42), "noteContent"),
    (body(noteId="a/b"), "noteId"),
    (body(noteId="x" * 129), "noteId"),
    (body(userId=""), "userId"),
    (body(userId="bad\nid"), "userId"),
    (body(duration="forever"), "duration"),
    (body(title="t" * 201), "title"),
    ([1, 2, 3], "body"),
])
def test_validation_errors_are_422_naming_the_field(client: TestClient, payload: Any, field: str) -> None:
    response = client.post("/api/podcast/generate/async", json=payload)
    assert response.status_code == 422
    answer = response.json()
    assert answer["success"] is False and field in answer["fields"] and field in answer["error"]


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post("/api/podcast/generate/async", content=b'{"noteId": ',
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": "Malformed JSON: the request body is not valid JSON"}


def test_body_over_one_megabyte_is_413(client: TestClient) -> None:
    response = client.post("/api/podcast/generate/async", content=b"x" * 1_000_001,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["success"] is False


def test_nothing_is_queued_for_a_rejected_request(client: TestClient) -> None:
    client.post("/api/podcast/generate/async", json=body(noteContent=" "))
    assert client.get("/healthz").json()["queue"] == {"queued": 0, "processing": 0}
    assert client.get("/api/podcast/jobs/user/user-456").json()["jobs"] == []


def test_api_keys_guard_writes_and_listings_but_not_reads_by_id(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(fake_providers, settings.model_copy(update={"api_keys": "k1, k2"}))
    assert client.post("/api/podcast/generate/async", json=body()).status_code == 401
    wrong = client.post("/api/podcast/generate/async", json=body(), headers={"x-api-key": "nope"})
    assert wrong.status_code == 401 and wrong.json() == {"success": False, "error": "Invalid API key"}
    ok = client.post("/api/podcast/generate/async", json=body(), headers={"x-api-key": "k2"})
    assert ok.status_code == 202
    assert client.get("/api/podcast/jobs/user/user-456").status_code == 401
    assert client.get("/api/podcast/jobs/user/user-456", headers={"x-api-key": "k1"}).status_code == 200
    assert client.get(f"/api/podcast/jobs/{ok.json()['jobId']}").status_code == 200


def test_reads_by_id_can_require_the_key(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(fake_providers, settings.model_copy(update={"api_keys": "k1",
                                                                        "require_key_for_job_reads": True}))
    job_id = client.post("/api/podcast/generate/async", json=body(), headers={"x-api-key": "k1"}).json()["jobId"]
    assert client.get(f"/api/podcast/jobs/{job_id}").status_code == 401
    assert client.get(f"/api/podcast/jobs/{job_id}", headers={"x-api-key": "k1"}).status_code == 200


def test_sync_generate_returns_the_finished_episode(client: TestClient) -> None:
    response = client.post("/api/podcast/generate", json=body())
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is True and answer["status"] == "completed"
    assert answer["audioUrl"] and answer["audioDuration"] > 0 and answer["transcript"]


def test_sync_generate_answers_202_when_the_wait_runs_out(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(fake_providers, settings.model_copy(update={"sync_wait_seconds": 0}))
    response = client.post("/api/podcast/generate", json=body())
    assert response.status_code == 202 and response.json()["jobId"].startswith("job_")


def test_healthz_reports_version_and_queue(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["version"] and health["queue"] == {"queued": 0, "processing": 0}


def test_openapi_documents_the_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"NoteSubmission", "JobView", "EnqueueResponse", "ErrorResponse"} <= set(schema["components"]["schemas"])
    assert client.get("/docs").status_code == 200


def test_media_refuses_traversal_and_unknown_keys(client: TestClient) -> None:
    assert client.get("/media/../notecast.db").status_code == 404
    assert client.get("/media/%2e%2e%2fnotecast.db").status_code == 404
    assert client.get("/media/missing.mp3").status_code == 404


def test_healthz_is_degraded_when_the_executor_stalls_or_the_database_refuses_writes(
    make_services: Callable[..., Services], fake_providers: Providers, settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an executor that was never started, so nothing beats while we look
    services = make_services(fake_providers, settings.model_copy(update={"executor_stale_seconds": 5}), start=False)
    client = TestClient(create_api(services), raise_server_exceptions=False)
    services.executor.last_beat -= 60
    stalled = client.get("/healthz")
    assert stalled.status_code == 503 and stalled.json()["status"] == "degraded"
    assert "executor" in stalled.json()["problems"][0]
    services.executor.beat()
    assert client.get("/healthz").json()["status"] == "ok"

    from store import jobs

    def refuse(db: object) -> None:
        raise OSError("disk I/O error")

    monkeypatch.setattr(jobs, "probe_writable", refuse)
    broken = client.get("/healthz").json()
    assert broken["status"] == "degraded" and broken["problems"] == ["the database does not accept writes"]


def test_openapi_declares_the_api_key_on_the_operations_that_check_it(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings,
    client: TestClient
) -> None:
    assert "securitySchemes" not in client.get("/openapi.json").json()["components"]  # an open server checks none
    keyed, _ = make_client(fake_providers, settings.model_copy(update={"api_keys": "k1"}))
    schema = keyed.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "x-api-key", "description": "Needed when the server sets API_KEYS"}
    paths = schema["paths"]
    assert paths["/api/podcast/generate/async"]["post"]["security"] == [{"ApiKey": []}]
    assert paths["/api/podcast/jobs/user/{userId}"]["get"]["security"] == [{"ApiKey": []}]
    assert "security" not in paths["/api/podcast/jobs/{jobId}"]["get"]  # the seed's client polls without a key
    assert "security" not in paths["/api/voices"]["get"]
