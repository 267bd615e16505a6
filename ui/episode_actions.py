"""What the owner can do on an episode's page: rename it, share it by a link (and stop), delete it."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from errors import NotecastError
from pipeline.jobs.submission import one_line
from pipeline.services import Services
from pipeline.writers.base import MAX_TITLE_CHARS
from store import podcasts
from ui.episode_view import absolute_url
from ui.theme import confirm_dialog


def share_path(token: str) -> str:
    """The public page of a shared episode."""
    return f"/share/{token}"


def episode_actions(services: Services, podcast: dict[str, Any]) -> None:
    """Rename, Share and Delete buttons, each confirming in a dialog."""
    podcast_id = podcast["podcast_id"]
    db = services.db

    async def rename() -> None:
        try:
            title = one_line(new_title.value, MAX_TITLE_CHARS)
        except ValueError as exc:
            ui.notify(f"The title {exc}", type="warning")
            return
        if title is None:
            ui.notify("Give the episode a title", type="warning")
            return
        await _attempt(run.io_bound(podcasts.rename, db, podcast_id, title))
        ui.navigate.reload()

    async def delete() -> None:
        if await _attempt(run.io_bound(podcasts.delete_episode, db, services.providers.media, podcast_id)):
            ui.navigate.to("/episodes")
            ui.notify("Episode deleted")

    with ui.dialog() as rename_dialog, ui.card().classes("w-full max-w-lg"):
        ui.label("Rename this episode").classes("text-lg font-semibold")
        new_title = ui.input("Title", value=podcast["title"]).classes("w-full").props('outlined aria-label="Title"')
        new_title.props["maxlength"] = MAX_TITLE_CHARS
        new_title.on("keydown.enter", rename)
        with ui.row():
            ui.button("Save", on_click=rename).mark("rename-save")
            ui.button("Cancel", on_click=rename_dialog.close).props("flat")

    delete_dialog = confirm_dialog("Delete this episode? Its audio, transcripts and feed item go too, and it "
                                   "cannot be undone.", "Delete", delete, "delete-confirm")

    with ui.row().classes("gap-2 flex-wrap"):
        ui.button("Rename", icon="edit", on_click=rename_dialog.open).props(
            'outline aria-label="Rename this episode"').mark("rename")
        ui.button("Delete", icon="delete", on_click=delete_dialog.open).props(
            'flat color=negative aria-label="Delete this episode"').mark("delete")
    share_panel(services, podcast_id, podcast.get("share_token"))


def share_panel(services: Services, podcast_id: str, token: str | None) -> None:
    """Sharing: off by default; when on, the public link to copy and a way to revoke it."""

    @ui.refreshable
    def panel(token: str | None) -> None:
        if token is None:
            with ui.row().classes("items-center gap-2"):
                ui.button("Share", icon="share", on_click=start).props(
                    'outline aria-label="Make a share link"').mark("share")
                ui.label("Anyone with a share link can play this episode and read its transcript, nothing else."
                         ).classes("text-xs text-gray-500")
            return
        link = ui.input("Share link", value="").props('readonly outlined dense aria-label="Share link"').classes(
            "w-full").mark("share-url")

        async def fill() -> None:  # the address the browser is using, as for the audio link
            link.value = absolute_url(share_path(token), str(await ui.run_javascript("window.location.origin")))

        ui.timer(0, fill, once=True)

        async def copy() -> None:
            ui.clipboard.write(link.value)
            ui.notify("Share link copied")

        with ui.row().classes("gap-2"):
            ui.button("Copy", icon="content_copy", on_click=copy).props('outline aria-label="Copy share link"')
            ui.button("Stop sharing", icon="link_off", on_click=stop).props(
                'flat color=negative aria-label="Stop sharing"').mark("share-stop")

    async def start() -> None:
        made = await _attempt(run.io_bound(podcasts.share, services.db, podcast_id))
        if isinstance(made, str):
            panel.refresh(made)

    async def stop() -> None:
        if await _attempt(run.io_bound(podcasts.stop_sharing, services.db, podcast_id)) is not False:
            panel.refresh(None)
            ui.notify("The share link no longer works")

    with ui.column().classes("w-full gap-1").props('role=region aria-label="Sharing"'):
        panel(token)


async def _attempt(work: Any) -> Any:
    """Await `work`; a Notecast error (the episode was deleted meanwhile) is shown, and gives False."""
    try:
        result = await work
    except NotecastError as exc:
        ui.notify(exc.message, type="warning")
        return False
    return True if result is None else result
