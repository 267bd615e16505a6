"""`/episodes` (this browser's history) and `/episodes/{podcastId}` (one episode)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import run, ui

from pipeline.durations import DURATIONS
from pipeline.episode.transcripts import clock
from pipeline.services import Services
from pipeline.writers.notes import provisional_title
from store import podcasts, queries, records
from store.models import JobStatus
from ui.devices_panel import devices_panel
from ui.episode_actions import episode_actions
from ui.episode_editing import earlier_versions, script_panel
from ui.episode_view import browser_url, episode_view, side_file_urls
from ui.feed_panel import feed_panel
from ui.job_card import STATUS_COLOURS, JobCard
from ui.throttle import RateLimit, SignInThrottle

_HISTORY_LIMIT = 100


async def history_page(services: Services, user_id: str, job_limit: RateLimit, code_throttle: SignInThrottle
                       ) -> None:
    """Finished podcasts and unfinished jobs, newest first; running ones keep their live bars."""
    ui.label("Your episodes").classes("text-2xl font-bold").props("role=heading aria-level=1")
    await feed_panel(services, user_id)
    devices_panel(services, user_id, code_throttle)
    podcasts = await run.io_bound(queries.list_podcasts_for_user, services.db, user_id, _HISTORY_LIMIT) or []
    jobs = await run.io_bound(queries.list_for_user, services.db, user_id, _HISTORY_LIMIT) or []
    open_jobs = [job for job in jobs if job.status != JobStatus.COMPLETED]
    entries: list[tuple[datetime, str, object]] = [(p["created_at"], "podcast", p) for p in podcasts]
    entries += [(job.created_at, "job", job) for job in open_jobs]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    if not entries:
        ui.label("No episodes yet — paste a note to make your first one.").classes("text-gray-500")
        ui.link("Create an episode", "/")
        return
    search = ui.input("Search by title").props('outlined dense clearable aria-label="Search your episodes by title"'
                                               ).classes("w-full").mark("history-search")
    titled: list[tuple[str, ui.element]] = []
    for _, kind, item in entries:
        if kind == "job":
            assert isinstance(item, records.JobRecord)
            card = JobCard(services, item.job_id, job_limit)
            note = "" if item.display_title else await run.io_bound(queries.note_of, services.db, item.job_id)
            titled.append((item.display_title or provisional_title(note or ""), card.card))
            continue
        assert isinstance(item, dict)
        with ui.card().classes("w-full") as card_element:
            # named by its content (title, length, date): an aria-label would hide the rest from screen readers
            link = ui.link(target=f"/episodes/{item['podcast_id']}").classes("w-full no-underline text-inherit")
            with link.mark("episode-link"):
                _podcast_summary(item)
        titled.append((item["title"], card_element))
    nothing = ui.label("No episode has that in its title.").classes("text-gray-500").props("role=status")
    nothing.visible = False

    def show_matches() -> None:
        wanted = (search.value or "").strip().casefold()
        for title, element in titled:
            element.visible = wanted in title.casefold()
        nothing.visible = bool(wanted) and not any(wanted in title.casefold() for title, _ in titled)

    search.on_value_change(show_matches)


def _podcast_summary(item: dict[str, Any]) -> None:
    with ui.row().classes("w-full items-center justify-between"):
        ui.label(item["title"]).classes("font-semibold")
        ui.badge(JobStatus.COMPLETED, color=STATUS_COLOURS[JobStatus.COMPLETED])
    ui.label(f"{_duration_label(item['duration'])} · {clock(item['audio_duration'])} · "
             f"{item['created_at']:%Y-%m-%d %H:%M} UTC").classes("text-xs text-gray-500")


async def episode_page(services: Services, user_id: str, podcast_id: str, job_limit: RateLimit) -> None:
    """One episode, visible only to the browser that made it (any other gets a 404), with the owner's actions."""
    podcast = await run.io_bound(queries.get_podcast, services.db, podcast_id) if len(podcast_id) <= 64 else None
    if podcast is None or podcast["user_id"] != user_id:
        not_found("It may belong to another browser, or it was deleted.", ("Back to your episodes", "/episodes"))
        return
    _episode(services, podcast)
    episode_actions(services, podcast)
    script_panel(services, podcast, job_limit)
    await earlier_versions(services, podcast)


async def shared_episode_page(services: Services, token: str) -> None:
    """A shared episode, for anyone with its link: the player and transcript, nothing of the owner's history."""
    podcast = await run.io_bound(podcasts.shared, services.db, token)
    if podcast is None:
        not_found("This share link was turned off, or the episode was deleted.", ("Make your own episode", "/"))
        return
    _episode(services, podcast)


def _episode(services: Services, podcast: dict[str, Any]) -> None:
    media, base = services.providers.media, services.settings.public_base_url
    url = browser_url(media.url_for(podcast["audio_key"]), base)
    with ui.card().classes("w-full"):
        episode_view(podcast["title"], url, podcast["audio_duration"], podcast["transcript"],
                     files=side_file_urls(podcast.get("files"), media, base))
    made = f"Made {podcast['created_at']:%Y-%m-%d %H:%M} UTC"
    updated = records.as_utc(podcast.get("updated_at"))
    if updated is not None:
        made += f" · version {podcast.get('version') or 1} made {updated:%Y-%m-%d %H:%M} UTC"
    ui.label(made).classes("text-xs text-gray-500")


def not_found(why: str, way_on: tuple[str, str]) -> None:
    """"Episode not found", answered with a 404 status."""
    ui.context.client.status_code = 404
    ui.label("Episode not found").classes("text-xl font-semibold").props("role=heading aria-level=1")
    ui.label(why).classes("text-gray-500")
    ui.link(*way_on)


def _duration_label(name: str) -> str:
    found = DURATIONS.get(name)
    return found.label if found else name
