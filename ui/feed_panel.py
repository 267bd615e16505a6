"""This browser's private podcast feed: its address, a copy button, how to subscribe, and a way to revoke it."""

from __future__ import annotations

from nicegui import run, ui

from pipeline.feeds import DEFAULT_FEED_NAME, MAX_FEED_NAME_CHARS, feed_title
from pipeline.jobs.submission import one_line
from pipeline.services import Services
from store import feeds
from ui.theme import confirm_dialog

_HINT = ("Subscribe in any podcast app that can add a show by URL (Apple Podcasts: Library → ⋯ → Follow a Show "
         "by URL; Pocket Casts, Overcast, AntennaPod: add podcast by URL). New episodes appear there within a "
         "minute of finishing. Anyone with this address can listen, so keep it private; make a new one to cut "
         "off the old address.")


async def feed_panel(services: Services, user_id: str) -> None:
    """A card with the feed URL; the token is created on first view and can be rotated."""
    token = await run.io_bound(feeds.token_for, services.db, user_id)
    name = await run.io_bound(feeds.name_of, services.db, user_id)
    base = services.settings.public_base_url
    with ui.expansion("Podcast feed", icon="rss_feed").classes("w-full").props('aria-label="Podcast feed"'):
        address = ui.input("Your private feed address", value=feeds.feed_url(base, user_id, token or "")).props(
            'readonly outlined dense aria-label="Private feed address"').classes("w-full").mark("feed-url")
        ui.label(_HINT).classes("text-xs text-gray-500")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            feed_name = ui.input("Feed name", value=name or "", placeholder=DEFAULT_FEED_NAME).props(
                'outlined dense aria-label="Feed name, shown in podcast apps"').classes("grow").mark("feed-name")
            feed_name.props["maxlength"] = MAX_FEED_NAME_CHARS

            async def save_name() -> None:
                try:
                    wanted = one_line(feed_name.value, MAX_FEED_NAME_CHARS)
                except ValueError as exc:
                    ui.notify(f"The feed name {exc}", type="warning")
                    return
                await run.io_bound(feeds.set_name, services.db, user_id, wanted)
                ui.notify(f"Podcast apps will show “{feed_title(services.settings.show_name, wanted)}”")

            feed_name.on("keydown.enter", save_name)
            ui.button("Save name", on_click=save_name).props("outline").mark(
                "feed-name-save")

        async def copy() -> None:
            ui.clipboard.write(address.value)
            ui.notify("Feed address copied")

        async def rotate() -> None:
            confirm.close()
            new_token = await run.io_bound(feeds.rotate, services.db, user_id)
            address.value = feeds.feed_url(base, user_id, new_token or "")
            ui.notify("New feed address made; the old one no longer works")

        confirm = confirm_dialog("Make a new feed address? Podcast apps subscribed to the old one will stop "
                                 "updating.", "Make new address", rotate, "feed-rotate-confirm")
        with ui.row().classes("gap-2"):
            ui.button("Copy", icon="content_copy", on_click=copy).props('outline aria-label="Copy feed address"')
            ui.button("New address", icon="autorenew", on_click=confirm.open).props(
                'flat color=negative aria-label="New address for this feed"').mark("feed-rotate")
