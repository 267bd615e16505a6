"""axe-core (from npm, injected into the page) on every kind of page in light and dark (with the script editor
open: a job's awaiting review on the history page, and a finished episode's on its page), and the transcript
used from the keyboard, in a real Chromium against the running service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, SHORT_NOTE
from tests.server import running_server, wait_for_job_at
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.waiting import wait_until

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed: `make test` installs tests/js with npm"),
]


def violations(page: Any) -> list[str]:
    """The critical and serious axe findings on the page as it is now, one readable line each."""
    # colours are measured as drawn: let fades and transitions finish first
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"{v['impact']} {v['id']}: {v['help']} — " + " | ".join(
        f"{node['html'][:160]} ({' '.join(node.get('failureSummary', '').split())[:200]})" for node in v["nodes"][:4])
        for v in found if v["impact"] in BLOCKING]


def make_episode(base: str, user_id: str) -> dict[str, Any]:
    answer = httpx.post(f"{base}/api/podcast/generate/async", json={
        "noteId": "a11y", "noteContent": SHORT_NOTE, "userId": user_id, "title": "Sea stars", "format": "brief"})
    assert answer.status_code == 202, answer.text
    job = wait_for_job_at(base, answer.json()["jobId"], timeout=300)
    assert job["status"] == "completed", job
    return job


def test_every_page_passes_axe_in_light_and_dark_and_the_transcript_works_by_keyboard(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with running_server(tmp_path / "data") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"])
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 900})
            context.add_init_script(path=str(AXE))  # before the page's scripts, outside its CSP
            page = context.new_page()
            page.goto(base + "/")
            user_id = page.get_by_label("Your user id").inner_text().removeprefix("Your user id: ").strip()
            job = make_episode(base, user_id)
            share_url = httpx.post(f"{base}/api/podcast/{job['podcastId']}/share").json()["podcast"]["shareUrl"]
            pages = {"create": "/", "history": "/episodes", "episode": f"/episodes/{job['podcastId']}",
                     "share": share_url.removeprefix(base)}
            # a job awaiting review puts the script editor on the history page
            review = httpx.post(f"{base}/api/podcast/generate/async", json={
                "noteId": "a11y-review", "noteContent": SHORT_NOTE, "userId": user_id, "review": True}).json()
            wait_for_job_at(base, review["jobId"], lambda job: job["status"] == "awaiting_review")

            found: dict[str, list[str]] = {}
            for theme in ("light", "dark"):
                if theme == "dark":
                    page.get_by_label("Dark mode").click()
                    wait_until(lambda: page.evaluate("() => document.body.classList.contains('body--dark')"), bool)
                for name, path in pages.items():
                    page.goto(base + path)
                    page.get_by_role("heading", level=1).first.wait_for()
                    if name in ("episode", "share"):
                        page.get_by_text("Transcript", exact=True).first.wait_for()
                    if name == "history":
                        page.get_by_label("Line 1", exact=True).first.wait_for()  # the script editor is there
                    if name == "episode":  # and here, for the finished episode, with a line changed
                        page.get_by_role("button", name="Edit the script").click()
                        page.get_by_label("Line 1", exact=True).fill("An edited first line.")
                    assert page.evaluate("() => document.body.classList.contains('body--dark')") == (theme == "dark")
                    found[f"{name} ({theme})"] = violations(page)
            report = [f"{where}: {problem}" for where, problems in found.items() for problem in problems]
            assert not report, "\n".join(report)

            page.goto(base + pages["share"])
            lines = page.locator('[data-testid="transcript-line"], .transcript-line')
            lines.first.wait_for()
            assert lines.count() == len(job["transcript"])
            assert lines.nth(1).get_attribute("role") == "button"
            assert job["transcript"][1]["text"] in (lines.nth(1).inner_text()), "a line is named by what it says"
            lines.nth(1).focus()
            outline = lines.nth(1).evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none", "a focused line shows where the keyboard is"
            page.keyboard.press("Enter")
            audio = page.locator("audio")
            second = job["transcript"][1]["start"]
            wait_until(lambda: audio.evaluate("a => [a.paused, a.currentTime]"),
                       lambda state: state[0] is False and state[1] >= second - 0.25, timeout=20)
            wait_until(lambda: lines.nth(1).get_attribute("aria-current"), lambda value: value == "true", timeout=20)
            assert "transcript-playing" in (lines.nth(1).get_attribute("class") or "")
            last = len(job["transcript"]) - 1
            lines.nth(last).focus()
            page.keyboard.press("Space")
            wait_until(lambda: audio.evaluate("a => a.currentTime"),
                       lambda at: at >= job["transcript"][last]["start"] - 0.25, timeout=20)
        finally:
            browser.close()
