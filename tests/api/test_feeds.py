"""Private RSS feeds, and the episode files (transcripts, chapters) the API points to."""

from __future__ import annotations

import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import numpy as np
import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.services import Services
from settings import Settings
from tests.conftest import wait_for_api_job

PODCAST_NS = "https://podcastindex.org/namespace/1.0"


def make_episode(client: TestClient, user: str, note: str = "A note. It has two sentences.") -> dict[str, Any]:
    job_id = client.post("/api/podcast/generate/async", json={
        "noteId": "n1", "noteContent": note, "userId": user, "duration": "short"}).json()["jobId"]
    job = wait_for_api_job(client, job_id)
    assert job["status"] == "completed", job
    return job


def local(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_job_lists_transcript_and_chapter_urls_that_serve_the_files(client: TestClient) -> None:
    job = make_episode(client, "u1")
    assert job["targetSeconds"] == 300 and job["audioDuration"] > 0
    assert set(job["transcriptUrls"]) == {"vtt", "srt", "json"}
    vtt = client.get(local(job["transcriptUrls"]["vtt"]))
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT") and "<v Alex>" in vtt.text
    assert client.get(local(job["transcriptUrls"]["srt"])).text.startswith("1\n")
    segments = client.get(local(job["transcriptUrls"]["json"])).json()["segments"]
    assert [s["startTime"] for s in segments] == [line["start"] for line in job["transcript"]]
    chapters = client.get(local(job["chaptersUrl"])).json()
    assert chapters["version"] and [c["title"] for c in chapters["chapters"]] == ["Intro", "Body"]
    assert set(job["loudness"]) == {"integrated", "truePeak", "range"}  # (real speech is checked in pipeline/)
    podcast = client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]
    assert podcast["transcriptUrls"] == job["transcriptUrls"] and podcast["chaptersUrl"] == job["chaptersUrl"]
    assert podcast["targetSeconds"] == 300 and podcast["audioType"] == "audio/mpeg"


def test_feed_lists_the_users_episodes_for_podcast_apps(client: TestClient, settings: Settings) -> None:
    mine = [make_episode(client, "alice", note) for note in ("First note. Two sentences.", "Second note. Here.")]
    theirs = make_episode(client, "bob")
    feed_url = client.get("/api/users/alice/feed").json()["feedUrl"]
    assert feed_url.startswith("http://testserver/feeds/alice/") and feed_url.endswith(".xml")
    assert client.get("/api/users/alice/feed").json()["feedUrl"] == feed_url, "stable until rotated"

    response = client.get(local(feed_url))
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20" and parsed.namespaces.get("podcast") == PODCAST_NS
    assert "itunes" in parsed.namespaces and parsed.feed.image.href.endswith("/feeds/cover.png")
    assert parsed.feed.link == "http://testserver/episodes"
    guids = [entry.id for entry in parsed.entries]
    assert sorted(guids) == sorted(job["podcastId"] for job in mine) and theirs["podcastId"] not in guids
    for entry in parsed.entries:
        job = next(job for job in mine if job["podcastId"] == entry.id)
        enclosure = entry.enclosures[0]
        audio = client.get(local(enclosure.href))
        assert audio.status_code == 200 and int(enclosure.length) == len(audio.content)
        assert enclosure.type == "audio/mpeg"
        assert int(entry.itunes_duration) == round(job["audioDuration"])
    assert response.text.count("<podcast:transcript") == 3 * len(mine)
    assert response.text.count("<podcast:chapters") == len(mine)
    assert client.get("/feeds/cover.png").content[:4] == b"\x89PNG"


def test_feed_requires_its_current_token(client: TestClient) -> None:
    make_episode(client, "carol")
    feed_url = local(client.get("/api/users/carol/feed").json()["feedUrl"])
    wrong = feed_url.rsplit("/", 1)[0] + "/not-the-token.xml"
    for url in (wrong, feed_url.replace("/carol/", "/dave/"), "/feeds/carol/.xml"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["success"] is False, url
    rotated = local(client.post("/api/users/carol/feed/rotate").json()["feedUrl"])
    assert rotated != feed_url
    assert client.get(feed_url).status_code == 404
    assert client.get(rotated).status_code == 200


def test_feed_endpoints_require_the_api_key_when_keys_are_set(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(fake_providers, settings.model_copy(update={"api_keys": "k1"}))
    assert client.get("/api/users/alice/feed").status_code == 401
    assert client.post("/api/users/alice/feed/rotate").status_code == 401
    assert client.get("/api/users/alice/feed", headers={"x-api-key": "k1"}).status_code == 200


@pytest.mark.parametrize("user", ["bad user", "x" * 200])
def test_feed_url_for_an_invalid_user_is_a_clear_error(client: TestClient, user: str) -> None:
    response = client.get(f"/api/users/{user}/feed")
    assert response.status_code in (404, 422) and response.json()["success"] is False


def test_m4a_delivery_with_intro_music_end_to_end(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings,
    tmp_path: Path,
) -> None:
    music = tmp_path / "intro.wav"
    rate = 22_050
    t = np.arange(rate * 10) / rate
    with wave.open(str(music), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((0.3 * np.sin(2 * np.pi * 330 * t) * 32767).astype("<i2").tobytes())
    custom = settings.model_copy(update={"audio_format": "m4a", "intro_music": music, "intro_music_lead_ms": 2000,
                                         "intro_music_seconds": 6})
    client, _ = make_client(fake_providers, custom)
    job = make_episode(client, "m4a-user")
    assert job["audioUrl"].endswith(".m4a")
    assert job["transcript"][0]["start"] == pytest.approx(2.0, abs=0.01), "the hosts start after the music's lead"
    assert job["audioDuration"] >= 6 - 0.1, "the bed plays out even under a short episode"
    audio = client.get(local(job["audioUrl"]))
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mp4"
    assert client.get(local(job["chaptersUrl"])).json()["chapters"][0]["startTime"] == 0.0
    feed = feedparser.parse(client.get(local(client.get("/api/users/m4a-user/feed").json()["feedUrl"])).content)
    assert feed.entries[0].enclosures[0].type == "audio/mp4"


def test_feed_tokens_are_kept_out_of_the_access_log() -> None:
    import logging

    from api.feeds import RedactFeedTokens

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/feeds/alice/s3cr3t-T0ken.xml", "1.1", 200), None)
    assert RedactFeedTokens().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/feeds/alice/<token>.xml" in record.getMessage()
