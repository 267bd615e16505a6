"""A real headless Chromium (Debian's, driven by Playwright) against the running service."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHORT_NOTE
from tests.server import running_server
from tests.waiting import wait_until

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@contextmanager
def served_page(tmp_path: Path, *args: str) -> Iterator[tuple[str, Any]]:
    """A running service and a Chromium page (1100×900) on it; extra Chromium `args` are added."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(tmp_path / "data") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *args])
        try:
            yield base, browser.new_page(viewport={"width": 1100, "height": 900})
        finally:
            browser.close()


def test_paste_generate_and_play_in_a_real_browser(tmp_path: Path) -> None:
    with served_page(tmp_path) as (base, page):
        page.goto(base + "/")
        page.get_by_label("Your note").fill(SHORT_NOTE)
        page.get_by_role("button", name="Generate podcast").click()
        seen: set[float] = set()

        def players() -> int:
            seen.update(page.locator('[role="progressbar"]').evaluate_all(
                "bars => bars.map(b => parseFloat(b.getAttribute('aria-valuenow') || '-1'))"))
            return page.locator('audio[src^="/media/"]').count()

        wait_until(players, bool, timeout=120, every=0.1)
        audio = page.locator('audio[src^="/media/"]')
        assert audio.count() == 1, "the player never appeared"
        assert any(0 < value < 100 for value in seen), f"progress values seen: {sorted(seen)}"
        # load() restarts the element, so only when its metadata has not arrived yet (else duration is NaN)
        audio.evaluate("a => new Promise((ok, bad) => { if (a.readyState >= 1) { ok(); return; } "
                       "a.onloadedmetadata = ok; a.onerror = bad; a.load(); })")
        assert audio.evaluate("a => a.duration") > 5
        page.get_by_text("cling to rocks with hundreds of tiny tube feet").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "finished-episode.png"), full_page=True)


def test_the_api_docs_work_with_the_network_blocked(tmp_path: Path) -> None:
    from playwright.sync_api import Route, sync_playwright

    blocked: list[str] = []

    def loopback_only(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with running_server(tmp_path / "data") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", loopback_only)
            page.goto(base + "/docs")
            page.get_by_text("/api/podcast/generate/async").first.wait_for(timeout=30_000)
            page.goto(base + "/redoc")
            page.get_by_text("Queue a note for generation").first.wait_for(timeout=30_000)
            assert blocked == [], f"the docs reached for other sites: {blocked}"
        finally:
            browser.close()


def test_review_edit_approve_then_edit_the_finished_episode(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    with served_page(tmp_path) as (base, page):
        page.goto(base + "/")
        page.get_by_label("Your note").fill(SHORT_NOTE)
        page.get_by_text("Let me review the script first").click()
        page.get_by_role("button", name="Generate podcast").click()
        first_line = page.get_by_label("Line 1", exact=True)
        first_line.wait_for(timeout=120_000)
        deleted = page.get_by_label("Line 2", exact=True).input_value()
        first_line.fill("Welcome to the reviewed tide pool episode.")
        page.get_by_role("button", name="Delete line 2", exact=True).click()
        expect(page.get_by_text("1 line to voice · 1 deleted")).to_be_visible()
        page.get_by_role("button", name="Approve and voice").click()
        page.locator('audio[src^="/media/"]').first.wait_for(timeout=180_000)
        spoken = page.get_by_role("button", name="Welcome to the reviewed tide pool episode.")
        expect(spoken.first).to_be_visible(timeout=30_000)
        assert page.get_by_text(deleted, exact=True).count() == 0, "the deleted line was voiced"

        page.get_by_role("link", name="Episode page").click()
        page.wait_for_url("**/episodes/*")
        episode_url = page.url
        page.get_by_role("button", name="Edit the script").click()
        page.get_by_label("Line 1", exact=True).fill("Welcome back: this is version two.")
        page.get_by_role("button", name="Play line 1", exact=True).click()
        preview = page.locator('audio[src^="/previews/"]')
        preview.wait_for(timeout=60_000)
        preview.evaluate("a => new Promise((ok, bad) => { if (a.readyState >= 1) { ok(); return; } "
                         "a.onloadedmetadata = ok; a.onerror = bad; a.load(); })")
        assert preview.evaluate("a => a.duration") > 0.5, "the line's preview does not play"
        page.get_by_role("button", name="Voice 1 changed line").click()
        page.wait_for_url("**/episodes", timeout=30_000)
        page.locator('audio[src^="/media/"]').first.wait_for(timeout=180_000)  # the edit's card reaches its player
        page.goto(episode_url)
        expect(page.get_by_text("version 2 made", exact=False)).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Welcome back: this is version two.").first).to_be_visible()
        expect(page.get_by_text("Earlier versions (1)")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "edited-episode.png"), full_page=True)



def test_a_listener_starts_before_the_job_completes_and_goes_on_with_the_final_file(tmp_path: Path) -> None:
    import httpx

    note = (ROOT / "bench" / "medium_note.md").read_text()
    with served_page(tmp_path, "--autoplay-policy=no-user-gesture-required") as (base, page):
        page.goto(base + "/episodes")
        user_id = page.get_by_label("Your user id").inner_text().removeprefix("Your user id: ").strip()
        job_id = httpx.post(f"{base}/api/podcast/generate/async", json={
            "noteId": "listen-early", "noteContent": note, "userId": user_id, "duration": "medium"}).json()["jobId"]

        def job() -> dict[str, object]:
            return dict(httpx.get(f"{base}/api/podcast/jobs/{job_id}").json()["job"])

        page.reload()
        preview = page.locator('audio[aria-label="The episode so far"]')
        preview.wait_for(timeout=60_000)
        assert job()["status"] == "processing"
        preview.evaluate("a => a.play()")
        wait_until(lambda: preview.evaluate("a => a.currentTime"), lambda at: at > 5, timeout=60, every=0.2)
        assert job()["status"] == "processing", "the job ended before five seconds of its preview were heard"
        page.locator(".transcript-line").first.wait_for()  # the lines voiced so far are listed

        wait_until(job, lambda found: found["status"] == "completed", timeout=180, every=0.5)
        final = page.locator('audio[src^="/media/"]')
        final.wait_for(timeout=30_000)
        assert preview.count() == 0, "the preview player was replaced"
        state = wait_until(lambda: final.evaluate("a => [a.currentTime, a.paused]"),
                           lambda found: found[0] > 5 and not found[1], timeout=30, every=0.2)
        assert state[0] > 5, "the final file went on from where the preview was"
        page.screenshot(path=str(ARTIFACTS / "preview-then-final.png"), full_page=True)
