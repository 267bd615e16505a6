"""A job that asked for review (through the API) waits in the browser's history until it is approved there."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from pipeline.services import Services
from store import queries, records
from tests.conftest import SHORT_NOTE, wait_for_job
from tests.ui.conftest import user_id_of
from tests.waiting import wait_until_async


async def test_a_job_awaiting_review_is_approved_from_its_card(browser: User, ui_app: tuple[object, Services]
                                                                ) -> None:
    services = ui_app[1]
    await browser.open("/")
    new = records.NewJob(user_id=user_id_of(browser), note_id="n", note_content=SHORT_NOTE, duration="short",
                         title="Reviewed", review=True)
    record = services.executor.submit(new).record
    await wait_until_async(lambda: queries.get(services.db, record.job_id),
                           lambda job: job is not None and job.status == "awaiting_review")
    await browser.open("/episodes")
    await browser.should_see("The script is written and waits for review; approve it to have it voiced.")
    await browser.should_see("awaiting review")  # the status in words, not as the API spells it
    await browser.should_not_see("awaiting_review")
    browser.find(marker="approve").click()
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    assert finished.status == "completed"
    assert finished.review is True
    await browser.should_see("Download MP3", retries=100)  # the card follows the job to its player


async def test_the_form_can_ask_to_review_the_script_first(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    browser.find(marker="review").click()
    browser.find("Generate podcast").click()
    await browser.should_see("Writing the script for your review")
    await browser.should_see("The script is written and waits for review; approve it to have it voiced.",
                             retries=100)
    job = queries.list_for_user(services.db, user_id_of(browser), 1)[0]
    assert job.status == "awaiting_review" and job.review is True
    found = queries.script_of(services.db, job.job_id)
    assert found is not None and found[1] is not None
    first_line = found[1]["sections"][0]["turns"][0][1]
    await browser.should_see(first_line)  # the script, line by line, before any voicing
    await browser.open("/")  # a reload keeps the card that awaits review
    await browser.should_see("The script is written and waits for review; approve it to have it voiced.")
    browser.find(marker="approve").click()
    await browser.should_see("Download MP3", retries=100)


async def test_lines_are_changed_and_deleted_in_the_card_before_voicing(browser: User,
                                                                        ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    browser.find(marker="review").click()
    browser.find("Generate podcast").click()
    await browser.should_see(marker="script-line", retries=100)
    lines = sorted(browser.find(marker="script-line").elements, key=lambda element: element.id)
    deleted_text = str(lines[1].value)
    with browser.client:  # type as a person would, into the first line; then delete the second
        lines[0].value = "Welcome to a reviewed episode."
    delete_buttons = sorted(browser.find(marker="script-delete").elements, key=lambda element: element.id)
    UserInteraction(browser, {delete_buttons[1]}, None).click()
    await browser.should_see("1 line to voice · 1 deleted")
    browser.find(marker="approve").click()
    await browser.should_see("Download MP3", retries=100)
    job = queries.list_for_user(services.db, user_id_of(browser), 1)[0]
    spoken = [line["text"] for line in job.transcript or []]
    assert spoken[0] == "Welcome to a reviewed episode." and deleted_text not in spoken
