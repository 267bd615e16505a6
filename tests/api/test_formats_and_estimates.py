"""Formats and a focus on requests, jobs and podcasts; what a job tells its listener; and `POST
/api/podcast/estimate`, how long an episode a note can fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.base import NO_DEBATE_NOTICE
from pipeline.writers.builtin import BuiltinScriptWriter
from tests.conftest import SHORT_NOTE, wait_for_api_job
from tests.fakes import PacedVoice, ToneVoices
from tests.notes import long_note

PROS_AND_CONS = ("# Heat pumps\n\nA heat pump moves heat from outside air into the house.\n\n## Pros\n"
                 "- It uses about a third of the energy of a gas boiler.\n\n## Cons\n"
                 "- The outdoor unit costs 9,000 euros to install.\n")


def body(note: str = SHORT_NOTE, **extra: Any) -> dict[str, Any]:
    return {"noteId": "n", "noteContent": note, "userId": "u"} | extra


@pytest.fixture
def builtin(make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers) -> TestClient:
    """The built-in writer with fast tone voices."""
    return make_client(replace(fake_providers, writer=BuiltinScriptWriter()))[0]


def test_a_short_note_is_estimated_below_the_longer_lengths(builtin: TestClient) -> None:
    answer = builtin.post("/api/podcast/estimate", json={"noteContent": SHORT_NOTE})
    assert answer.status_code == 200, answer.text
    estimate = answer.json()
    assert estimate["success"] is True and estimate["format"] == "conversation"
    lengths = {length["duration"]: length for length in estimate["lengths"]}
    assert set(lengths) == {"short", "medium", "long"}
    assert [lengths[name]["fills"] for name in ("short", "medium", "long")] == [False, False, False]
    assert 20 < estimate["mostSeconds"] < 300 and lengths["long"]["targetSeconds"] == 1200
    assert estimate["summary"].startswith("This note makes ") and "minute" in estimate["summary"]


def test_a_long_note_fills_the_short_length_and_a_brief_is_a_minute_or_two(builtin: TestClient) -> None:
    note = long_note()
    lengths = builtin.post("/api/podcast/estimate", json={"noteContent": note}).json()["lengths"]
    assert lengths[0]["duration"] == "short" and lengths[0]["fills"] is True
    assert lengths[0]["seconds"] <= lengths[0]["targetSeconds"]
    brief = builtin.post("/api/podcast/estimate", json={"noteContent": note, "format": "brief"}).json()
    assert all(length["targetSeconds"] == 90 and length["seconds"] <= 100 for length in brief["lengths"])


def test_a_link_alone_is_told_that_links_are_not_fetched(builtin: TestClient) -> None:
    estimate = builtin.post("/api/podcast/estimate", json={"noteContent": "https://example.com/article"}).json()
    assert any("Links are not fetched" in notice for notice in estimate["notices"])
    job_id = builtin.post("/api/podcast/generate/async", json=body("https://example.com/article")).json()["jobId"]
    job = builtin.get(f"/api/podcast/jobs/{job_id}").json()["job"]
    assert any("Links are not fetched" in notice for notice in job["notices"])


def test_a_writer_that_can_expand_fills_every_length(client: TestClient) -> None:
    estimate = client.post("/api/podcast/estimate", json={"noteContent": SHORT_NOTE}).json()
    assert estimate["mostSeconds"] is None and all(length["fills"] for length in estimate["lengths"])


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"format": "podcast"}, "format", "must be one of: conversation, brief, debate"),
    ({"focus": "x" * 501}, "focus", "at most 500 characters"),
    ({"focus": "line\nbreak"}, "focus", "control characters"),
    ({"noteContent": "   "}, "noteContent", "must not be empty"),
])
def test_bad_estimates_and_submissions_get_our_error_shape(builtin: TestClient, extra: dict[str, Any], field: str,
                                                            words: str) -> None:
    for path, payload in (("/api/podcast/estimate", {"noteContent": SHORT_NOTE} | extra),
                          ("/api/podcast/generate/async", body() | extra)):
        answer = builtin.post(path, json=payload)
        assert answer.status_code == 422, answer.text
        assert answer.json()["success"] is False and words in answer.json()["fields"][field]


def test_format_and_focus_are_kept_on_the_job_and_the_podcast(builtin: TestClient) -> None:
    job_id = builtin.post("/api/podcast/generate/async", json=body(PROS_AND_CONS, format="debate",
                                                                   focus="the running costs")).json()["jobId"]
    job = wait_for_api_job(builtin, job_id)
    assert job["status"] == "completed", job
    assert job["format"] == "debate" and job["focus"] == "the running costs"
    assert NO_DEBATE_NOTICE not in job["notices"]
    assert any(line["speaker"] == "Sam" and "9,000 euros" in line["text"] for line in job["transcript"])
    podcast = builtin.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]
    assert podcast["format"] == "debate" and podcast["focus"] == "the running costs"


def test_a_debate_without_two_sides_says_it_became_a_conversation(builtin: TestClient) -> None:
    job = wait_for_api_job(builtin, builtin.post("/api/podcast/generate/async",
                                                 json=body(format="debate")).json()["jobId"])
    assert job["status"] == "completed" and NO_DEBATE_NOTICE in job["notices"]


def test_a_note_that_cannot_fill_its_length_says_so_with_the_expected_length(builtin: TestClient) -> None:
    job = wait_for_api_job(builtin, builtin.post("/api/podcast/generate/async",
                                                 json=body(duration="medium")).json()["jobId"])
    assert job["status"] == "completed"
    assert job["targetSeconds"] == 600 and 0 < job["expectedSeconds"] < 300
    assert any("less than the 10 minutes asked for" in notice for notice in job["notices"]), job["notices"]
    brief = wait_for_api_job(builtin, builtin.post("/api/podcast/generate/async",
                                                   json=body(long_note(), format="brief")).json()["jobId"])
    assert brief["targetSeconds"] == 90 and {line["speaker"] for line in brief["transcript"]} == {"Alex"}
    assert not any("asked for" in notice for notice in brief["notices"])


def test_an_estimate_refuses_a_note_the_writer_cannot_speak_as_a_submission_would(builtin: TestClient) -> None:
    german = ("Der Sauerteig braucht Zeit. Man füttert ihn jeden Tag mit Mehl und Wasser, und nach einer Woche ist er "
              "kräftig genug, um ein ganzes Brot zu heben.")
    answer = builtin.post("/api/podcast/estimate", json={"noteContent": german})
    assert answer.status_code == 422 and answer.json()["error"].startswith("This note looks German (de).")
    assert builtin.post("/api/podcast/estimate", content=b"[1, 2]",
                        headers={"content-type": "application/json"}).json()["fields"]["body"].startswith(
        "must be a JSON object")


def test_queued_and_running_jobs_get_a_place_and_an_eta_once_the_speed_is_known(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers
) -> None:
    paced = replace(fake_providers, voices=ToneVoices(voice_class=PacedVoice, seconds_per_turn=0.05))
    client, _ = make_client(paced)
    first = client.post("/api/podcast/generate/async", json=body(title="First")).json()["jobId"]
    second = client.post("/api/podcast/generate/async", json=body(title="Second")).json()["jobId"]
    queued = client.get(f"/api/podcast/jobs/{second}").json()["job"]
    if queued["status"] == "queued":
        assert queued["queuePosition"] == 1 and "etaSeconds" not in queued  # nothing measured yet
    assert wait_for_api_job(client, first)["status"] == "completed"
    assert wait_for_api_job(client, second)["status"] == "completed"
    assert "queuePosition" not in client.get(f"/api/podcast/jobs/{first}").json()["job"]

    running = client.post("/api/podcast/generate/async", json=body("# Two\n\n" + long_note())).json()["jobId"]
    waiting = client.post("/api/podcast/generate/async", json=body(long_note() + "\n\nOne more.")).json()["jobId"]
    seen = wait_for_api_job(client, waiting, until=lambda job: job["status"] != "queued" or "etaSeconds" in job)
    ahead = client.get(f"/api/podcast/jobs/{running}").json()["job"]
    if seen["status"] == "queued" and ahead["status"] == "processing":
        assert seen["queuePosition"] == 1 and seen["etaSeconds"] >= ahead.get("etaSeconds", 0)
        assert "queuePosition" not in ahead and ahead["etaSeconds"] > 0
    assert wait_for_api_job(client, waiting, timeout=120)["status"] == "completed"
    assert "etaSeconds" not in client.get(f"/api/podcast/jobs/{waiting}").json()["job"]
