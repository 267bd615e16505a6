"""The shared frame of every page: header with navigation, footer with the version."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from nicegui import ui

from settings import VERSION


def favicon_path() -> Path:
    """The bundled icon, found through package resources (works from a frozen binary too)."""
    return Path(str(files("static").joinpath("favicon.svg")))


@contextmanager
def frame(title: str) -> Iterator[None]:
    """Header, content column and footer around a page's content."""
    ui.page_title(f"{title} · Notecast")
    with ui.header().classes("items-center justify-between"):
        ui.link("Notecast", "/").classes("text-xl font-bold text-white no-underline")
    with ui.column().classes("w-full max-w-3xl mx-auto p-4 gap-4"):
        yield
    with ui.footer().classes("justify-center text-xs"):
        ui.label(f"Notecast {VERSION}")
