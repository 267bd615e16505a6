"""The browser UI through NiceGUI's simulated user: create, live progress, episode, history, access."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from store import feeds, queries, records
from tests.conftest import SHORT_NOTE, wait_for_job
from tests.ui.conftest import fail_first_episode, user_id_of
from tests.waiting import wait_until_async


async def _until(condition: Callable[[], bool], timeout: float = 120) -> None:
    await wait_until_async(condition, bool, timeout, every=0.1)


@pytest.mark.parametrize("ui_app", ["paced"], indirect=True)
async def test_paste_generate_watch_progress_then_play(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    browser.find(marker=None, kind=ui.textarea).type(SHORT_NOTE)
    browser.find("Generate podcast").click()
    await browser.should_see("Generation started")
    await browser.should_see(kind=ui.linear_progress)
    seen: set[float] = set()

    def finished() -> bool:
        # looked up afresh each time: the card re-renders its bar when the job moves from queued to processing
        for bar in browser.find(kind=ui.linear_progress).elements if _has(browser, ui.linear_progress) else ():
            seen.add(round(float(bar.value), 2))
        return _finished_player(browser)

    await _until(finished)
    assert any(0 < value < 1 for value in seen), f"no intermediate progress seen: {sorted(seen)}"
    await browser.should_see("Download MP3")
    await browser.should_see("Copy link")
    await browser.should_see("cling to rocks with hundreds of tiny tube feet")
    user_id = user_id_of(browser)
    [job] = queries.list_for_user(services.db, user_id, 5)
    assert job.status == "completed"
    assert _finished_player(browser)


def _finished_player(user: User) -> bool:
    """The finished episode's player is on the page (not the live preview's, which plays while it is made)."""
    players = user.find(kind=ui.audio).elements if _has(user, ui.audio) else set()
    return any(str(player.props.get("src", "")).startswith("/media/") for player in players)


def _has(user: User, kind: type) -> bool:
    try:
        return bool(user.find(kind=kind).elements)
    except AssertionError:
        return False


async def test_empty_note_shows_the_api_s_validation_message(browser: User) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type("   ")
    browser.find("Generate podcast").click()
    await browser.should_see("The note must not be empty or only whitespace.")
    browser.find(kind=ui.textarea).type("A note with words in it now.")
    await browser.should_not_see("The note must not be empty or only whitespace.")  # no stale error under it


async def test_character_count_is_live(browser: User) -> None:
    await browser.open("/")
    await browser.should_see("0 / 100,000 characters")
    browser.find(kind=ui.textarea).type("hello")
    await browser.should_see("5 / 100,000 characters")


async def test_a_paste_over_the_limit_is_kept_and_explained_and_cannot_be_generated(browser: User) -> None:
    await browser.open("/")
    note = browser.find(kind=ui.textarea)
    note.type("x" * 100_001)
    await browser.should_see("100,001 / 100,000 characters · too long by 1: shorten the note to generate")
    [button] = browser.find("Generate podcast").elements
    assert not button.enabled
    [area] = note.elements
    assert isinstance(area, ui.textarea) and len(area.value) == 100_001  # nothing was cut
    area.value = "x" * 100_000
    await browser.should_see("100,000 / 100,000 characters")
    assert button.enabled


async def test_history_lists_the_job_and_jobs_from_the_api_for_the_same_user(
    browser: User, ui_app: tuple[object, Services]
) -> None:
    services = ui_app[1]
    await browser.open("/episodes")
    await browser.should_see("No episodes yet — paste a note to make your first one.")
    user_id = user_id_of(browser)
    record = services.executor.submit(records.NewJob(user_id=user_id, note_id="api-note", note_content=SHORT_NOTE,
                                                  duration="short", title="From the API")).record
    await asyncio.to_thread(wait_for_job, services, record.job_id)
    await browser.open("/episodes")
    await browser.should_see("From the API")
    browser.find(marker="episode-link").click()
    await browser.should_see("Transcript")
    await browser.should_see("Download MP3")


async def test_one_browser_cannot_see_another_s_episode(ui_app: tuple[Callable, Services]) -> None:
    new_browser, services = ui_app
    owner, stranger = await new_browser(), await new_browser()
    await owner.open("/")
    owner_id = user_id_of(owner)
    record = services.executor.submit(records.NewJob(user_id=owner_id, note_id="n", note_content=SHORT_NOTE,
                                                  duration="short", title="Private episode")).record
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    await owner.open(f"/episodes/{finished.podcast_id}")
    await owner.should_see("Private episode")
    page = await stranger.http_client.get(f"/episodes/{finished.podcast_id}")
    assert page.status_code == 404 and "Episode not found" in page.text and "Private episode" not in page.text
    await stranger.open("/episodes")
    await stranger.should_not_see("Private episode")
    assert user_id_of(stranger) != owner_id


async def test_a_script_tag_in_a_note_renders_as_text(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    # a script element is markup to leave out; a tag that is no HTML element stays, and shows as text
    note = "# Safety\n\nThis note says <script>alert('x')</script> and <svg onload=alert('y')> out loud. It is text."
    browser.find(kind=ui.textarea).type(note)
    browser.find("Generate podcast").click()
    await _until(lambda: _finished_player(browser))
    await browser.should_see("note says and <svg onload=alert('y')> out loud.")
    assert queries.list_for_user(services.db, user_id_of(browser), 1)[0].status == "completed"


@pytest.mark.parametrize("ui_app", [{"ui_password": "open sesame"}], indirect=True)
async def test_pages_need_the_password_when_it_is_set(browser: User) -> None:
    await browser.open("/episodes")
    await browser.should_see("Sign in to Notecast")
    browser.find("Password").type("wrong")
    browser.find(kind=ui.button, content="Sign in").click()
    await browser.should_see("Wrong password")
    browser.find("Password").clear().type("open sesame")
    browser.find(kind=ui.button, content="Sign in").click()
    await browser.should_see("Your episodes")


@pytest.mark.parametrize("ui_app", ["flaky"], indirect=True)
async def test_a_failed_job_shows_its_error_and_try_again_works(browser: User) -> None:
    await fail_first_episode(browser)
    browser.find(kind=ui.button, content="Try again").click()
    await _until(lambda: _finished_player(browser))
    await browser.should_see("cling to rocks with hundreds of tiny tube feet")


async def test_episode_shows_chapters_and_transcript_downloads(
    browser: User, ui_app: tuple[object, Services]
) -> None:
    services = ui_app[1]
    await browser.open("/")
    record = services.executor.submit(records.NewJob(user_id=user_id_of(browser), note_id="n", note_content=SHORT_NOTE,
                                                  duration="short", title="Chaptered")).record
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    await browser.open(f"/episodes/{finished.podcast_id}")
    await browser.should_see("Transcript & chapters")
    vtt = browser.find(marker="download-vtt").elements.pop()
    assert vtt.props["href"] == f"/media/{finished.podcast_id}.vtt?download=Chaptered"
    mp3 = next(button for button in browser.find(kind=ui.button).elements if button.props.get("href"))
    assert mp3.props["href"] == f"/media/{finished.podcast_id}.mp3?download=Chaptered"
    sections = {line["section"] for line in finished.transcript or []}
    chips = [chip.text for chip in browser.find(kind=ui.chip).elements]
    assert len(chips) == len(sections) and "0:00 Intro" in chips


async def test_feed_address_is_shown_and_can_be_replaced(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/episodes")
    await browser.should_see("Podcast feed")
    user_id = user_id_of(browser)
    address = browser.find(marker="feed-url").elements.pop()
    first = str(address.value)
    assert first.startswith(f"{services.settings.public_base_url}/feeds/{user_id}/") and first.endswith(".xml")
    browser.find(marker="feed-rotate").click()
    browser.find(marker="feed-rotate-confirm").click()
    await browser.should_see("New feed address made; the old one no longer works")
    assert address.value != first
    token = str(address.value).rsplit("/", 1)[-1].removesuffix(".xml")
    assert feeds.is_valid(services.db, user_id, token)
    assert not feeds.is_valid(services.db, user_id, first.rsplit("/", 1)[-1].removesuffix(".xml"))
