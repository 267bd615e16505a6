"""The finished episode: player, downloads, copy link, chapters and a transcript whose lines seek the player."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui

from pipeline.episode.transcripts import clock
from store.media import MediaStore
from store.records import Transcript
from ui.transcript_view import chapters_view, transcript_view

_SIDE_FILES = (("vtt", "Transcript (VTT)"), ("srt", "Transcript (SRT)"), ("chapters", "Chapters (JSON)"))


def browser_url(absolute_url: str, public_base_url: str) -> str:
    """Media on this server is linked relatively, so the page works whatever host name the browser used."""
    if absolute_url.startswith(public_base_url + "/media/"):
        return absolute_url.removeprefix(public_base_url)
    return absolute_url


def side_file_urls(files: dict[str, str] | None, media: MediaStore, public_base_url: str) -> dict[str, str]:
    """Browser URLs of an episode's transcript and chapter files, by kind."""
    return {kind: browser_url(media.url_for(key), public_base_url) for kind, key in (files or {}).items()}


def absolute_url(url: str, origin: str) -> str:
    """`url` as a link to share: relative media links get the origin the browser is using."""
    return origin.rstrip("/") + url if url.startswith("/") else url


def download_url(url: str, name: str) -> str:
    """`url` with `?download=<name>`, so the server saves it as a file named after the episode (not `true.mp3`)."""
    return f"{url}{'&' if '?' in url else '?'}download={quote(name, safe='')}"


def episode_view(title: str | None, audio_url: str, duration: float, transcript: Transcript,
                 podcast_id: str | None = None, files: dict[str, str] | None = None, name: str = "episode"
                 ) -> ui.audio:
    """Everything a listener needs for one episode; `title=None` when the caller already shows it. `files` are
    the URLs of the transcript and chapter files, by kind; `name` (the episode's title) names downloads."""
    with ui.row().classes("w-full items-baseline justify-between"):
        if title:  # only the episode page passes one: it is that page's main heading
            ui.label(title).classes("text-lg font-semibold").props("role=heading aria-level=1")
        ui.label(f"Length {clock(duration)}").classes("text-sm text-gray-500")
    player = ui.audio(audio_url).classes("w-full").props('aria-label="Episode audio player" preload=metadata')
    with ui.row().classes("gap-2 flex-wrap"):
        kind = audio_url.rsplit(".", 1)[-1].upper()
        download = ui.button(f"Download {kind}", icon="download").props("download type=a")
        # values go onto the element, never into a props string: data must not be parsed as markup
        download.props["href"] = download_url(audio_url, title or name)
        download.props["aria-label"] = f"Download {kind}"

        async def copy_link() -> None:
            origin = await ui.run_javascript("window.location.origin")
            ui.clipboard.write(absolute_url(audio_url, str(origin)))
            ui.notify("Link copied")

        ui.button("Copy link", icon="link", on_click=copy_link).props('outline aria-label="Copy link to the audio"')
        if files:
            with ui.button("Transcript & chapters", icon="description").props("outline"), ui.menu():
                for file_kind, label in _SIDE_FILES:
                    if file_kind in files:
                        item = ui.menu_item(label).props("download type=a").mark(f"download-{file_kind}")
                        item.props["href"] = download_url(files[file_kind], title or name)
        if podcast_id:
            ui.link("Episode page", f"/episodes/{podcast_id}").classes("self-center")
    chapters_view(transcript, player)
    transcript_view(transcript, player)
    return player
