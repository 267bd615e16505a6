"""The job card plays the episode so far while it is voiced, lists the lines voiced so far, then shows the
mastered episode."""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from store import records
from tests.conftest import SHORT_NOTE
from tests.ui.conftest import user_id_of


@pytest.mark.parametrize("ui_app", ["paced"], indirect=True)
async def test_the_card_plays_the_episode_so_far_then_the_finished_one(browser: User,
                                                                       ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    new = records.NewJob(user_id=user_id_of(browser), note_id="n", note_content=SHORT_NOTE, duration="short")
    job_id = services.executor.submit(new).record.job_id
    await browser.open("/episodes")
    await browser.should_see("Listen while it is made: the episode so far.", retries=100)
    [player] = browser.find(marker="preview-player").elements
    assert isinstance(player, ui.audio) and player.props["src"] == f"/api/podcast/jobs/{job_id}/preview"
    await browser.should_see(marker="transcript-line")  # the first voiced lines, each playable
    await browser.should_see("Download MP3", retries=200)
    await browser.should_not_see(marker="preview-player")  # the finished episode replaced the preview
