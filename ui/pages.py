"""Registers every page; each one checks the optional password and gets this browser's user id."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from pipeline.services import Services
from ui.create_page import create_page
from ui.devices_panel import link_page
from ui.episodes_page import episode_page, history_page, shared_episode_page
from ui.identity import PasswordGate, current_user_id, safe_target
from ui.theme import frame
from ui.throttle import RateLimit, SignInThrottle

log = logging.getLogger(__name__)
_SIGN_IN_CHECK_SECONDS = 5


def create(services: Services) -> None:
    """Register the pages on NiceGUI."""
    settings = services.settings
    gate = PasswordGate(settings.ui_password, settings.effective_storage_secret, settings.ui_session_hours * 3600)
    throttle = SignInThrottle()
    job_limit = RateLimit(settings.ui_jobs_per_hour, 3600)
    code_throttle = SignInThrottle()  # one-time codes are guessed like passwords, so they are throttled alike

    def sign_out() -> None:
        gate.sign_out(app.storage.user)
        ui.navigate.to("/login")

    async def page(path: str, title: str, content: Callable[[str], Awaitable[None]]) -> RedirectResponse | None:
        if not gate.is_signed_in(app.storage.user):
            return RedirectResponse(f"/login?next={quote(path)}")
        user_id = current_user_id()
        with frame(title, user_id, on_sign_out=sign_out if gate.enabled else None):
            await content(user_id)
        if gate.enabled:
            # An open tab must not outlive a sign-out in another tab, a new password or the session lifetime.
            ui.timer(_SIGN_IN_CHECK_SECONDS, lambda: None if gate.is_signed_in(app.storage.user)
                     else ui.navigate.to(f"/login?next={quote(path)}"))
        return None

    @ui.page("/")
    async def index() -> RedirectResponse | None:
        return await page("/", "Create", lambda user_id: create_page(services, user_id, job_limit))

    @ui.page("/episodes")
    async def episodes() -> RedirectResponse | None:
        return await page("/episodes", "Episodes",
                          lambda user_id: history_page(services, user_id, job_limit, code_throttle))

    @ui.page("/link/{code}")
    async def link(code: str) -> RedirectResponse | None:
        async def content(_user_id: str) -> None:
            link_page(services, code, code_throttle)
        return await page(f"/link/{code}", "Use a history", content)

    @ui.page("/episodes/{podcast_id}")
    async def episode(podcast_id: str) -> RedirectResponse | None:
        return await page(f"/episodes/{podcast_id}", "Episode",
                          lambda user_id: episode_page(services, user_id, podcast_id, job_limit))

    @ui.page("/share/{token}")
    async def shared(token: str) -> None:
        # Open to anyone with the link, even behind UI_PASSWORD: the link is the permission.
        with frame("Shared episode"):
            await shared_episode_page(services, token)

    @ui.page("/login")
    def login(next: str = "/") -> RedirectResponse | None:
        target = safe_target(next)
        if gate.is_signed_in(app.storage.user):
            return RedirectResponse(target)
        address = ui.context.client.ip
        with frame("Sign in"):
            ui.label("Sign in to Notecast").classes("text-2xl font-bold").props("role=heading aria-level=1")
            field = ui.input("Password", password=True, password_toggle_button=True).props(
                'outlined aria-label="Password"')
            message = ui.label("").classes("text-red-600").props("role=alert")

            def attempt() -> None:
                wait = throttle.wait_for(address)
                if wait > 0:
                    message.set_text(f"Too many wrong passwords. Try again in {int(wait) + 1} s.")
                    log.warning("sign-in from %s refused: too many failed attempts", address)
                    return
                if gate.sign_in(app.storage.user, field.value or ""):
                    throttle.succeeded(address)
                    ui.navigate.to(target)
                    return
                failures = throttle.failed(address)
                log.warning("sign-in from %s failed: wrong password (%d in a row)", address, failures)
                message.set_text("Wrong password")

            field.on("keydown.enter", attempt)
            ui.button("Sign in", on_click=attempt).props('aria-label="Sign in"')
        return None

    @ui.page("/logout")
    def logout() -> RedirectResponse | None:
        # Signing out is a button, never a GET: a link or an <img> on another site must not sign anyone out.
        if not gate.is_signed_in(app.storage.user) or not gate.enabled:
            return RedirectResponse("/login" if gate.enabled else "/")
        with frame("Sign out"):
            ui.label("Sign out of Notecast on this browser?").classes("text-xl font-semibold")
            ui.button("Sign out", icon="logout", on_click=sign_out).props('aria-label="Sign out"')
        return None
