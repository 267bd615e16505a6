"""Renaming, sharing and deleting episodes, dismissing failed jobs, and naming the feed, over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from pipeline.providers import Providers
from pipeline.services import Services
from settings import Settings
from store import queries
from tests.api.test_feeds import local, make_episode
from tests.conftest import wait_for_api_job
from tests.fakes import FailOnceWriter

NOTE = "# Sourdough\nA starter needs flour and water. Feed it daily. It doubles in four hours."


def feed_of(client: TestClient, user: str) -> Any:
    parsed = feedparser.parse(client.get(local(client.get(f"/api/users/{user}/feed").json()["feedUrl"])).content)
    assert not parsed.bozo
    return parsed


def test_rename_changes_the_title_everywhere(client: TestClient) -> None:
    job = make_episode(client, "ren", NOTE)
    renamed = client.patch(f"/api/podcast/{job['podcastId']}", json={"title": "  Bread, slowly  "})
    assert renamed.status_code == 200 and renamed.json()["podcast"]["title"] == "Bread, slowly"
    assert client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]["title"] == "Bread, slowly"
    assert [entry.title for entry in feed_of(client, "ren").entries] == ["Bread, slowly"]


@pytest.mark.parametrize("title", ["", "   ", "two\nlines", "x" * 201])
def test_a_bad_title_is_a_422_in_our_shape(client: TestClient, title: str) -> None:
    job = make_episode(client, "ren2")
    response = client.patch(f"/api/podcast/{job['podcastId']}", json={"title": title})
    assert response.status_code == 422 and response.json()["success"] is False and "title" in response.json()["fields"]
    assert client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]["title"] != title


def test_managing_a_missing_episode_is_a_404(client: TestClient) -> None:
    for response in (client.patch("/api/podcast/nope", json={"title": "T"}), client.delete("/api/podcast/nope"),
                     client.post("/api/podcast/nope/share"), client.delete("/api/podcast/nope/share")):
        assert response.status_code == 404 and response.json() == {"success": False, "error": "Podcast not found"}


def test_delete_removes_the_episode_its_files_its_job_and_its_feed_item(client: TestClient) -> None:
    kept, gone = make_episode(client, "del", "A note to keep. Two sentences."), make_episode(client, "del", NOTE)
    urls = [gone["audioUrl"], *gone["transcriptUrls"].values(), gone["chaptersUrl"]]
    assert all(client.get(local(url)).status_code == 200 for url in urls)

    response = client.delete(f"/api/podcast/{gone['podcastId']}")
    assert response.status_code == 200 and response.json() == {"success": True, "podcastId": gone["podcastId"]}
    assert [client.get(local(url)).status_code for url in urls] == [404] * len(urls)
    assert client.get(f"/api/podcast/{gone['podcastId']}").status_code == 404
    assert client.get(f"/api/podcast/jobs/{gone['jobId']}").status_code == 404
    assert [job["jobId"] for job in client.get("/api/podcast/jobs/user/del").json()["jobs"]] == [kept["jobId"]]
    assert [entry.id for entry in feed_of(client, "del").entries] == [kept["podcastId"]]
    assert client.get(local(kept["audioUrl"])).status_code == 200
    assert client.delete(f"/api/podcast/{gone['podcastId']}").status_code == 404


def test_share_link_is_stable_until_revoked(client: TestClient) -> None:
    job = make_episode(client, "sharer")
    assert "shareUrl" not in client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]
    first = client.post(f"/api/podcast/{job['podcastId']}/share").json()["podcast"]["shareUrl"]
    assert first.startswith("http://testserver/share/") and len(first.rsplit("/", 1)[1]) >= 32
    assert client.post(f"/api/podcast/{job['podcastId']}/share").json()["podcast"]["shareUrl"] == first
    assert client.get(f"/api/podcast/{job['podcastId']}").json()["podcast"]["shareUrl"] == first
    revoked = client.delete(f"/api/podcast/{job['podcastId']}/share")
    assert revoked.status_code == 200 and "shareUrl" not in revoked.json()["podcast"]
    again = client.post(f"/api/podcast/{job['podcastId']}/share").json()["podcast"]["shareUrl"]
    assert again != first, "a revoked link never comes back"


def test_dismiss_removes_a_failed_job_but_not_others(make_client: Callable[..., tuple[TestClient, Services]],
                                                      fake_providers: Providers) -> None:
    client, _ = make_client(replace(fake_providers, writer=FailOnceWriter(fake_providers.writer)))
    body = {"noteId": "n", "noteContent": NOTE, "userId": "dis", "duration": "short"}
    failed = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=body).json()["jobId"])
    done = wait_for_api_job(client, client.post("/api/podcast/generate/async", json=body).json()["jobId"])
    assert (failed["status"], done["status"]) == ("failed", "completed")

    refused = client.post(f"/api/podcast/jobs/{done['jobId']}/dismiss")
    assert refused.status_code == 409 and "only failed or cancelled" in refused.json()["error"]
    dismissed = client.post(f"/api/podcast/jobs/{failed['jobId']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.json() == {"success": True, "jobId": failed["jobId"]}
    assert client.get(f"/api/podcast/jobs/{failed['jobId']}").status_code == 404
    assert client.post(f"/api/podcast/jobs/{failed['jobId']}/dismiss").status_code == 404
    assert client.get(f"/api/podcast/jobs/{done['jobId']}").json()["job"]["status"] == "completed"


def test_feed_is_named_and_its_items_carry_show_notes(client: TestClient) -> None:
    make_episode(client, "named", NOTE)
    assert feed_of(client, "named").feed.title == "Notecast — My episodes"
    answer = client.patch("/api/users/named/feed", json={"name": "Kitchen notes"}).json()
    assert answer["title"] == "Notecast — Kitchen notes" and answer["name"] == "Kitchen notes"
    client.post("/api/users/named/feed/rotate")  # a new address keeps the name
    parsed = feed_of(client, "named")
    assert parsed.feed.title == "Notecast — Kitchen notes"
    notes = parsed.entries[0].description
    assert notes.startswith(parsed.entries[0].title)
    assert "Chapters:\n0:00 Intro\n" in notes and "From the note: A starter needs flour and water." in notes
    cleared = client.patch("/api/users/named/feed", json={"name": ""}).json()
    assert cleared["title"] == "Notecast — My episodes" and cleared["name"] is None
    bad = client.patch("/api/users/named/feed", json={"name": "a\nb"})
    assert bad.status_code == 422 and bad.json()["fields"]["name"]


def test_management_needs_the_key_when_keys_are_set(make_client: Callable[..., tuple[TestClient, Services]],
                                                    fake_providers: Providers, settings: Settings) -> None:
    client, services = make_client(fake_providers, settings.model_copy(update={"api_keys": "k1"}))
    job = make_episode_keyed(client, "k1")
    calls = [("patch", f"/api/podcast/{job['podcastId']}", {"title": "T"}),
             ("post", f"/api/podcast/{job['podcastId']}/share", None),
             ("delete", f"/api/podcast/{job['podcastId']}/share", None),
             ("post", f"/api/podcast/jobs/{job['jobId']}/dismiss", None),
             ("patch", "/api/users/keyed/feed", {"name": "N"}),
             ("delete", f"/api/podcast/{job['podcastId']}", None)]
    for method, url, payload in calls:
        response = client.request(method, url, json=payload)
        assert response.status_code == 401 and response.json()["success"] is False, url
    assert queries.get_podcast(services.db, job["podcastId"]) is not None
    assert client.delete(f"/api/podcast/{job['podcastId']}", headers={"x-api-key": "k1"}).status_code == 200


def make_episode_keyed(client: TestClient, key: str) -> dict[str, Any]:
    job_id = client.post("/api/podcast/generate/async", headers={"x-api-key": key}, json={
        "noteId": "n1", "noteContent": NOTE, "userId": "keyed", "duration": "short"}).json()["jobId"]
    job = wait_for_api_job(client, job_id)
    assert job["status"] == "completed", job
    return job
