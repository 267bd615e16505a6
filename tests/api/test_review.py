"""Review before voicing: a job asked for review stops after its script, which can be read, edited (If-Match
guarded) and approved; clients that never ask see no new state."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import wait_for_api_job

NOTE = "# Tide pools\nSea stars live in tide pools. They pull mussels open with their tube feet."


def queue(client: TestClient, **extra: Any) -> str:
    answer = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": NOTE, "userId": "reviewer", "duration": "short", **extra})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["jobId"])


def awaiting(client: TestClient, job_id: str) -> dict[str, Any]:
    return wait_for_api_job(client, job_id, lambda job: job["status"] in ("awaiting_review", "failed", "completed"))


def test_a_reviewed_job_waits_then_voices_the_edited_script(client: TestClient) -> None:
    job_id = queue(client, review=True)
    job = awaiting(client, job_id)
    assert job["status"] == "awaiting_review" and job["currentStep"] == "Waiting for your review"
    assert job["progress"] == 4 and "audioUrl" not in job and job["review"] is True

    read = client.get(f"/api/podcast/jobs/{job_id}/script")
    assert read.status_code == 200 and read.headers["etag"] == '"1"'
    script = read.json()["script"]
    turns = [turn for section in script["sections"] for turn in section["turns"]]
    assert [turn["id"] for turn in turns] == [f"t{n}" for n in range(1, len(turns) + 1)]
    assert {turn["speaker"] for turn in turns} == {"Alex", "Sam"}

    script["sections"][0]["turns"][0]["text"] = "Welcome to the tide pool show."
    deleted = script["sections"][0]["turns"].pop(1)["text"]
    saved = client.put(f"/api/podcast/jobs/{job_id}/script", json=script, headers={"If-Match": '"1"'})
    assert saved.status_code == 200 and saved.headers["etag"] == '"2"', saved.text
    stale = client.put(f"/api/podcast/jobs/{job_id}/script", json=script, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and "read it again" in stale.json()["error"]
    missing = client.put(f"/api/podcast/jobs/{job_id}/script", json=script)
    assert missing.status_code == 422 and missing.json()["fields"] == {"If-Match": "is required"}

    approved = client.post(f"/api/podcast/jobs/{job_id}/approve")
    assert approved.status_code == 202 and approved.json()["status"] == "queued"
    done = wait_for_api_job(client, job_id)
    assert done["status"] == "completed", done
    spoken = [line["text"] for line in done["transcript"]]
    assert spoken[0] == "Welcome to the tide pool show." and deleted not in spoken
    assert client.post(f"/api/podcast/jobs/{job_id}/approve").status_code == 409
    assert client.get(f"/api/podcast/jobs/{job_id}/script").status_code == 409


def test_an_edited_script_is_checked_turn_by_turn(client: TestClient) -> None:
    job_id = queue(client, review=True)
    awaiting(client, job_id)
    script = client.get(f"/api/podcast/jobs/{job_id}/script").json()["script"]
    script["sections"][0]["turns"][1]["speaker"] = "Mallory"
    script["sections"][0]["turns"][0]["text"] = "   "
    refused = client.put(f"/api/podcast/jobs/{job_id}/script", json=script, headers={"If-Match": '"1"'})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"sections[0].turns[0].text": "must be 1-2000 characters",
                                        "sections[0].turns[1].speaker": "must be one of the hosts: Alex, Sam"}
    empty = client.put(f"/api/podcast/jobs/{job_id}/script", json={"title": "T", "sections": []},
                       headers={"If-Match": '"1"'})
    assert empty.status_code == 422 and empty.json()["fields"] == {"sections": "must hold at least one turn"}
    assert client.get(f"/api/podcast/jobs/{job_id}/script").headers["etag"] == '"1"', "nothing was saved"


def test_a_job_awaiting_review_can_be_cancelled(client: TestClient) -> None:
    job_id = queue(client, review=True)
    awaiting(client, job_id)
    cancelled = client.post(f"/api/podcast/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["job"]["status"] == "cancelled"
    assert client.post(f"/api/podcast/jobs/{job_id}/approve").status_code == 409


def test_jobs_that_never_ask_for_review_never_wait(client: TestClient) -> None:
    job_id = queue(client)
    done = wait_for_api_job(client, job_id)
    assert done["status"] == "completed" and "review" not in done, "the seed's shape is unchanged"
    assert client.get(f"/api/podcast/jobs/{job_id}/script").status_code == 409
    assert client.get("/api/podcast/jobs/nope/script").status_code == 404
