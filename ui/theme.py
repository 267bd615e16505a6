"""The shared frame of every page: header with navigation and dark mode, footer with the version."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from nicegui import app, ui

from settings import VERSION

SPEAKER_COLOURS = ("text-indigo-600 dark:text-indigo-300", "text-emerald-700 dark:text-emerald-300")


def _styles() -> str:
    return files("static").joinpath("notecast.css").read_text(encoding="utf-8")


def favicon_path() -> Path:
    """The bundled icon, found through package resources (works from a frozen binary too)."""
    return Path(str(files("static").joinpath("favicon.svg")))


@contextmanager
def frame(title: str, user_id: str | None = None, on_sign_out: Callable[[], None] | None = None) -> Iterator[None]:
    """Header, content column and footer around a page's content; a sign-out button when `on_sign_out` is given."""
    ui.page_title(f"{title} · Notecast")
    ui.colors(primary="#4338ca", secondary="#0f766e", accent="#7c3aed")
    ui.add_css(_styles())
    dark = ui.dark_mode(app.storage.user.get("dark"))
    with ui.header().classes("items-center justify-between px-4 py-2 bg-indigo-700"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("podcasts", size="md").props('aria-hidden="true"')
            ui.link("Notecast", "/").classes("text-xl font-bold text-white no-underline")
        with ui.row().classes("items-center gap-1"):
            ui.link("Create", "/").classes("text-white px-2").props('aria-label="Create an episode"')
            ui.link("Episodes", "/episodes").classes("text-white px-2").props('aria-label="Your episodes"')

            def toggle_dark() -> None:
                dark.value = not dark.value
                app.storage.user["dark"] = dark.value
                toggle.props["aria-pressed"] = "true" if dark.value else "false"
                toggle.update()

            toggle = ui.button(icon="dark_mode", on_click=toggle_dark).props(
                'flat round color=white aria-label="Dark mode"').mark("dark-toggle")
            toggle.props["aria-pressed"] = "true" if dark.value else "false"
            if on_sign_out is not None:
                ui.button(icon="logout", on_click=on_sign_out).props(
                    'flat round color=white aria-label="Sign out"').tooltip("Sign out").mark("sign-out")
    with ui.column().classes("w-full max-w-3xl mx-auto p-2 sm:p-4 gap-4"):
        yield
    with ui.footer().classes("justify-between items-center text-xs px-4 py-1 bg-indigo-900"):
        ui.label(f"Notecast {VERSION}")
        if user_id:
            with ui.row().classes("items-center gap-2"):
                ui.label(f"Your user id: {user_id}").classes("font-mono").props('aria-label="Your user id"')
                ui.link("What is this?", "/episodes").classes("text-white")


def confirm_dialog(question: str, action: str, on_confirm: Callable[[], Any], marker: str) -> ui.dialog:
    """A dialog asking `question` before a destructive `action` (a red button marked `marker`, and "Keep")."""
    with ui.dialog() as dialog, ui.card():
        ui.label(question)
        with ui.row():
            ui.button(action, on_click=on_confirm).props("color=negative").mark(marker)
            ui.button("Keep", on_click=dialog.close).props("flat")
    return dialog
