"""Who may use the pages: the password, signing out, sign-in throttling, and episodes per address."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from pipeline.services import Services
from settings import Settings
from store import queries
from tests.conftest import SHORT_NOTE
from tests.ui.conftest import fail_first_episode, user_id_of
from tests.waiting import wait_until_async

PASSWORD = {"ui_password": "open sesame"}


async def _sign_in(browser: User, password: str) -> None:
    browser.find("Password").clear().type(password)
    browser.find(kind=ui.button, content="Sign in").click()


@pytest.mark.parametrize("ui_app", [PASSWORD], indirect=True)
async def test_a_get_of_logout_does_not_sign_out_but_the_button_does(browser: User) -> None:
    await browser.open("/episodes")
    await _sign_in(browser, "open sesame")
    await browser.should_see("Your episodes")
    await browser.open("/logout")  # what a link or an <img> on another site would do
    await browser.should_see("Sign out of Notecast on this browser?")
    await browser.open("/episodes")
    await browser.should_see("Your episodes")
    browser.find(marker="sign-out").click()
    await browser.should_see("Sign in to Notecast")
    await browser.open("/episodes")
    await browser.should_see("Sign in to Notecast")


@pytest.mark.parametrize("ui_app", [PASSWORD], indirect=True)
async def test_repeated_wrong_passwords_are_refused_for_a_while(browser: User) -> None:
    await browser.open("/login?next=/episodes")
    for _ in range(5):
        await _sign_in(browser, "guess")
    await browser.should_see("Wrong password")
    await _sign_in(browser, "guess")
    await browser.should_see("Too many wrong passwords. Try again in")
    await _sign_in(browser, "open sesame")  # even the right one waits out the delay
    await browser.should_see("Too many wrong passwords. Try again in")
    await browser.should_not_see("Your episodes")


@pytest.mark.parametrize("ui_app", [PASSWORD], indirect=True)
async def test_refused_sign_ins_are_logged_without_the_password(
    browser: User, caplog: pytest.LogCaptureFixture
) -> None:
    await browser.open("/login")
    with caplog.at_level(logging.WARNING):
        await _sign_in(browser, "hunter2-secret-guess")
        await browser.should_see("Wrong password")
    assert "sign-in from" in caplog.text and "wrong password" in caplog.text
    assert "hunter2-secret-guess" not in caplog.text


@pytest.mark.parametrize("ui_app", [PASSWORD], indirect=True)
async def test_after_sign_in_an_outside_target_lands_on_the_start_page(browser: User) -> None:
    await browser.open("/login?next=/%5Cevil.example/")
    await _sign_in(browser, "open sesame")
    await browser.should_see("Turn a note into a podcast")


@pytest.mark.parametrize("ui_app", [{"ui_jobs_per_hour": 2}], indirect=True)
async def test_the_ui_limits_episodes_per_address(browser: User, ui_app: tuple[object, Services]) -> None:
    services = ui_app[1]
    await browser.open("/")
    user_id = user_id_of(browser)
    for made in (1, 2):
        browser.find(kind=ui.textarea).clear().type(SHORT_NOTE)
        browser.find("Generate podcast").click()
        await wait_until_async(lambda: len(queries.list_for_user(services.db, user_id, 10)),
                               lambda count, made=made: count == made)
        # a click while the form is still submitting is ignored (no double submit): wait as a person would
        await wait_until_async(lambda: browser.find("Generate podcast").elements.pop().enabled, bool)
    browser.find("Generate podcast").click()
    await browser.should_see("You have started 2 episodes in the last hour from this address.")
    assert len(queries.list_for_user(services.db, user_id, 10)) == 2


def test_keys_without_a_ui_password_are_warned_about(
    make_services: Callable[..., Services], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        make_services(custom=settings.model_copy(update={"api_keys": "k1"}), start=False)
    assert "API_KEYS is set but UI_PASSWORD is not" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        make_services(custom=settings.model_copy(update={"api_keys": "k1", "ui_password": "pw"}), start=False)
    assert "UI_PASSWORD" not in caplog.text


@pytest.mark.parametrize("ui_app", ["one-per-hour"], indirect=True)
async def test_try_again_counts_against_the_episodes_per_address(browser: User) -> None:
    await fail_first_episode(browser)
    browser.find(kind=ui.button, content="Try again").click()
    await browser.should_see("You have started 1 episodes in the last hour from this address.")


@pytest.mark.parametrize("ui_app", [PASSWORD], indirect=True)
async def test_an_open_page_closes_when_its_sign_in_ends(browser: User) -> None:
    from nicegui import app

    await browser.open("/episodes")
    await _sign_in(browser, "open sesame")
    await browser.should_see("Your episodes")
    app.storage.user.pop("signed_in")  # as a sign-out in another tab does
    await browser.should_see("Sign in to Notecast", retries=200)
