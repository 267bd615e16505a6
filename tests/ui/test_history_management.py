"""Managing the history in the browser: rename, share, delete, dismiss, search, feed name, another device."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from store import feeds, links, podcasts, queries, records
from tests.conftest import SHORT_NOTE, wait_for_job
from tests.ui.conftest import fail_first_episode, user_id_of
from tests.waiting import wait_until_async


async def episode_of(browser: User, services: Services, title: str) -> records.JobRecord:
    """A finished episode of this browser's user, made through the executor."""
    record = services.executor.submit(records.NewJob(user_id=user_id_of(browser), note_id="n",
                                                     note_content=SHORT_NOTE, duration="short", title=title)).record
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    assert finished.status == "completed" and finished.podcast_id
    return finished


async def status_and_text(browser: User, path: str) -> tuple[int, str]:
    response = await browser.http_client.get(path)
    return response.status_code, response.text


async def test_rename_then_delete_an_episode(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    finished = await episode_of(browser, services, "First name")
    podcast_id = str(finished.podcast_id)
    await browser.open(f"/episodes/{podcast_id}")
    browser.find(marker="rename").click()
    browser.find("Title").clear().type("Second name")
    browser.find(marker="rename-save").click()
    await wait_until_async(lambda: queries.get_podcast(services.db, podcast_id), lambda p: p["title"] == "Second name")
    await browser.open(f"/episodes/{podcast_id}")
    await browser.should_see("Second name")

    audio = services.providers.media.served_from(f"{podcast_id}.mp3")
    assert not isinstance(audio, str) and audio.is_file()
    browser.find(marker="delete").click()
    await browser.should_see("cannot be undone")
    browser.find(marker="delete-confirm").click()
    await wait_until_async(lambda: queries.get_podcast(services.db, podcast_id), lambda p: p is None)
    assert not audio.exists()
    status, page = await status_and_text(browser, f"/episodes/{podcast_id}")
    assert status == 404 and "Episode not found" in page


async def test_another_browser_gets_a_404_for_a_private_episode(ui_app: tuple[Callable, Services]) -> None:
    new_browser, services = ui_app
    owner, stranger = await new_browser(), await new_browser()
    await owner.open("/")
    finished = await episode_of(owner, services, "Private episode")
    await stranger.open("/")
    status, page = await status_and_text(stranger, f"/episodes/{finished.podcast_id}")
    assert status == 404 and "Episode not found" in page and "Private episode" not in page


async def test_a_share_link_plays_for_anyone_until_it_is_turned_off(ui_app: tuple[Callable, Services]) -> None:
    new_browser, services = ui_app
    owner, stranger = await new_browser(), await new_browser()
    await owner.open("/")
    finished = await episode_of(owner, services, "Kelp forest")
    await owner.open("/")
    await episode_of(owner, services, "Not shared")
    await owner.open(f"/episodes/{finished.podcast_id}")
    owner.find(marker="share").click()
    await owner.should_see(marker="share-url")
    token = queries.get_podcast(services.db, str(finished.podcast_id))["share_token"]  # type: ignore[index]
    assert token and len(token) >= 32

    await stranger.open(f"/share/{token}")
    await stranger.should_see("Kelp forest")
    await stranger.should_see("cling to rocks with hundreds of tiny tube feet")
    await stranger.should_not_see("Not shared")
    await stranger.should_not_see("Podcast feed")
    await stranger.should_not_see(marker="rename")

    owner.find(marker="share-stop").click()
    await owner.should_see("The share link no longer works")
    status, page = await status_and_text(stranger, f"/share/{token}")
    assert status == 404 and "Kelp forest" not in page
    assert (await status_and_text(stranger, "/share/never-made"))[0] == 404


@pytest.mark.parametrize("ui_app", ["flaky"], indirect=True)
async def test_a_failed_job_can_be_dismissed(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await fail_first_episode(browser)
    failed = queries.list_for_user(services.db, user_id_of(browser), 1)[0]
    assert failed.status == "failed"
    browser.find(marker="dismiss").click()
    await browser.should_see("Removed from your history")
    assert queries.get(services.db, failed.job_id) is None
    await browser.open("/episodes")
    await browser.should_not_see("The script writer is unavailable right now")


async def test_the_history_can_be_searched_by_title(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    await episode_of(browser, services, "Octopus facts")
    await episode_of(browser, services, "Sea star facts")
    await browser.open("/episodes")
    def link_titled(title: str) -> ui.element:
        return next(link for link in browser.find(marker="episode-link").elements
                    if any(getattr(child, "text", None) == title for child in link.descendants()))

    cards = {title: link_titled(title) for title in ("Octopus facts", "Sea star facts")}

    def visible(title: str) -> bool:
        return all(element.visible for element in cards[title].ancestors())

    browser.find(marker="history-search").type("OCTO")
    await wait_until_async(lambda: (visible("Octopus facts"), visible("Sea star facts")), lambda v: v == (True, False))
    browser.find(marker="history-search").clear().type("whale")
    await browser.should_see("No episode has that in its title.")
    browser.find(marker="history-search").clear()
    await wait_until_async(lambda: visible("Octopus facts") and visible("Sea star facts"), bool)


async def test_the_feed_can_be_named(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/episodes")
    browser.find(marker="feed-name").type("Kitchen notes")
    browser.find(marker="feed-name-save").click()
    await browser.should_see("Podcast apps will show “Notecast — Kitchen notes”")
    assert feeds.name_of(services.db, user_id_of(browser)) == "Kitchen notes"


async def test_a_one_time_code_opens_the_history_on_another_browser(ui_app: tuple[Callable, Services]) -> None:
    new_browser = ui_app[0]
    phone, laptop, thief = await new_browser(), await new_browser(), await new_browser()
    await phone.open("/episodes")
    phone_id = user_id_of(phone)
    await phone.should_see("This browser's episodes are kept under a private id")
    phone.find(marker="make-code").click()
    await phone.should_see(marker="link-code")
    code = phone.find(marker="link-code").elements.pop().text
    assert len(links.normalise(code)) == 10

    await laptop.open("/episodes")
    assert user_id_of(laptop) != phone_id
    laptop.find(marker="code-input").type(code.lower())
    laptop.find(marker="use-code").click()
    await laptop.should_see("This browser now shows your history from the other device")
    await laptop.open("/episodes")
    assert user_id_of(laptop) == phone_id

    await thief.open(f"/link/{links.normalise(code)}")  # used once already
    thief.find(marker="use-link").click()
    await thief.should_see("That code is wrong, used or expired.")
    await thief.open("/episodes")
    assert user_id_of(thief) != phone_id


@pytest.mark.parametrize("ui_app", [{"ui_password": "open sesame"}], indirect=True)
async def test_a_share_link_needs_no_password_but_the_history_does(ui_app: tuple[Callable, Services]) -> None:
    new_browser, services = ui_app
    stranger = await new_browser()
    record = services.executor.submit(records.NewJob(user_id="someone", note_id="n", note_content=SHORT_NOTE,
                                                     duration="short", title="Tide pools")).record
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    token = podcasts.share(services.db, str(finished.podcast_id))
    await stranger.open(f"/share/{token}")
    await stranger.should_see("Tide pools")
    await stranger.should_not_see("Sign in to Notecast")
    await stranger.open("/episodes")
    await stranger.should_see("Sign in to Notecast")
