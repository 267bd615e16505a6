"""This browser's private podcast feed: its address, a copy button, how to subscribe, and a way to revoke it."""

from __future__ import annotations

from nicegui import run, ui

from pipeline.services import Services
from store import feeds

_HINT = ("Subscribe in any podcast app that can add a show by URL (Apple Podcasts: Library → ⋯ → Follow a Show "
         "by URL; Pocket Casts, Overcast, AntennaPod: add podcast by URL). New episodes appear there within a "
         "minute of finishing. Anyone with this address can listen, so keep it private; make a new one to cut "
         "off the old address.")


async def feed_panel(services: Services, user_id: str) -> None:
    """A card with the feed URL; the token is created on first view and can be rotated."""
    token = await run.io_bound(feeds.token_for, services.db, user_id)
    base = services.settings.public_base_url
    with ui.expansion("Podcast feed", icon="rss_feed").classes("w-full").props('aria-label="Podcast feed"'):
        address = ui.input("Your private feed address", value=feeds.feed_url(base, user_id, token or "")).props(
            'readonly outlined dense aria-label="Private feed address"').classes("w-full").mark("feed-url")
        ui.label(_HINT).classes("text-xs text-gray-500")

        async def copy() -> None:
            ui.clipboard.write(address.value)
            ui.notify("Feed address copied")

        async def rotate() -> None:
            confirm.close()
            new_token = await run.io_bound(feeds.rotate, services.db, user_id)
            address.value = feeds.feed_url(base, user_id, new_token or "")
            ui.notify("New feed address made; the old one no longer works")

        with ui.dialog() as confirm, ui.card():
            ui.label("Make a new feed address? Podcast apps subscribed to the old one will stop updating.")
            with ui.row():
                ui.button("Make new address", on_click=rotate).props("color=negative").mark("feed-rotate-confirm")
                ui.button("Keep", on_click=confirm.close).props("flat")
        with ui.row().classes("gap-2"):
            ui.button("Copy", icon="content_copy", on_click=copy).props('outline aria-label="Copy feed address"')
            ui.button("New address", icon="autorenew", on_click=confirm.open).props(
                'flat color=negative aria-label="Make a new feed address"').mark("feed-rotate")
