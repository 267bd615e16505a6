"""Simulated browsers (NiceGUI's `User`) over the real pages, store and executor."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import replace

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing.general import nicegui_reset_globals, prepare_simulation
from nicegui.testing.user import User

from pipeline.providers import Providers
from pipeline.services import Services
from pipeline.writers.builtin import BuiltinScriptWriter
from settings import Settings
from tests.fakes import FailOnceWriter, PacedVoice, ToneVoices
from tests.notes import SHORT_NOTE
from ui import pages


@pytest.fixture
async def ui_app(
    make_services: Callable[..., Services], settings: Settings, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Callable[[], AsyncIterator[User]], Services]]:
    """The pages wired to fresh services; yields a factory of independent browsers (each with its own cookies).

    Parametrize indirectly with `{"providers": ..., <any setting>: ...}` to change the defaults.
    """
    options = getattr(request, "param", {})
    if isinstance(options, str):  # a named option set, e.g. "flaky", from the test module's `ui_app_params`
        options = request.getfixturevalue("ui_app_params")[options]
    custom = settings.model_copy(update={name: value for name, value in options.items() if name != "providers"})
    providers: Providers | None = options.get("providers")
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        try:
            prepare_simulation()
            services = make_services(providers, custom)
            pages.create(services)
            ui.run(storage_secret="simulated secret")
            async with AsyncExitStack() as stack:
                await stack.enter_async_context(core.app.router.lifespan_context(core.app))

                async def new_browser() -> User:
                    transport = httpx.ASGITransport(core.app)
                    client = await stack.enter_async_context(
                        httpx.AsyncClient(transport=transport, base_url="http://test"))
                    return User(client)

                yield new_browser, services  # type: ignore[misc]
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)


@pytest.fixture
async def browser(ui_app: tuple[Callable[[], AsyncIterator[User]], Services]) -> User:
    """One simulated browser."""
    return await ui_app[0]()  # type: ignore[misc]


def user_id_of(browser: User) -> str:
    """The user id this browser's footer shows."""
    footer = next(label.text for label in browser.find(kind=ui.label).elements
                  if label.text.startswith("Your user id: "))
    return footer.removeprefix("Your user id: ")


@pytest.fixture
def ui_app_params(fake_providers: Providers) -> dict[str, dict[str, object]]:
    """Named options for `ui_app`: a writer that fails its first script ("flaky", and "one-per-hour" with one
    episode per address per hour), a voice paced so a progress refresh always lands mid-job ("paced"), and that
    voice with one open job per user ("paced-one-per-user")."""
    writer = BuiltinScriptWriter()
    flaky = replace(fake_providers, writer=FailOnceWriter(writer))
    paced = replace(fake_providers, writer=writer, voices=ToneVoices(voice_class=PacedVoice, seconds_per_turn=0.3))
    return {"flaky": {"providers": flaky},
            "builtin": {"providers": replace(fake_providers, writer=writer)},
            "one-per-hour": {"providers": flaky, "ui_jobs_per_hour": 1},
            "paced": {"providers": paced},
            "paced-one-per-user": {"providers": paced, "max_queued_per_user": 1}}


async def fail_first_episode(browser: User) -> None:
    """Paste a note and generate with a writer that fails its first script; wait for the failure on the card."""
    await browser.open("/")
    browser.find(kind=ui.textarea).type(SHORT_NOTE)
    browser.find("Generate podcast").click()
    await browser.should_see("The script writer is unavailable right now", retries=100)
