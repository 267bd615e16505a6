"""Registers every page; each one checks the optional password and gets this browser's user id."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import ui

from pipeline.services import Services
from ui.create_page import create_page
from ui.episodes_page import episode_page, history_page
from ui.identity import current_user_id, is_signed_in, sign_in, sign_out
from ui.theme import frame


def create(services: Services) -> None:
    """Register the pages on NiceGUI."""
    password = services.settings.ui_password

    def gate(path: str) -> RedirectResponse | None:
        if is_signed_in(password):
            return None
        return RedirectResponse(f"/login?next={quote(path)}")

    @ui.page("/")
    async def index() -> RedirectResponse | None:
        if redirect := gate("/"):
            return redirect
        user_id = current_user_id()
        with frame("Create", user_id):
            await create_page(services, user_id)
        return None

    @ui.page("/episodes")
    async def episodes() -> RedirectResponse | None:
        if redirect := gate("/episodes"):
            return redirect
        user_id = current_user_id()
        with frame("Episodes", user_id):
            await history_page(services, user_id)
        return None

    @ui.page("/episodes/{podcast_id}")
    async def episode(podcast_id: str) -> RedirectResponse | None:
        if redirect := gate(f"/episodes/{podcast_id}"):
            return redirect
        user_id = current_user_id()
        with frame("Episode", user_id):
            await episode_page(services, user_id, podcast_id)
        return None

    @ui.page("/login")
    def login(next: str = "/") -> RedirectResponse | None:
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        if not password or is_signed_in(password):
            return RedirectResponse(target)
        with frame("Sign in"):
            ui.label("Sign in to Notecast").classes("text-2xl font-bold")
            field = ui.input("Password", password=True, password_toggle_button=True).props(
                'outlined aria-label="Password"')
            message = ui.label("").classes("text-red-600").props("role=alert")

            def attempt() -> None:
                if sign_in(password, field.value or ""):
                    ui.navigate.to(target)
                else:
                    message.set_text("Wrong password")

            field.on("keydown.enter", attempt)
            ui.button("Sign in", on_click=attempt).props('aria-label="Sign in"')
        return None

    @ui.page("/logout")
    def logout() -> RedirectResponse:
        sign_out()
        return RedirectResponse("/login")
