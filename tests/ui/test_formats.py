"""The create page's format, focus and length hint, and the notices a job card shows, through NiceGUI's
simulated user."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from pipeline.writers.base import NO_DEBATE_NOTICE
from store import queries
from tests.conftest import SHORT_NOTE
from tests.ui.conftest import user_id_of
from tests.waiting import wait_until_async
from ui.job_card import Countdown, time_left


def _only(browser: User, marker: str) -> ui.element:
    [element] = browser.find(marker=marker).elements
    return element


@pytest.mark.parametrize("ui_app", ["builtin"], indirect=True)
async def test_the_hint_says_how_long_the_note_makes_and_marks_lengths_it_cannot_fill(browser: User) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    await browser.should_see("This note makes about a minute.", retries=50)
    length = _only(browser, "episode-length")
    assert isinstance(length, ui.select)
    assert all(label.endswith("note too short") for label in length.options.values())  # type: ignore[union-attr]


@pytest.mark.parametrize("ui_app", ["builtin"], indirect=True)
async def test_a_link_alone_is_told_that_links_are_not_fetched(browser: User) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type("https://example.com/article")
    await browser.should_see("Links are not fetched", retries=50)


@pytest.mark.parametrize("ui_app", ["builtin"], indirect=True)
async def test_format_and_focus_reach_the_job_and_its_card_says_what_changed(
    browser: User, ui_app: tuple[object, Services]
) -> None:
    services = ui_app[1]
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    chosen = _only(browser, "episode-format")
    assert isinstance(chosen, ui.select) and list(chosen.options) == ["conversation", "brief", "debate"]
    chosen.value = "debate"
    browser.find(marker="episode-focus").type("the anemones")
    browser.find("Generate podcast").click()
    await browser.should_see(NO_DEBATE_NOTICE, retries=100)
    [job] = queries.list_for_user(services.db, user_id_of(browser), 5)
    assert (job.format, job.focus) == ("debate", "the anemones")
    await wait_until_async(lambda: queries.get(services.db, job.job_id), lambda j: j is not None and
                           j.status == "completed", 60, every=0.1)
    await browser.should_see("Short · debate", retries=20)


async def test_the_line_under_the_heading_says_who_speaks_in_the_chosen_format(browser: User) -> None:
    await browser.open("/")
    await browser.should_see("Both hosts talk the note through.")
    chosen = _only(browser, "episode-format")
    assert isinstance(chosen, ui.select)
    chosen.value = "brief"
    await browser.should_see("One host, the key points in a minute or two.")
    await browser.should_not_see("Both hosts talk the note through.")


async def test_a_double_click_makes_one_job(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    button = browser.find("Generate podcast")
    button.click()
    button.click()
    await browser.should_see("Generation started")
    assert len(queries.list_for_user(services.db, user_id_of(browser), 5)) == 1
    browser.find(kind=ui.textarea).type(" One more sentence.")
    button.click()
    await wait_until_async(lambda: queries.list_for_user(services.db, user_id_of(browser), 5),
                           lambda jobs: len(jobs) == 2, 30, every=0.05)


@pytest.mark.parametrize("ui_app", ["paced-one-per-user"], indirect=True)
async def test_a_full_queue_says_so_in_the_form(browser: User) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    browser.find("Generate podcast").click()
    await browser.should_see("Generation started")
    browser.find("Generate podcast").click()
    await browser.should_see("Try again in", retries=50)  # the first job is still voicing its 0.3 s turns


def test_time_left_is_said_in_round_numbers() -> None:
    assert [time_left(s) for s in (0, 2, 3, 38, 89, 95, 600)] == [
        "almost done", "almost done", "about 5 s left", "about 40 s left", "about 90 s left", "about 2 min left",
        "about 10 min left"]


def test_the_time_left_counts_down_while_the_progress_stays_put() -> None:
    countdown = Countdown()
    assert countdown.left("processing", 92, 30, now=100.0) == 30
    assert countdown.left("processing", 92, 30, now=112.0) == 18  # the same step, 12 s on
    assert countdown.left("processing", 92, 30, now=140.0) == 0  # never below nothing
    assert countdown.left("processing", 95, 22, now=141.0) == 22  # a new step brings a new estimate
    assert countdown.left("processing", 95, 25, now=142.0) == 25  # and so does a new estimate for the same step


def test_a_step_that_runs_long_or_a_job_run_again_is_not_almost_done() -> None:
    countdown = Countdown()
    assert countdown.left("processing", 40, 30, now=0.0) == 30
    assert countdown.left("processing", 40, 30, now=60.0) == 5  # held at a few seconds, not "almost done"
    assert countdown.left("queued", 40, 30, now=61.0) == 30  # retried: counted from now, not from before


@pytest.mark.parametrize("ui_app", ["flaky"], indirect=True)
async def test_the_card_is_named_from_the_note_before_any_script_names_it(browser: User) -> None:
    await browser.open("/")
    browser.find(kind=ui.textarea).type("# Rock pools at dawn\n\n" + SHORT_NOTE.split("\n", 1)[1])
    browser.find("Generate podcast").click()
    await browser.should_see("The script writer is unavailable right now", retries=100)  # no script, no title
    await browser.should_see("Rock pools at dawn")
    await browser.should_not_see("Untitled note")


async def test_the_page_has_one_main_heading_and_the_dark_toggle_says_its_state(browser: User) -> None:
    await browser.open("/")
    [heading] = [label for label in browser.find(kind=ui.label).elements if label.props.get("role") == "heading"]
    assert heading.text == "Turn a note into a podcast" and str(heading.props["aria-level"]) == "1"
    [toggle] = browser.find(marker="dark-toggle").elements
    assert toggle.props["aria-pressed"] == "false"
    browser.find(marker="dark-toggle").click()
    assert toggle.props["aria-pressed"] == "true"


async def test_title_and_focus_keep_their_length_limits(browser: User) -> None:
    await browser.open("/")
    [focus] = browser.find(marker="episode-focus").elements
    assert str(focus.props["maxlength"]) == "500"
    [title] = [field for field in browser.find(kind=ui.input).elements if field.props.get("label") ==
               "Title (optional)"]
    assert str(title.props["maxlength"]) == "200"
