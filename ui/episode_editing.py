"""On an episode's page: its script to edit (saved as the next version, voicing only the changed lines) and its
earlier versions, still playable."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from errors import NotecastError
from pipeline.episode.editing import edit_job, script_of
from pipeline.episode.transcripts import clock
from pipeline.services import Services
from store import versions
from ui.episode_view import browser_url
from ui.script_editor import ScriptEditor
from ui.throttle import RateLimit


def script_panel(services: Services, podcast: dict[str, Any], job_limit: RateLimit) -> None:
    """"Edit the script" opens the editor; "Voice N changed lines" queues the new version, whose progress shows
    in the history like any job's."""
    _ScriptPanel(services, podcast, job_limit)


class _ScriptPanel:
    def __init__(self, services: Services, podcast: dict[str, Any], job_limit: RateLimit) -> None:
        self.services, self.podcast, self.job_limit = services, podcast, job_limit
        self.address = ui.context.client.ip or ""
        self.version = podcast.get("version") or 1
        self.holder = ui.column().classes("w-full gap-2")
        with self.holder:
            self.opener = ui.button("Edit the script", icon="edit_note", on_click=self.open).props("outline").mark(
                "edit-script")
        self.editor: ScriptEditor | None = None
        self.submit: ui.button | None = None

    def open(self) -> None:
        self.opener.delete()
        with self.holder:
            ui.label(f"Version {self.version}. Change lines, then voice the changes: unchanged lines are reused, "
                     "so this is quick.").classes("text-sm")
            self.editor = ScriptEditor(self.services, script_of(self.podcast), self.podcast.get("hosts"),
                                       self.podcast["user_id"], on_change=self.show_count)
            self.submit = ui.button("", icon="record_voice_over", on_click=self.voice_changes).mark("voice-changes")
        self.show_count(0, 0)

    def show_count(self, to_voice: int, edits: int) -> None:
        if self.submit is None:
            return
        self.submit.set_text(f"Voice {to_voice} changed line{'s' * (to_voice != 1)}" if to_voice
                             else "Save the changes")
        self.submit.enabled = edits > 0

    async def voice_changes(self) -> None:
        if self.editor is None:
            return
        podcast_id = self.podcast["podcast_id"]
        wait = self.job_limit.take(self.address)  # a new version is voiced like a new episode, and counted so
        if wait > 0:
            ui.notify(f"You have started {self.job_limit.limit} episodes in the last hour from this address. "
                      f"Please try again in {int(wait // 60) + 1} min.", type="warning")
            return
        try:
            edited = self.editor.stored()
            await run.io_bound(self.services.executor.submit_edit, edit_job(self.podcast, edited), podcast_id,
                               self.version, edited)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return
        ui.notify(f"Making version {self.version + 1}: follow it in your episodes")
        ui.navigate.to("/episodes")


async def earlier_versions(services: Services, podcast: dict[str, Any]) -> None:
    """The versions an edit replaced, newest first, each playable."""
    found = await run.io_bound(versions.earlier, services.db, podcast["podcast_id"]) or []
    if not found:
        return
    media, base = services.providers.media, services.settings.public_base_url
    with ui.expansion(f"Earlier versions ({len(found)})", icon="history").classes("w-full").mark("earlier-versions"):
        for row in found:
            ui.label(f"Version {row['version']} · {clock(row['audio_duration'])} · made "
                     f"{row['created_at']:%Y-%m-%d %H:%M} UTC").classes("text-sm")
            player = ui.audio(browser_url(media.url_for(row["audio_key"]), base)).classes("w-full").props(
                "preload=none")
            player.props["aria-label"] = f"Version {row['version']} audio player"
