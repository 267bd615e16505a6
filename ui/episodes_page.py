"""`/episodes` (this browser's history) and `/episodes/{podcastId}` (one episode)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nicegui import run, ui

from pipeline.durations import DURATIONS
from pipeline.services import Services
from store import queries, records
from store.models import JobStatus
from ui.episode_view import browser_url, episode_view, side_file_urls
from ui.feed_panel import feed_panel
from ui.job_card import JobCard
from ui.theme import clock
from ui.throttle import RateLimit

_HISTORY_LIMIT = 100


async def history_page(services: Services, user_id: str, job_limit: RateLimit) -> None:
    """Finished podcasts and unfinished jobs, newest first; running ones keep their live bars."""
    ui.label("Your episodes").classes("text-2xl font-bold").props("role=heading aria-level=1")
    await feed_panel(services, user_id)
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
    for _, kind, item in entries:
        if kind == "job":
            assert isinstance(item, records.JobRecord)
            JobCard(services, item.job_id, job_limit)
            continue
        assert isinstance(item, dict)
        with ui.card().classes("w-full"):
            link = ui.link(target=f"/episodes/{item['podcast_id']}").classes("w-full no-underline text-inherit")
            link.props["aria-label"] = f"Open {item['title']}"  # on the element: a title is data, not markup
            with link.mark("episode-link"):
                _podcast_summary(item)


def _podcast_summary(item: dict[str, Any]) -> None:
    with ui.row().classes("w-full items-center justify-between"):
        ui.label(item["title"]).classes("font-semibold")
        ui.badge(JobStatus.COMPLETED, color="positive")
    ui.label(f"{_duration_label(item['duration'])} · {clock(item['audio_duration'])} · "
             f"{item['created_at']:%Y-%m-%d %H:%M} UTC").classes("text-xs text-gray-500")


async def episode_page(services: Services, user_id: str, podcast_id: str) -> None:
    """One episode, visible only to the browser that made it."""
    podcast = await run.io_bound(queries.get_podcast, services.db, podcast_id) if len(podcast_id) <= 64 else None
    if podcast is None or podcast["user_id"] != user_id:
        ui.label("Episode not found").classes("text-xl font-semibold").props("role=heading aria-level=1")
        ui.label("It may belong to another browser, or it was deleted.").classes("text-gray-500")
        ui.link("Back to your episodes", "/episodes")
        return
    media, base = services.providers.media, services.settings.public_base_url
    url = browser_url(media.url_for(podcast["audio_key"]), base)
    with ui.card().classes("w-full"):
        episode_view(podcast["title"], url, podcast["audio_duration"], podcast["transcript"],
                     files=side_file_urls(podcast.get("files"), media, base))
    ui.label(f"Made {podcast['created_at']:%Y-%m-%d %H:%M} UTC").classes("text-xs text-gray-500")


def _duration_label(name: str) -> str:
    found = DURATIONS.get(name)
    return found.label if found else name
