"""The script editor on an episode's page: change, insert, move, delete and undo lines, play one line, and voice
the changes as the episode's next version."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from pipeline.services import Services
from store import queries, records
from tests.conftest import SHORT_NOTE, wait_for_job
from tests.fakes import ToneVoices
from tests.ui.conftest import user_id_of
from tests.waiting import wait_until_async

pytestmark = pytest.mark.parametrize("ui_app", ["builtin"], indirect=True)


async def finished_episode(browser: User, services: Services) -> dict[str, Any]:
    await browser.open("/")
    new = records.NewJob(user_id=user_id_of(browser), note_id="n", note_content=SHORT_NOTE, duration="short",
                         title="Editable")
    done = await asyncio.to_thread(wait_for_job, services, services.executor.submit(new).record.job_id)
    assert done.status == "completed" and done.podcast_id
    podcast = queries.get_podcast(services.db, done.podcast_id)
    assert podcast is not None
    return podcast


def in_order(browser: User, marker: str) -> list[Any]:
    return sorted(browser.find(marker=marker).elements, key=lambda element: element.id)


def click(browser: User, element: Any) -> None:
    UserInteraction(browser, {element}, None).click()


async def test_edits_to_a_finished_episode_become_version_two(browser: User, ui_app: tuple[object, Services]
                                                              ) -> None:
    services = ui_app[1]
    podcast = await finished_episode(browser, services)
    written = [line["text"] for line in podcast["transcript"]]
    await browser.open(f"/episodes/{podcast['podcast_id']}")
    browser.find(marker="edit-script").click()
    await browser.should_see("No changes yet")

    with browser.client:
        in_order(browser, "script-line")[0].value = "A new opening line."
    click(browser, in_order(browser, "script-insert")[0])  # a new second line
    with browser.client:
        in_order(browser, "script-line")[1].value = "An added line."
    await browser.should_see("2 lines to voice")
    click(browser, in_order(browser, "script-delete")[-1])
    click(browser, in_order(browser, "script-down")[2])  # moved, then taken back
    click(browser, browser.find(marker="script-undo").elements.pop())
    await browser.should_see("2 lines to voice · 1 deleted")
    assert [line.value for line in in_order(browser, "script-line")][:3] == [
        "A new opening line.", "An added line.", written[1]], "undo put the moved line back"

    browser.find("Voice 2 changed lines").click()
    await browser.should_see("Your episodes", retries=50)
    edit = queries.list_for_user(services.db, user_id_of(browser), 1)[0]
    assert edit.edit_version == 2
    done = await asyncio.to_thread(wait_for_job, services, edit.job_id)
    assert done.status == "completed" and (done.segments_total, done.segments_cached) == (len(written), 0)
    latest = queries.get_podcast(services.db, podcast["podcast_id"])
    assert latest is not None and latest["version"] == 2
    assert [line["text"] for line in latest["transcript"]] == [
        "A new opening line.", "An added line.", *written[1:-1]]

    await browser.open(f"/episodes/{podcast['podcast_id']}")
    await browser.should_see("Earlier versions (1)")
    await browser.should_see("version 2 made", retries=5)


async def test_one_line_plays_on_its_own(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    podcast = await finished_episode(browser, services)
    voices = services.providers.voices
    assert isinstance(voices, ToneVoices)
    voices.calls.clear()
    await browser.open(f"/episodes/{podcast['podcast_id']}")
    browser.find(marker="edit-script").click()
    click(browser, in_order(browser, "script-play")[0])

    def previews() -> list[str]:  # the editor's player shows once a line is voiced
        sources = [str(element.props.get("src", "")) for element in browser.find(kind=ui.audio).elements]
        return [source for source in sources if source.startswith("/previews/")]

    [preview] = await wait_until_async(previews, bool)
    assert (services.settings.data_dir / "cache" / "previews" / preview.removeprefix("/previews/")).is_file()
    assert [text for text, _ in voices.calls] == [podcast["transcript"][0]["text"]]
