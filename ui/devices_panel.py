"""Your history on another device: what the user id is, and one-time codes that attach another browser to it."""

from __future__ import annotations

from nicegui import app, run, ui

from pipeline.services import Services
from store import links
from ui.throttle import SignInThrottle

_ABOUT = ("Notecast has no accounts. This browser's episodes are kept under a private id, {user_id}; an app "
          "using the API passes the same id as userId. Clearing this browser's cookies loses the id, and with it "
          "this history here, so make a code first to open it on another device.")


def link_path(code: str) -> str:
    """Where another browser opens a code (it still asks before switching)."""
    return f"/link/{code}"


def devices_panel(services: Services, user_id: str, throttle: SignInThrottle) -> None:
    """An expansion on the history page: the id explained, make a code, or enter one from another device."""
    with ui.expansion("Your history on other devices", icon="devices").classes("w-full").props(
            'aria-label="Your history on other devices"').mark("devices"):
        ui.label(_ABOUT.format(user_id=user_id)).classes("text-sm")
        shown = ui.column().classes("gap-1").props("role=status")

        async def make_code() -> None:
            code = await run.io_bound(links.create, services.db, user_id)
            if code is None:  # the server is shutting down
                return
            shown.clear()
            with shown:
                ui.label(links.display(code)).classes("text-2xl font-mono font-bold").mark("link-code")
                ui.label(f"On the other device, open Episodes → Your history on other devices and enter this code, "
                         f"or open {link_path(code)} on this server. It works once, for "
                         f"{int(links.LIFETIME.total_seconds() // 60)} minutes.").classes("text-xs text-gray-500")

        ui.button("Make a one-time code", icon="key", on_click=make_code).props("outline").mark("make-code")
        ui.separator()
        ui.label("Have a code from another device? Entering it shows that device's history here instead of this "
                 "one's.").classes("text-sm")
        with ui.row().classes("items-center gap-2"):
            entered = ui.input("Code").props('outlined dense aria-label="Code from another device"').mark("code-input")
            entered.props["maxlength"] = 20
            ui.button("Use code", on_click=lambda: use_code(services, entered.value or "", throttle)).mark("use-code")


async def use_code(services: Services, code: str, throttle: SignInThrottle) -> None:
    """Switch this browser to the history the code belongs to; wrong codes are throttled like passwords."""
    address = ui.context.client.ip or "unknown"
    wait = throttle.wait_for(address)
    if wait > 0:
        ui.notify(f"Too many wrong codes. Try again in {int(wait) + 1} s.", type="warning")
        return
    user_id = await run.io_bound(links.redeem, services.db, code)
    if user_id is None:
        throttle.failed(address)
        ui.notify("That code is wrong, used or expired. Make a new one on the other device.", type="warning")
        return
    throttle.succeeded(address)
    app.storage.user["user_id"] = user_id
    ui.navigate.to("/episodes")
    ui.notify("This browser now shows your history from the other device")


def link_page(services: Services, code: str, throttle: SignInThrottle) -> None:
    """`/link/{code}`: asks before switching, so a link opened by a preview or a prefetch uses nothing up."""
    ui.label("Open your history on this browser?").classes("text-2xl font-bold").props("role=heading aria-level=1")
    ui.label("This browser will show the episodes of the device that made the code, instead of its own.").classes(
        "text-gray-500")
    with ui.row():
        ui.button("Use this history here", on_click=lambda: use_code(services, code, throttle)).mark("use-link")
        ui.link("Keep this browser's own history", "/episodes").classes("self-center")
