"""Editing a finished episode: its script, read and replaced (If-Match guarded), becomes the next version, voicing
only the turns that changed; earlier versions stay playable; pronunciations reach the voice, not the transcript."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.cache import SegmentCache
from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.base import Script, Section, Turn, WritingRequest
from settings import Settings
from store import jobs
from tests.conftest import wait_for_api_job, wait_for_job
from tests.fakes import RecordingWriter, ToneVoices


class SixtyTurnWriter(RecordingWriter):
    """Three sections of twenty turns, each turn different, whatever the note."""

    def write(self, request: WritingRequest) -> Script:
        first, second = request.hosts
        return Script(title=request.title or "Sixty", sections=tuple(
            Section(f"Part {part}", tuple(Turn((first, second)[n % 2], f"Line {part}-{n} about {request.note[:40]}.")
                                          for n in range(20)))
            for part in range(3)))


@pytest.fixture
def providers(fake_providers: Providers, settings: Settings) -> Providers:
    return replace(fake_providers, writer=SixtyTurnWriter(), voices=ToneVoices(),
                   cache=SegmentCache(settings.data_dir / "cache", 10**9, per_user=True))


@pytest.fixture
def client(make_client: Callable[..., tuple[TestClient, Services]], providers: Providers) -> TestClient:
    return make_client(providers)[0]


def finished_episode(client: TestClient, note: str = "Tide pools and sea stars.") -> dict[str, Any]:
    answer = client.post("/api/podcast/generate/async", json={
        "noteId": "n", "noteContent": note, "userId": "editor", "duration": "short"})
    assert answer.status_code == 202, answer.text
    done = wait_for_api_job(client, answer.json()["jobId"])
    assert done["status"] == "completed", done
    return done


def turns_of(script: dict[str, Any]) -> list[dict[str, Any]]:
    return [turn for section in script["sections"] for turn in section["turns"]]


def test_editing_one_turn_of_sixty_voices_that_turn_only_and_keeps_version_one(
    client: TestClient, providers: Providers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pipeline.audio.splicing")
    first = finished_episode(client)
    podcast_id = first["podcastId"]
    assert first["voicedTurns"] == 60 and first["reusedTurns"] == 0 and "version" not in first
    read = client.get(f"/api/podcast/{podcast_id}/script")
    assert read.status_code == 200 and read.headers["etag"] == '"1"' and read.json()["version"] == 1
    script = read.json()["script"]
    assert len(turns_of(script)) == 60
    assert [line["text"] for line in first["transcript"]] == [turn["text"] for turn in turns_of(script)]

    script["sections"][1]["turns"][7]["text"] = "A sea star can regrow a lost arm."
    voices = providers.voices
    assert isinstance(voices, ToneVoices)
    voices.calls.clear()
    queued = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert queued.status_code == 202, queued.text
    edit = queued.json()
    assert edit["version"] == 2 and edit["changedTurns"] == 1 and edit["podcastId"] == podcast_id

    done = wait_for_api_job(client, edit["jobId"])
    assert done["status"] == "completed", done
    assert (done["voicedTurns"], done["reusedTurns"], done["version"]) == (1, 59, 2)
    assert [text for text, _ in voices.calls] == ["A sea star can regrow a lost arm."]
    assert done["podcastId"] == podcast_id and done["audioUrl"] != first["audioUrl"]

    podcast = client.get(f"/api/podcast/{podcast_id}").json()["podcast"]
    assert podcast["version"] == 2 and podcast["audioUrl"] == done["audioUrl"] and "updatedAt" in podcast
    assert podcast["transcript"][27]["text"] == "A sea star can regrow a lost arm."
    assert podcast["audioDuration"] != first["audioDuration"], "the new line's audio is in the new file"
    assert "edit spliced: 1 of 60 turns re-mastered" in caplog.text, "only the changed stretch was re-mastered"
    moved = podcast["transcript"][28]["start"] - first["transcript"][28]["start"]
    assert abs(moved - (podcast["audioDuration"] - first["audioDuration"])) < 0.05, "later turns moved with it"
    assert podcast["transcript"][:27] == first["transcript"][:27]

    versions = client.get(f"/api/podcast/{podcast_id}/versions").json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(2, True), (1, False)]
    earlier = versions[1]
    assert earlier["audioUrl"] == first["audioUrl"] and earlier["transcript"] == first["transcript"]
    assert client.get(earlier["audioUrl"]).status_code == 200, "version 1 still plays"
    assert client.get(earlier["transcriptUrls"]["vtt"]).status_code == 200

    stale = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and "read it again" in stale.json()["error"]
    assert client.get(f"/api/podcast/{podcast_id}/script").headers["etag"] == '"2"'


def test_an_edit_is_checked_and_refused_clearly(client: TestClient) -> None:
    podcast_id = finished_episode(client)["podcastId"]
    script = client.get(f"/api/podcast/{podcast_id}/script").json()["script"]
    unchanged = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert unchanged.status_code == 422 and "unchanged" in unchanged.json()["error"]
    missing = client.put(f"/api/podcast/{podcast_id}/script", json=script)
    assert missing.status_code == 422 and missing.json()["fields"] == {"If-Match": "is required"}
    script["sections"][0]["turns"][3]["speaker"] = "Mallory"
    wrong = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert wrong.status_code == 422
    assert wrong.json()["fields"] == {"sections[0].turns[3].speaker": "must be one of the hosts: Alex, Sam"}
    assert client.get("/api/podcast/nope/script").status_code == 404
    assert client.get("/api/podcast/nope/versions").status_code == 404

    script["sections"][0]["turns"][3]["speaker"] = "Alex"
    script["sections"][0]["turns"][3]["text"] = "Changed once."
    assert client.put(f"/api/podcast/{podcast_id}/script", json=script,
                      headers={"If-Match": '"1"'}).status_code == 202
    script["sections"][0]["turns"][3]["text"] = "Changed twice."
    again = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert again.status_code in (409, 412), "a second edit on the same version must not be voiced too"


def test_pronunciations_reach_the_voice_and_the_transcript_keeps_the_writing(
    client: TestClient, providers: Providers
) -> None:
    lexicon = client.put("/api/users/editor/lexicon", json={"entries": [{"text": "Nginx", "say": "engine x"}]})
    assert lexicon.status_code == 200 and lexicon.json()["entries"] == [{"text": "Nginx", "say": "engine x"}]
    assert client.get("/api/users/editor/lexicon").json()["entries"] == [{"text": "Nginx", "say": "engine x"}]
    voices = providers.voices
    assert isinstance(voices, ToneVoices)
    first = finished_episode(client, "We moved to NGINX last week.")
    spoken = [text for text, _ in voices.calls]
    assert all("engine x" in text and "nginx" not in text.lower() for text in spoken), spoken
    assert all("NGINX" in line["text"] for line in first["transcript"])

    podcast_id = first["podcastId"]
    script = client.get(f"/api/podcast/{podcast_id}/script").json()["script"]
    turn = script["sections"][2]["turns"][0]
    turn["text"] = "Ask Siobhan about NGINX."
    turn["say"] = [{"text": "Siobhan", "say": "shiv awn"}]
    voices.calls.clear()
    queued = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert queued.status_code == 202, queued.text
    assert wait_for_api_job(client, queued.json()["jobId"])["voicedTurns"] == 1
    assert [text for text, _ in voices.calls] == ["Ask shiv awn about engine x."]
    reread = client.get(f"/api/podcast/{podcast_id}/script").json()["script"]
    assert reread["sections"][2]["turns"][0]["say"] == [{"text": "Siobhan", "say": "shiv awn"}]

    script["sections"][2]["turns"][1]["say"] = [{"text": "Dublin", "say": "dub lin"}]
    absent = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"2"'})
    assert absent.status_code == 422
    assert absent.json()["fields"] == {
        "sections[2].turns[1].say[0].text": "must be 2-100 characters found in the turn's text"}


def test_a_lexicon_is_validated(client: TestClient) -> None:
    blank = client.put("/api/users/editor/lexicon", json={"entries": [{"text": "SQL", "say": " "}]})
    assert blank.status_code == 422
    assert blank.json()["fields"] == {"entries[0].say": "must be 1-200 characters on one line"}
    assert client.put("/api/users/bad%20id/lexicon", json={"entries": []}).status_code == 422
    assert client.get("/api/users/editor/lexicon").json()["entries"] == [], "nothing was saved"
    twice = client.put("/api/users/editor/lexicon", json={"entries": [{"text": "SQL", "say": "sequel"},
                                                                     {"text": "sql", "say": "S Q L"}]})
    assert twice.status_code == 200 and twice.json()["entries"] == [{"text": "sql", "say": "S Q L"}], "the last wins"
    assert client.put("/api/users/editor/lexicon", json={"entries": []}).json()["entries"] == []


def test_deleting_an_edited_episode_removes_every_version(client: TestClient) -> None:
    first = finished_episode(client)
    podcast_id = first["podcastId"]
    script = client.get(f"/api/podcast/{podcast_id}/script").json()["script"]
    script["sections"][0]["turns"].pop(0)
    queued = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert queued.status_code == 202 and queued.json()["changedTurns"] == 0, "a deletion voices nothing new"
    second = wait_for_api_job(client, queued.json()["jobId"])
    assert second["voicedTurns"] == 0 and len(second["transcript"]) == 59
    assert client.delete(f"/api/podcast/{podcast_id}").status_code == 200
    assert client.get(first["audioUrl"]).status_code == 404
    assert client.get(second["audioUrl"]).status_code == 404
    assert client.get(f"/api/podcast/{podcast_id}/versions").status_code == 404


def test_an_edit_interrupted_by_a_crash_resumes_as_the_same_version(
    make_services: Callable[..., Services], providers: Providers
) -> None:
    from pipeline.episode.editing import edit_job, script_of
    from store import queries

    first = make_services(providers)
    from store.records import NewJob

    made = wait_for_job(first, first.executor.submit(NewJob(user_id="u", note_id="n", note_content="Rock pools.",
                                                            duration="short")).record.job_id)
    first.executor.shutdown()
    podcast = queries.get_podcast(first.db, made.podcast_id or "")
    assert podcast is not None
    script = script_of(podcast)
    script["sections"][0]["turns"][0] = ["Alex", "Welcome back to the rock pools."]
    edit = first.executor.submit_edit(edit_job(podcast, script), podcast["podcast_id"], 1, script)
    jobs.claim_next(first.db)  # a process died while voicing the edit

    second = make_services(providers)
    resumed = wait_for_job(second, edit.job_id)
    assert resumed.status == "completed" and resumed.attempts == 2 and resumed.edit_version == 2
    assert (resumed.segments_total, resumed.segments_cached) == (60, 59)
    latest = queries.get_podcast(second.db, podcast["podcast_id"])
    assert latest is not None and latest["version"] == 2
    assert latest["transcript"][0]["text"] == "Welcome back to the rock pools."


def test_oversized_or_runaway_edits_are_refused_before_any_work(client: TestClient) -> None:
    first = finished_episode(client)
    podcast_id = first["podcastId"]
    script = client.get(f"/api/podcast/{podcast_id}/script").json()["script"]
    many = {"title": "T", "sections": [{"title": "S", "turns": [{"speaker": "Alex", "text": "Hi."}] * 401}]}
    refused = client.put(f"/api/podcast/{podcast_id}/script", json=many, headers={"If-Match": '"1"'})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"sections": "must hold at most 400 turns (got 401)"}
    turn = script["sections"][0]["turns"][0]
    turn["say"] = [{"text": "Hi", "say": "hello"}] * 21
    spans = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert spans.json()["fields"] == {"sections[0].turns[0].say": "must hold at most 20 pronunciations"}
    weird = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"²"'.encode("latin-1")})
    assert weird.status_code == 412, "an If-Match that names no version is stale, not an error"

    turn["text"] = " ".join(["xx"] * 40) + "."
    turn["say"] = [{"text": "xx", "say": "a very long way of saying two letters, " * 5}]
    queued = client.put(f"/api/podcast/{podcast_id}/script", json=script, headers={"If-Match": '"1"'})
    assert queued.status_code == 202, queued.text
    failed = wait_for_api_job(client, queued.json()["jobId"])
    assert failed["status"] == "failed" and failed["error"] == "Line 1: its pronunciations make it too long to voice"
    assert client.get(f"/api/podcast/{podcast_id}").json()["podcast"]["version"] == 1, "the episode is unchanged"
