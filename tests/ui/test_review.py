"""A job that asked for review (through the API) waits in the browser's history until it is approved there."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

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
    browser.find(marker="approve").click()
    finished = await asyncio.to_thread(wait_for_job, services, record.job_id)
    assert finished.status == "completed"
    assert finished.review is True
    await browser.should_see("Download MP3", retries=100)  # the card follows the job to its player
