"""Registers every page."""

from __future__ import annotations

from nicegui import ui

from pipeline.services import Services
from ui.theme import frame


def create(services: Services) -> None:
    """Register the pages on NiceGUI."""

    @ui.page("/")
    def index() -> None:
        with frame("Create"):
            ui.label("Paste a note to turn it into a podcast episode.")
