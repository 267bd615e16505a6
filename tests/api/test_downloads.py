"""Downloads are named after the episode (RFC 6266 / 5987), and playback stays inline."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.media import attachment
from tests.conftest import SHORT_NOTE, wait_for_api_job


@pytest.mark.parametrize(("title", "header"), [
    ("Sourdough for Busy People", "attachment; filename=\"sourdough-for-busy-people.mp3\"; "
                                  "filename*=UTF-8''sourdough-for-busy-people.mp3"),
    ("Crème brûlée, étape 2", "attachment; filename=\"creme-brulee-etape-2.mp3\"; "
                              "filename*=UTF-8''cr%C3%A8me-br%C3%BBl%C3%A9e-%C3%A9tape-2.mp3"),
    ("日本の夏", "attachment; filename=\"episode.mp3\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E3%81%AE%E5%A4%8F.mp3"),
    ('"; evil\r\nSet-Cookie: x', "attachment; filename=\"evil-set-cookie-x.mp3\"; "
                                 "filename*=UTF-8''evil-set-cookie-x.mp3"),
    ("", "attachment; filename=\"episode.mp3\"; filename*=UTF-8''episode.mp3"),
])
def test_a_title_becomes_a_safe_file_name(title: str, header: str) -> None:
    assert attachment(title, ".mp3") == header


def test_media_is_inline_unless_a_download_is_asked_for(client: TestClient) -> None:
    job_id = client.post("/api/podcast/generate/async", json={"noteId": "n", "noteContent": SHORT_NOTE, "userId": "u",
                                                              "title": "Tide Pools: Life at Low Tide"}).json()["jobId"]
    job = wait_for_api_job(client, job_id)
    played = client.get(job["audioUrl"])
    assert played.status_code == 200 and "content-disposition" not in played.headers
    saved = client.get(f"{job['audioUrl']}?download={quote('Tide Pools: Life at Low Tide')}")
    assert saved.content == played.content
    assert saved.headers["content-disposition"].startswith('attachment; filename="tide-pools-life-at-low-tide.mp3"')
    vtt = client.get(f"{job['transcriptUrls']['vtt']}?download=Tide%20Pools")
    assert vtt.headers["content-disposition"].startswith('attachment; filename="tide-pools.vtt"')
    assert client.get(f"{job['audioUrl']}?download={'x' * 301}").status_code == 422
