"""Security fixes over HTTP: retry within the queue limits, control characters, feeds that survive a bad
episode, ids made of dots, Range units we do not know, and per-user caches."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from pipeline.providers import Providers
from pipeline.services import Services
from settings import Settings
from store.models import podcasts_table
from tests.api.test_feeds import local, make_episode
from tests.api.test_jobs_control import ManyTurnsWriter, SlowVoice, body
from tests.fakes import ToneVoices


def test_retry_is_held_to_the_per_user_limit(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(replace(fake_providers, voices=ToneVoices(voice_class=SlowVoice), writer=ManyTurnsWriter()),
                            settings.model_copy(update={"max_queued_per_user": 3}))
    first = [client.post("/api/podcast/generate/async", json=body()).json()["jobId"] for _ in range(3)]
    for job_id in first:
        assert client.post(f"/api/podcast/jobs/{job_id}/cancel").status_code == 200
    for _ in range(3):
        assert client.post("/api/podcast/generate/async", json=body()).status_code == 202
    refused = client.post(f"/api/podcast/jobs/{first[0]}/retry")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert "limit 3" in refused.json()["error"] and refused.json()["success"] is False
    assert client.get(f"/api/podcast/jobs/{first[0]}").json()["job"]["status"] == "cancelled", "nothing changed"
    open_jobs = [job for job in client.get("/api/podcast/jobs/user/u").json()["jobs"]
                 if job["status"] in ("queued", "processing")]
    assert len(open_jobs) == 3


def test_retry_is_held_to_the_global_queue_limit(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    client, _ = make_client(replace(fake_providers, voices=ToneVoices(voice_class=SlowVoice), writer=ManyTurnsWriter()),
                            settings.model_copy(update={"max_queue": 2}))
    cancelled = client.post("/api/podcast/generate/async", json=body(userId="a")).json()["jobId"]
    client.post(f"/api/podcast/jobs/{cancelled}/cancel")
    for user in ("b", "c", "d"):  # one runs, two wait: the queue is full
        client.post("/api/podcast/generate/async", json=body(userId=user))
    refused = client.post(f"/api/podcast/jobs/{cancelled}/retry")
    assert refused.status_code == 429 and "queue is full" in refused.json()["error"]


@pytest.mark.parametrize(("field", "value"), [
    ("title", "Bad\x01title"), ("title", "Two\nlines"), ("title", "C1\x85control"),
    ("noteContent", "A note with a bell\x07 in it."), ("noteContent", "Escape \x1b[31m red"),
])
def test_control_characters_are_refused(client: TestClient, field: str, value: str) -> None:
    answer = client.post("/api/podcast/generate/async", json=body(**{field: value}))
    assert answer.status_code == 422 and answer.json()["success"] is False
    assert "control characters" in answer.json()["fields"][field]


def test_line_breaks_and_tabs_in_a_note_are_fine(client: TestClient) -> None:
    note = "# Heading\r\n\r\nFirst line.\n\tIndented line."
    assert client.post("/api/podcast/generate/async", json=body(noteContent=note)).status_code == 202


def test_one_bad_episode_never_takes_the_feed_down(
    client: TestClient, make_client: Callable[..., tuple[TestClient, Services]], caplog: pytest.LogCaptureFixture
) -> None:
    good, stored_before_checks, broken = (make_episode(client, "erin", note) for note in
                                          ("Good note. Fine.", "Old note. Stored.", "Broken note. Here."))
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    with services.db.write() as conn:  # as a version without the title check could have stored them
        conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == stored_before_checks["podcastId"])
                     .values(title="Bell\x01 and \x0b tab"))
        conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == broken["podcastId"])
                     .values(transcript={"not": "a list"}))
    feed_url = local(client.get("/api/users/erin/feed").json()["feedUrl"])
    with caplog.at_level(logging.WARNING):
        response = client.get(feed_url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = {entry.id: entry.title for entry in parsed.entries}
    assert titles[stored_before_checks["podcastId"]] == "Bell and  tab"
    assert good["podcastId"] in titles and broken["podcastId"] not in titles
    assert f"skipped episode {broken['podcastId']}" in caplog.text


@pytest.mark.parametrize("user", [".", "..", "...."])
def test_ids_made_only_of_dots_are_refused(client: TestClient, user: str) -> None:
    answer = client.post("/api/podcast/generate/async", json=body(userId=user, noteId=user))
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {"userId", "noteId"}
    assert client.get(f"/api/podcast/jobs/user/{user}").status_code in (404, 422)


def test_ids_with_dots_and_other_characters_still_work(client: TestClient) -> None:
    assert client.post("/api/podcast/generate/async", json=body(userId="a.b", noteId=".x.")).status_code == 202


def test_a_range_in_an_unknown_unit_is_ignored(client: TestClient) -> None:
    job = make_episode(client, "frank")
    url = local(job["audioUrl"])
    whole = client.get(url)
    ignored = client.get(url, headers={"Range": "items=0-9"})
    assert ignored.status_code == 200 and ignored.content == whole.content
    partial = client.get(url, headers={"Range": "bytes=0-9"})
    assert partial.status_code == 206 and partial.content == whole.content[:10]


def _voiced_twice(make_client: Callable[..., tuple[TestClient, Services]], providers: Providers,
                  custom: Settings) -> tuple[dict[str, Any], dict[str, Any], int, int]:
    client, services = make_client(providers, custom)
    voice = services.providers.voices
    first = make_episode(client, "alice", "The same note, word for word. Twice.")
    voiced = len(voice.calls)  # type: ignore[attr-defined]
    second = make_episode(client, "bob", "The same note, word for word. Twice.")
    return first, second, voiced, len(voice.calls) - voiced  # type: ignore[attr-defined]


def test_one_user_cannot_tell_what_another_has_voiced(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    from pipeline.cache import SegmentCache

    cache = SegmentCache(settings.data_dir / "cache", 10**9, per_user=True)
    first, second, voiced, again = _voiced_twice(make_client, replace(fake_providers, cache=cache), settings)
    assert again == voiced, "the second user's turns were voiced afresh"
    assert second["segments"] == {"total": first["segments"]["total"], "cached": 0}


def test_a_single_user_install_may_share_the_cache(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    from pipeline.cache import SegmentCache

    cache = SegmentCache(settings.data_dir / "cache", 10**9, per_user=False)
    _, second, _, again = _voiced_twice(make_client, replace(fake_providers, cache=cache), settings)
    assert again == 0 and second["segments"]["cached"] == second["segments"]["total"]


def test_cross_origin_calls_are_allowed_only_for_the_configured_origins(
    make_client: Callable[..., tuple[TestClient, Services]], fake_providers: Providers, settings: Settings
) -> None:
    preflight = {"origin": "https://app.example", "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type,x-api-key"}
    closed, _ = make_client(fake_providers)
    assert "access-control-allow-origin" not in closed.options("/api/podcast/generate/async", headers=preflight).headers
    opened, _ = make_client(fake_providers, settings.model_copy(update={"cors_origins": "https://app.example/",
                                                                         "api_keys": "k1"}))
    answer = opened.options("/api/podcast/generate/async", headers=preflight)
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "https://app.example"
    other = opened.options("/api/podcast/generate/async", headers=preflight | {"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    assert opened.get("/healthz", headers={"origin": "https://app.example"}).headers[
        "access-control-allow-origin"] == "https://app.example"
