"""Voices a request may choose (GET /api/voices, `hosts`), and notes in languages the voices cannot speak."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.providers import build_providers
from pipeline.services import Services
from settings import Settings
from tests.audio_metrics import decode
from tests.conftest import wait_for_api_job
from tests.openai_server import FakeOpenAI, fake_openai

NOTES = {
    "de": ("Der Sauerteig braucht Zeit. Man füttert ihn jeden Tag mit Mehl und Wasser, und nach einer Woche ist "
           "er kräftig genug, um ein ganzes Brot zu heben. Die Temperatur in der Küche entscheidet, wie schnell "
           "das geht."),
    "fr": ("Le levain demande du temps. On le nourrit chaque jour avec de la farine et de l'eau, et au bout d'une "
           "semaine il est assez fort pour faire lever un pain entier. La température de la cuisine décide de la "
           "vitesse."),
    "es": ("La masa madre necesita tiempo. Se alimenta cada día con harina y agua, y después de una semana es lo "
           "bastante fuerte como para levantar un pan entero. La temperatura de la cocina decide la velocidad."),
}
NAMES = {"de": "German", "fr": "French", "es": "Spanish"}
MOSTLY_ENGLISH = ("Our team moved the cluster to Frankfurt because the Datenschutz rules required it. Latency fell "
                  "by twenty percent, and the Betriebsrat signed off on the on-call rota in a week.")
OPENS_IN_GERMAN = ("# Projekt Sonnenblume\n\nDas Team trifft sich am Montag um neun Uhr im Büro.\n\n" + (
    "This week we reviewed the budget for the solar project and agreed to order the panels before the price "
    "rises again. The installer will come on Thursday, and we still need a permit from the city for the roof. ") * 3)


def body(note: str = "A short note about tide pools. They are full of life.", **extra: Any) -> dict[str, Any]:
    return {"noteId": "n", "noteContent": note, "userId": "u"} | extra


@pytest.fixture
def offline(make_client: Callable[..., tuple[TestClient, Services]], settings: Settings) -> TestClient:
    """The real offline providers (nothing is generated in these tests but what they ask for)."""
    return make_client(build_providers(settings))[0]


def test_voices_are_listed_with_samples_and_the_default_hosts(offline: TestClient) -> None:
    listed = offline.get("/api/voices").json()
    assert listed["success"] is True
    names = [voice["name"] for voice in listed["voices"]]
    assert names == ["piper:joe", "hibari:heart", "piper:joe-pitched"]
    assert listed["defaultHosts"] == [{"name": "Alex", "voice": "piper:joe"}, {"name": "Sam", "voice": "hibari:heart"}]
    heart = next(voice for voice in listed["voices"] if voice["name"] == "hibari:heart")
    assert heart["language"] == "en" and heart["sampleUrl"] == "/api/voices/hibari:heart/sample"
    sample = offline.get(heart["sampleUrl"])
    assert sample.status_code == 200 and sample.headers["content-type"] == "audio/mpeg"
    assert offline.get(heart["sampleUrl"]).content == sample.content, "made once, then served from disk"
    missing = offline.get("/api/voices/hibari:emma/sample")
    assert missing.status_code == 404 and missing.json()["success"] is False


def test_a_sample_is_a_few_seconds_of_real_speech(offline: TestClient, tmp_path: Any) -> None:
    path = tmp_path / "joe.mp3"
    path.write_bytes(offline.get("/api/voices/piper:joe/sample").content)
    seconds = len(decode(path)) / 16_000
    assert 2 < seconds < 12


def test_a_request_may_choose_hosts_and_the_job_reports_them(client: TestClient) -> None:
    hosts = [{"name": "Ada", "voice": "tone:high"}, {"name": "Lin", "voice": "tone:low"}]
    job_id = client.post("/api/podcast/generate/async", json=body(hosts=hosts)).json()["jobId"]
    job = wait_for_api_job(client, job_id)
    assert job["status"] == "completed" and job["hosts"] == hosts
    assert {line["speaker"] for line in job["transcript"]} == {"Ada", "Lin"}
    podcast = client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]
    assert podcast["hosts"] == hosts
    # a host left out keeps the server's default
    partial = client.post("/api/podcast/generate/async", json=body(hosts=[{"voice": "tone:high"}, {}])).json()
    assert client.get(f"/api/podcast/jobs/{partial['jobId']}").json()["job"]["hosts"] == [
        {"name": "Alex", "voice": "tone:high"}, {"name": "Sam", "voice": "tone:high"}]


@pytest.mark.parametrize(("hosts", "words"), [
    ([{"voice": "hibari:emma"}, {}], "no voice 'hibari:emma'"),
    ([{"name": "Sam"}, {}], "different names"),
    ([{"voice": "tone:low"}], "at least 2 items"),
    ([{"name": ""}, {}], "must be 1-40 characters"),
])
def test_bad_hosts_are_refused_with_a_422_naming_them(client: TestClient, hosts: list[Any], words: str) -> None:
    response = client.post("/api/podcast/generate/async", json=body(hosts=hosts))
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["success"] is False and words in answer["error"] and "hosts" in json.dumps(answer["fields"])


@pytest.mark.parametrize("language", sorted(NOTES))
def test_notes_the_offline_defaults_cannot_speak_are_refused(offline: TestClient, language: str) -> None:
    response = offline.post("/api/podcast/generate/async", json=body(NOTES[language]))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith(f"This note looks {NAMES[language]} ({language}). The built-in script writer and the "
                            "voices piper:joe and hibari:heart speak English only; set SCRIPT_PROVIDER=openai and ")
    assert error.endswith(f"to make {NAMES[language]} episodes.")


@pytest.mark.parametrize("note", [MOSTLY_ENGLISH, OPENS_IN_GERMAN], ids=["foreign words", "German opening"])
def test_english_notes_with_some_foreign_words_are_accepted_and_labelled(offline: TestClient, note: str) -> None:
    response = offline.post("/api/podcast/generate/async", json=body(note))
    assert response.status_code == 202
    job = offline.get(f"/api/podcast/jobs/{response.json()['jobId']}").json()["job"]
    assert job["language"] == "en"
    offline.post(f"/api/podcast/jobs/{job['jobId']}/cancel")


@pytest.fixture
def openai_client(make_client: Callable[..., tuple[TestClient, Services]], settings: Settings
                  ) -> Iterator[tuple[TestClient, FakeOpenAI]]:
    with fake_openai() as server:
        custom = settings.model_copy(update={
            "script_provider": "openai", "voice_provider": "openai", "openai_api_key": "sk-test",
            "openai_base_url": server.url, "openai_timeout_seconds": 5.0})
        yield make_client(build_providers(custom), custom)[0], server


def test_with_openai_the_same_notes_are_accepted_and_labelled(openai_client: tuple[TestClient, FakeOpenAI]) -> None:
    client, _ = openai_client
    for language, note in NOTES.items():
        response = client.post("/api/podcast/generate/async", json=body(note, userId=f"u-{language}"))
        assert response.status_code == 202, response.text
        job = wait_for_api_job(client, response.json()["jobId"], timeout=120)
        assert job["status"] == "completed" and job["language"] == language, job
        files = {kind: client.get(url.removeprefix("http://testserver")) for kind, url in job["transcriptUrls"].items()}
        assert f"Language: {language}" in files["vtt"].text
        assert files["json"].json()["language"] == language
    feed = client.get("/api/users/u-de/feed").json()
    xml = client.get(feed["feedUrl"].removeprefix("http://testserver")).text
    assert "<language>de</language>" in xml and 'language="de"' in xml


def test_offline_voices_with_the_openai_writer_name_only_the_voices(
    make_client: Callable[..., tuple[TestClient, Services]], settings: Settings
) -> None:
    custom = settings.model_copy(update={"script_provider": "openai", "openai_api_key": "sk-test"})
    client = make_client(build_providers(custom), custom)[0]
    error = client.post("/api/podcast/generate/async", json=body(NOTES["de"])).json()["error"]
    assert error == ("This note looks German (de). The voices piper:joe and hibari:heart speak English only; set "
                     "VOICE_PROVIDER=openai (or pick OpenAI voices) to make German episodes.")


@pytest.mark.parametrize(("update", "hosts", "expected"), [
    ({"voice_provider": "openai"}, None,
     "This note looks German (de). The built-in script writer writes English only; set SCRIPT_PROVIDER=openai to "
     "make German episodes."),
    ({"script_provider": "openai"}, [{"voice": "openai:nova"}, {}],
     "This note looks German (de). The voice hibari:heart speaks English only; set VOICE_PROVIDER=openai (or pick "
     "OpenAI voices) to make German episodes."),
])
def test_the_refusal_names_exactly_what_cannot_speak_the_language(
    make_client: Callable[..., tuple[TestClient, Services]], settings: Settings, update: dict[str, str],
    hosts: list[dict[str, str]] | None, expected: str,
) -> None:
    custom = settings.model_copy(update={**update, "openai_api_key": "sk-test"})
    client = make_client(build_providers(custom), custom)[0]
    extra = {"hosts": hosts} if hosts else {}
    response = client.post("/api/podcast/generate/async", json=body(NOTES["de"], **extra))
    assert response.status_code == 422 and response.json()["error"] == expected
