"""A card that follows one job from its row: live progress while it runs, the episode or the error after."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nicegui import Client, background_tasks, run, ui

from errors import NotecastError
from pipeline.audio.preview import preview_lines
from pipeline.episode.transcripts import clock
from pipeline.jobs.eta import eta_seconds
from pipeline.progress import Milestone
from pipeline.services import Services
from pipeline.writers.base import format_name
from pipeline.writers.notes import provisional_title
from store import jobs, queries, records
from store.models import OPEN_STATUSES, JobStatus
from ui.episode_view import browser_url, episode_view, side_file_urls
from ui.script_editor import ScriptEditor
from ui.throttle import RateLimit
from ui.transcript_view import TranscriptView

# Changes are pushed (see `_follow`); the timer keeps the elapsed time ticking and is the safety net.
_REFRESH_SECONDS = 1.0
_NEARLY_DONE = 90  # percent: from here the countdown may reach "almost done"
_LONG_STEP_FLOOR = 5  # seconds the countdown stops at before then


class JobCard:
    """Reads the job row on a timer, so it keeps working after a reload and for jobs started through the API."""

    def __init__(self, services: Services, job_id: str, job_limit: RateLimit) -> None:
        self.services, self.job_id, self.job_limit = services, job_id, job_limit
        self.address = ui.context.client.ip
        self.card = ui.card().classes("w-full").props('aria-live="polite"')
        self.timer = ui.timer(_REFRESH_SECONDS, self.refresh)
        following = background_tasks.create(self._follow(), name=f"job-card-{job_id}")
        ui.context.client.on_delete(following.cancel)  # a closed page stops listening, whatever the job does
        self.shown_status: str | None = None
        self.progress: ui.linear_progress | None = None
        self.step: ui.label | None = None
        self.detail: ui.label | None = None
        self.notices: ui.column | None = None
        self.shown_notices: list[str] = []
        self.provisional: str | None = None  # a name from the note until the script gives the episode one
        # while the job awaits review: its status, script, script version and hosts, and the editor showing them
        self.script_found: tuple[str, dict[str, Any] | None, int, list[dict[str, str]] | None] | None = None
        self.editor: ScriptEditor | None = None
        # while voicing: the live preview's player and transcript (see pipeline.audio.preview)
        self.preview_box: ui.column | None = None
        self.preview_player: ui.audio | None = None
        self.preview_transcript: TranscriptView | None = None
        self._refreshing = asyncio.Lock()
        self.countdown = Countdown()

    async def _follow(self) -> None:
        """Redraw as soon as the job changes, from the same push as the API's server-sent events."""
        async for _ in self.services.watcher.job_batches(self.job_id):  # one redraw for changes that came together
            if self.card.is_deleted or self.card.client.id not in Client.instances:
                return
            with self.card:
                await self.refresh()

    async def refresh(self) -> None:
        """Pull the row; update the bar in place, or redraw when the status changed. One refresh at a time: the
        timer and an action (cancel, retry) may both ask, and a slower one must not draw an older row over a
        newer one (and then leave the card stuck there with its timer stopped)."""
        async with self._refreshing:
            await self._refresh()

    async def _refresh(self) -> None:
        record = await run.io_bound(queries.get, self.services.db, self.job_id)
        if record is None:
            self.timer.deactivate()
            self.card.clear()
            with self.card:
                ui.label("This job is no longer available.")
            return
        position = await run.io_bound(queries.queue_position, self.services.db, record)
        eta = await run.io_bound(eta_seconds, self.services.db, self.services.providers, self.services.executor.mix,
                                 record) if record.status in OPEN_STATUSES else None
        if record.display_title is None and self.provisional is None:
            note = await run.io_bound(queries.note_of, self.services.db, self.job_id)
            self.provisional = provisional_title(note or "")
        if record.status == JobStatus.AWAITING_REVIEW and record.status != self.shown_status:
            self.script_found = await run.io_bound(queries.script_of, self.services.db, self.job_id)
        voiced = await run.io_bound(preview_lines, self.services.executor.work_root / self.job_id) \
            if self._previewing(record) else None
        resume_at = await self._preview_position() if record.status == JobStatus.COMPLETED else None
        # No await from here on: the status is marked as shown only with its card drawn.
        if record.status != self.shown_status:
            self.shown_status = record.status
            self.shown_notices = []
            self._draw(record, resume_at)
        self._show_notices(record.notices or [])
        if record.status in OPEN_STATUSES:
            self._update_live(record, position or 0, eta)
            self._show_preview(voiced or [])
        else:
            self.timer.deactivate()

    def _previewing(self, record: records.JobRecord) -> bool:
        settings = self.services.settings
        # the player cannot send an API key, so a server that keys job reads shows no preview
        return (settings.live_preview and not settings.require_key_for_job_reads
                and record.status == JobStatus.PROCESSING and record.progress >= Milestone.VOICING)

    async def _preview_position(self) -> tuple[float, bool] | None:
        """Where the preview's player is (seconds, and whether it is playing), to go on from there on the final
        file."""
        if self.preview_player is None or self.shown_status == JobStatus.COMPLETED:
            return None
        script = (f"(() => {{ const a = document.getElementById('c{self.preview_player.id}'); "
                  "return a ? [a.currentTime, !a.paused] : null; })()")
        try:
            found = await ui.run_javascript(script, timeout=1.0)
        except TimeoutError:  # the page is gone or busy: start the final file from the top
            return None
        return (float(found[0]), bool(found[1])) if isinstance(found, list) and len(found) == 2 else None

    def _show_preview(self, voiced: list[dict[str, Any]]) -> None:
        """The episode so far, playable, with the lines voiced so far (each plays from its time)."""
        if self.preview_box is None or not voiced:
            return
        if self.preview_player is None:
            with self.preview_box:
                ui.label("Listen while it is made: the episode so far.").classes("text-sm")
                self.preview_player = ui.audio(f"/api/podcast/jobs/{self.job_id}/preview").classes("w-full").props(
                    'aria-label="The episode so far" preload=none').mark("preview-player")
                self.preview_transcript = TranscriptView([], self.preview_player)
        assert self.preview_transcript is not None
        self.preview_transcript.extend(voiced[len(self.preview_transcript.rows):])  # type: ignore[arg-type]

    def _draw(self, record: records.JobRecord, resume_at: tuple[float, bool] | None = None) -> None:
        self.card.clear()
        self.preview_box = self.preview_player = self.preview_transcript = None
        with self.card:
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(record.display_title or self.provisional or "Untitled note").classes("font-semibold")
                status = record.status.replace("_", " ")  # "awaiting review", not the API's spelling
                ui.badge(status, color=STATUS_COLOURS.get(JobStatus(record.status), "grey")).props(
                    'aria-label="Job status"')
            kind = format_name(record.format)
            edit = f" · version {record.edit_version}" if record.edit_version else ""
            ui.label(f"{record.duration.capitalize()}{'' if kind == 'conversation' else ' · ' + kind}{edit} · started "
                     f"{record.created_at:%Y-%m-%d %H:%M} UTC").classes("text-xs text-gray-500 -mt-2")
            self.notices = ui.column().classes("w-full gap-1").props("role=status")
            if record.status in OPEN_STATUSES:
                self.progress = ui.linear_progress(value=0, show_value=False, size="12px").props(
                    'aria-label="Generation progress" instant-feedback')
                self.step = ui.label("").classes("text-sm")
                with ui.row().classes("w-full items-center justify-between"):
                    self.detail = ui.label("").classes("text-xs text-gray-500")
                    ui.button("Cancel", icon="close", on_click=self.cancel).props(
                        'flat dense color=negative aria-label="Cancel this job"')
                self.preview_box = ui.column().classes("w-full gap-1")
            elif record.status == JobStatus.COMPLETED and record.audio_key:
                media = self.services.providers.media
                url = browser_url(media.url_for(record.audio_key), self.services.settings.public_base_url)
                player = episode_view(None, url, record.audio_duration or 0.0, record.transcript or [],
                                      record.podcast_id,
                                      side_file_urls(record.files, media, self.services.settings.public_base_url),
                                      name=record.display_title or "episode")
                if resume_at is not None:  # the listener goes on from where the preview was, on the final file
                    player.seek(resume_at[0])
                    if resume_at[1]:
                        player.play()
            elif record.status == JobStatus.AWAITING_REVIEW:
                ui.label("The script is written and waits for review; approve it to have it voiced.").classes(
                    "text-sm")
                self._script_view(record.user_id)
                with ui.row().classes("gap-2"):
                    ui.button("Approve and voice", icon="record_voice_over", on_click=self.approve).mark("approve")
                    ui.button("Cancel", icon="close", on_click=self.cancel).props("flat color=negative")
            else:
                message = "Cancelled." if record.status == JobStatus.CANCELLED else record.error or "Generation failed."
                ui.label(message).classes("text-red-600").props('role=alert')
                with ui.row().classes("gap-2"):
                    ui.button("Try again", icon="replay", on_click=self.try_again).props('aria-label="Try again"')
                    ui.button("Dismiss", icon="delete_sweep", on_click=self.dismiss).props(
                        'flat aria-label="Dismiss: remove this job from your history"').mark("dismiss")

    def _script_view(self, user_id: str) -> None:
        """The script to review, editable in place."""
        _, script, _, hosts = self.script_found or ("", None, 0, None)
        self.editor = ScriptEditor(self.services, script, hosts, user_id) if script else None

    def _show_notices(self, notices: list[str]) -> None:
        """What the listener should know about this episode (a short note, a debate made as a conversation),
        as plain text; added as the job learns them."""
        if self.notices is None or notices == self.shown_notices:
            return
        self.shown_notices = list(notices)
        self.notices.clear()
        with self.notices:
            for notice in notices:
                with ui.row().classes("items-start gap-1 no-wrap"):
                    ui.icon("info", size="xs").classes("text-amber-700 mt-0.5")
                    ui.label(notice).classes("text-sm text-amber-800")

    def _update_live(self, record: records.JobRecord, position: int, eta: int | None) -> None:
        assert self.progress is not None and self.step is not None and self.detail is not None
        self.progress.value = record.progress / 100  # linear_progress takes 0.0-1.0
        self.step.text = f"{record.progress}% · {record.current_step}"
        since = record.started_at or record.created_at
        elapsed = clock((datetime.now(UTC) - since).total_seconds())
        left = None if eta is None else self.countdown.left(record.status, record.progress, eta, time.monotonic())
        self.detail.text = (f"Position {position} in the queue · waiting {elapsed}" if record.status == JobStatus.QUEUED
                            else f"Elapsed {elapsed}") + (f" · {time_left(left)}" if left is not None else "")

    async def try_again(self) -> None:
        """Queue the same job again (the API's retry), resuming from its checkpoints; it counts against this
        address's episodes per hour like a new one."""
        wait = self.job_limit.take(self.address)
        if wait > 0:
            ui.notify(f"You have started {self.job_limit.limit} episodes in the last hour from this address. "
                      f"Please try again in {int(wait // 60) + 1} min.", type="warning")
            return
        try:
            await run.io_bound(self.services.executor.retry, self.job_id)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return
        self.shown_status = None
        self.timer.activate()
        await self.refresh()

    async def approve(self) -> None:
        """Store the edits, then voice the script (the API's approve)."""
        try:
            if self.editor is not None and self.editor.has_edits and self.script_found is not None:
                status, _, version, hosts = self.script_found
                stored = self.editor.stored()
                saved = await run.io_bound(jobs.replace_script, self.services.db, self.job_id, stored, version)
                self.script_found = (status, stored, int(saved or version), hosts)
            await run.io_bound(self.services.executor.approve, self.job_id)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return
        self.timer.activate()
        await self.refresh()

    async def dismiss(self) -> None:
        """Remove a failed or cancelled job from the history (the API's dismiss)."""
        try:
            await run.io_bound(jobs.dismiss, self.services.db, self.job_id)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return
        self.timer.deactivate()
        self.card.delete()
        ui.notify("Removed from your history")

    async def cancel(self) -> None:
        """Cancel through the same call as the API's cancel."""
        try:
            await run.io_bound(self.services.executor.cancel, self.job_id)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
        await self.refresh()


@dataclass
class Countdown:
    """The time left, ticking between the job's progress steps: the server's estimate only moves when the
    progress does, so a card would otherwise say "about 5 s left" for as long as a step lasts."""

    basis: tuple[str, int, int, float] | None = None  # status, progress, its estimate, and when it was first seen

    def left(self, status: str, progress: int, estimate: int, now: float) -> int:
        """Seconds left: the estimate, less the time since it was first given for this status and progress. A
        step that runs long stays at a few seconds rather than claiming the job is almost done."""
        if self.basis is None or self.basis[:3] != (status, progress, estimate):
            self.basis = (status, progress, estimate, now)
        floor = 0 if progress >= _NEARLY_DONE else _LONG_STEP_FLOOR
        return max(floor, round(estimate - (now - self.basis[3])))


def time_left(seconds: int) -> str:
    """"about 40 s left", "about 3 min left", "almost done"."""
    if seconds <= 2:
        return "almost done"
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    return f"about {round(seconds / 60)} min left"


# Dark enough for white badge text to keep 4.5:1 (Quasar's "positive", "grey" and "orange" do not).
STATUS_COLOURS = {JobStatus.QUEUED: "grey-8", JobStatus.PROCESSING: "indigo", JobStatus.COMPLETED: "green-9",
                  JobStatus.FAILED: "red-9", JobStatus.CANCELLED: "deep-orange-10",
                  JobStatus.AWAITING_REVIEW: "blue-grey-8"}
