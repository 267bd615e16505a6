"""Titles and headings are data: planted through the API into a real browser's history, none of them may run as
script on any page, and each must show literally. The pages must also work under their Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import running_server, wait_for_job_at
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]

# Each one sets window.pwned (or opens a dialog) if it is ever treated as markup, a prop or a template.
HOSTILE_TITLES = [
    'Boxes" :data-x="window.pwned=1" y="',
    "Quote' :title='window.pwned=2' z='",
    '<img src=x onerror="window.pwned=3"> and <script>window.pwned=4</script>',
]
HOSTILE_HEADINGS = [
    '{{ constructor.constructor("window.pwned=5")() }} mustache',
    'Link" :href="javascript:window.pwned=6" x="',
    "Tag <svg onload=alert(7)> end",
]


def _note(headings: list[str]) -> str:
    return "\n\n".join(f"## {heading}\n\nThis part of the note is short. It still has a second sentence."
                       for heading in headings)


def _plant(base: str, user_id: str) -> list[dict[str, Any]]:
    job_ids = []
    for index, title in enumerate(HOSTILE_TITLES):
        answer = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": f"hostile-{index}", "noteContent": _note(HOSTILE_HEADINGS), "userId": user_id, "title": title})
        assert answer.status_code == 202, answer.text
        job_ids.append(answer.json()["jobId"])
    finished = [wait_for_job_at(base, job_id, timeout=240) for job_id in job_ids]
    assert [job["status"] for job in finished] == ["completed"] * len(job_ids), finished
    return finished


def _assert_nothing_ran(page: Any, dialogs: list[str]) -> None:
    # checked on every page: each navigation starts a fresh window
    assert page.evaluate("() => window.pwned") is None, f"a payload ran on {page.url}"
    assert dialogs == [], f"dialogs opened: {dialogs}"


def _has_label_around(page: Any, start: str, end: str) -> bool:
    return bool(page.evaluate(
        "([start, end]) => [...document.querySelectorAll('[aria-label]')].some(e => "
        "e.getAttribute('aria-label').startsWith(start) && e.getAttribute('aria-label').endsWith(end))",
        [start, end]))


def test_hostile_titles_and_headings_show_as_text_and_never_run(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with running_server(tmp_path / "data") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            violations: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.goto(base + "/")
            footer = page.get_by_label("Your user id").inner_text()
            user_id = footer.removeprefix("Your user id: ").strip()
            episodes = _plant(base, user_id)

            page.goto(base + "/episodes")
            for title in HOSTILE_TITLES:
                page.get_by_text(title, exact=True).wait_for()
                assert page.get_by_role("link", name=title).count() == 1, "the link is named by the title, literally"
            _assert_nothing_ran(page, dialogs)
            for episode in episodes:
                page.goto(f"{base}/episodes/{episode['podcastId']}")
                page.get_by_text("Transcript", exact=True).first.wait_for()
                shown = page.locator("body").inner_text()
                assert episode["title"] in shown
                # chapter titles as the writer made them from the headings (it tidies spaces, not markup)
                chapters = {line["section"] for line in episode["transcript"]} - {"Intro", "Outro"}
                assert len(chapters) == len(HOSTILE_HEADINGS) and all("<" in c or "pwned" in c for c in chapters)
                for chapter in chapters:
                    assert _has_label_around(page, "Play chapter ", f" {chapter}"), f"chapter chip for {chapter!r}"
                    assert chapter in shown
                _assert_nothing_ran(page, dialogs)
            page.goto(base + "/")
            page.get_by_label("Your user id").wait_for()
            _assert_nothing_ran(page, dialogs)
            assert violations == [], f"the pages break their own Content-Security-Policy: {violations[:3]}"
        finally:
            browser.close()


def test_pages_cannot_be_framed_and_send_security_headers(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as base:
        for path in ("/", "/episodes", "/healthz", "/api/podcast/jobs/nope", "/docs"):
            headers = httpx.get(base + path).headers
            assert headers["x-content-type-options"] == "nosniff", path
            assert headers["referrer-policy"] == "same-origin", path
            assert headers["x-frame-options"] == "DENY", path
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        page = httpx.get(base + "/")
        assert '<html lang="en-US"' in page.text
        page_policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in page_policy and "object-src 'none'" in page_policy
        docs_policy = httpx.get(base + "/docs").headers["content-security-policy"]
        assert "https:" not in page_policy + docs_policy, "nothing, not even the API docs, loads from another site"
