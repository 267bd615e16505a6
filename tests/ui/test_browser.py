"""A real headless Chromium (Debian's, driven by Playwright) against the running service."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_paste_generate_and_play_in_a_real_browser(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(tmp_path / "data") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(base + "/")
            page.get_by_label("Your note").fill(SHORT_NOTE)
            page.get_by_role("button", name="Generate podcast").click()
            seen: set[float] = set()

            def players() -> int:
                seen.update(page.locator('[role="progressbar"]').evaluate_all(
                    "bars => bars.map(b => parseFloat(b.getAttribute('aria-valuenow') || '-1'))"))
                return page.locator("audio[src]").count()

            wait_until(players, bool, timeout=120, every=0.1)
            audio = page.locator("audio[src]")
            assert audio.count() == 1, "the player never appeared"
            assert any(0 < value < 100 for value in seen), f"progress values seen: {sorted(seen)}"
            # load() restarts the element, so only when its metadata has not arrived yet (else duration is NaN)
            audio.evaluate("a => new Promise((ok, bad) => { if (a.readyState >= 1) { ok(); return; } "
                           "a.onloadedmetadata = ok; a.onerror = bad; a.load(); })")
            assert audio.evaluate("a => a.duration") > 5
            page.get_by_text("cling to rocks with hundreds of tiny tube feet").first.wait_for()
            page.screenshot(path=str(ARTIFACTS / "finished-episode.png"), full_page=True)
        finally:
            browser.close()


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
