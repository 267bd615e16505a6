"""The create page's voice choice (with samples) and its language warning, through NiceGUI's simulated user."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from store import queries
from tests.conftest import SHORT_NOTE
from tests.ui.conftest import user_id_of
from tests.waiting import wait_until_async

GERMAN = ("Der Sauerteig braucht Zeit. Man füttert ihn jeden Tag mit Mehl und Wasser, und nach einer Woche ist er "
          "kräftig genug, um ein ganzes Brot zu heben.")


def _only(browser: User, marker: str) -> ui.element:
    [element] = browser.find(marker=marker).elements
    return element


async def test_each_host_has_a_voice_choice_with_the_server_s_defaults(browser: User) -> None:
    await browser.open("/")
    first, second = _only(browser, "host-voice-1"), _only(browser, "host-voice-2")
    assert isinstance(first, ui.select) and isinstance(second, ui.select)
    assert (first.value, second.value) == ("piper:joe", "hibari:heart")
    assert list(first.options) == ["piper:joe", "hibari:heart", "piper:joe-pitched"]
    await browser.should_see("Alex's voice")
    await browser.should_see("Sam's voice")


async def test_a_sample_button_plays_the_chosen_voice(browser: User) -> None:
    await browser.open("/")
    second = _only(browser, "host-voice-2")
    assert isinstance(second, ui.select)
    second.value = "piper:joe-pitched"
    for number, voice in ((1, "piper:joe"), (2, "piper:joe-pitched")):
        browser.find(marker=f"voice-sample-{number}").click()
        [player] = browser.find(kind=ui.audio).elements
        assert player.props["src"] == f"/api/voices/{voice}/sample"


async def test_a_note_in_another_language_is_flagged_while_typing_and_not_queued(
    browser: User, ui_app: tuple[object, Services]
) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type(GERMAN)
    await browser.should_see("This note looks German (de).")
    browser.find("Generate podcast").click()
    await browser.should_see("speak English only")
    assert queries.list_for_user(ui_app[1].db, user_id_of(browser), 5) == []
    browser.find(kind=ui.textarea).clear().type(SHORT_NOTE)
    await browser.should_not_see("This note looks German")


@pytest.mark.parametrize("ui_app", ["paced"], indirect=True)
async def test_the_chosen_voices_reach_the_job(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    first = _only(browser, "host-voice-1")
    assert isinstance(first, ui.select)
    first.value = "tone:high"
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    browser.find("Generate podcast").click()
    await browser.should_see("Generation started")
    user_id = user_id_of(browser)
    [job] = await wait_until_async(lambda: queries.list_for_user(services.db, user_id, 5), bool, 30, every=0.1)
    assert job.hosts == [{"name": "Alex", "voice": "tone:high"}, {"name": "Sam", "voice": "tone:high"}]
