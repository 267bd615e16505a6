"""Webhooks through the API: callbackUrl checked at enqueue (422 for hostile targets), a default per API key,
the completed job delivered as GET …/jobs/{jobId} shows it, and its attempts at GET …/jobs/{jobId}/deliveries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from api.webhooks import job_event_data
from pipeline.providers import Providers
from pipeline.services import Services
from settings import Settings
from store import deliveries
from tests.conftest import SHORT_NOTE, wait_for_api_job
from tests.waiting import wait_until, wait_until_async
from tests.webhook_receiver import Receiver, receiving

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def submit(client: TestClient, **extra: object) -> tuple[int, dict[str, object]]:
    answer = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u", "duration": "short", **extra},
        headers={"x-api-key": "key-one"})
    return answer.status_code, answer.json()


@pytest.fixture
def hooked(make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers,
           settings: Settings) -> tuple[TestClient, Services]:
    custom = settings.model_copy(update={"webhook_allow_private": True, "webhook_secret": SECRET})
    return make_client(fake_providers, custom)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::ffff:10.0.0.1]/hook", "http://0x7f000001/hook", "ftp://example.com/x",
                                 "http://user:pw@example.com/hook"])
def test_a_hostile_callback_url_is_refused_with_a_422(client: TestClient, url: str) -> None:
    status, body = submit(client, callbackUrl=url)
    assert status == 422 and body["success"] is False
    assert body["error"].startswith("Invalid request: callbackUrl") and "callbackUrl" in body["fields"]


def test_a_completed_job_is_delivered_as_the_api_shows_it(hooked: tuple[TestClient, Services]) -> None:
    client, services = hooked
    with receiving() as receiver:
        status, body = submit(client, callbackUrl=receiver.url)
        assert status == 202, body
        job_id = str(body["jobId"])
        job = wait_for_api_job(client, job_id)
        assert job["status"] == "completed"

        async def deliver() -> None:
            services.webhooks.start(job_event_data(services))
            try:
                await wait_until_async(lambda: len(receiver.received), lambda count: count >= 1, timeout=20)
            finally:
                await services.webhooks.stop()

        asyncio.run(deliver())
    [request] = receiver.received
    event = Webhook(SECRET).verify(request.body, request.headers)
    assert event["type"] == "job.completed"
    assert event["data"] == client.get(f"/api/podcast/jobs/{job_id}").json()["job"]
    assert event["data"]["audioUrl"].startswith("http://testserver/media/")
    shown = client.get(f"/api/podcast/jobs/{job_id}/deliveries").json()
    [delivery] = shown["deliveries"]
    assert shown["success"] is True and shown["jobId"] == job_id
    assert delivery["id"] == request.headers["webhook-id"] and delivery["state"] == "delivered"
    assert delivery["url"] == f"http://127.0.0.1:{receiver.port}/…", "the path and query, which may carry a token"
    assert delivery["attempts"] == 1 and delivery["lastStatusCode"] == 200
    assert [attempt["statusCode"] for attempt in delivery["history"]] == [200]
    assert delivery["history"][0]["at"].endswith("Z") and len(delivery["history"][0]["at"]) == 24
    assert event["timestamp"].endswith("Z")
    assert "nextAttemptAt" not in delivery and delivery["finishedAt"]
    assert 'notecast_webhook_attempts_total{outcome="delivered"} 1.0' in client.get("/metrics").text


def test_deliveries_of_a_job_without_a_callback_and_of_no_job(client: TestClient) -> None:
    status, body = submit(client)
    assert status == 202
    assert client.get(f"/api/podcast/jobs/{body['jobId']}/deliveries").json()["deliveries"] == []
    missing = client.get("/api/podcast/jobs/job_nope/deliveries")
    assert missing.status_code == 404 and missing.json() == {"success": False, "error": "Job not found"}


def test_an_api_key_can_have_a_default_callback(make_client: Callable[..., tuple[TestClient, Services]],
                                                fake_providers: Providers, settings: Settings) -> None:
    custom = settings.model_copy(update={
        "api_keys": "key-one,key-two", "webhook_allow_private": True,
        "webhook_urls": json.dumps({"key-one": "http://127.0.0.1:9/one"})})
    client, services = make_client(fake_providers, custom)
    _, first = submit(client)
    answer = client.post("/api/podcast/generate/async", headers={"x-api-key": "key-two"}, json={
        "noteId": "n", "noteContent": SHORT_NOTE, "userId": "u", "duration": "short"})
    _, given = submit(client, callbackUrl="http://127.0.0.1:9/given")
    for job_id in (first["jobId"], answer.json()["jobId"], given["jobId"]):
        client.post(f"/api/podcast/jobs/{job_id}/cancel", headers={"x-api-key": "key-one"})
    urls = {job_id: [one.url for one in deliveries.of_job(services.db, str(job_id))]
            for job_id in (first["jobId"], answer.json()["jobId"], given["jobId"])}
    assert urls == {first["jobId"]: ["http://127.0.0.1:9/one"], answer.json()["jobId"]: [],
                    given["jobId"]: ["http://127.0.0.1:9/given"]}


def test_the_callback_is_part_of_what_an_idempotency_key_stands_for(hooked: tuple[TestClient, Services]) -> None:
    client, _ = hooked
    body = {"noteId": "n", "noteContent": SHORT_NOTE, "userId": "u", "callbackUrl": "http://127.0.0.1:9/a"}
    first = client.post("/api/podcast/generate/async", json=body, headers={"Idempotency-Key": "k1"})
    again = client.post("/api/podcast/generate/async", json={**body, "callbackUrl": "http://127.0.0.1:9/b"},
                        headers={"Idempotency-Key": "k1"})
    assert first.status_code == 202 and again.status_code == 409


def test_a_receiver_that_never_answers_does_not_hold_up_the_job(hooked: tuple[TestClient, Services]) -> None:
    client, services = hooked
    receiver = Receiver()
    receiver.down()
    _, body = submit(client, callbackUrl=receiver.url)
    assert wait_for_api_job(client, str(body["jobId"]))["status"] == "completed"
    [queued] = wait_until(lambda: deliveries.of_job(services.db, str(body["jobId"])), lambda found: len(found) == 1)
    assert queued.state == "pending" and queued.attempts == 0
