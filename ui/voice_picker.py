"""Choosing the two hosts' voices, each with a button that plays a few seconds of the chosen voice."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui

from pipeline.services import Services


class VoicePicker:
    """One select per host (the server's default hosts preselected) and one shared player for the samples."""

    def __init__(self, services: Services) -> None:
        providers = services.providers
        options = {info.name: info.label for info in providers.voices.available()}
        self.names = [host.name for host in providers.hosts]
        self.selects: list[ui.select] = []
        for number, host in enumerate(providers.hosts, 1):
            with ui.row().classes("items-center gap-1 no-wrap"):
                select = ui.select(options, value=host.voice, label=f"{host.name}'s voice").classes("w-64")
                select.props("outlined")
                select.mark(f"host-voice-{number}")
                select.props["aria-label"] = f"{host.name}'s voice"
                play = ui.button(icon="play_arrow", on_click=lambda _, chosen=select: self.play(chosen.value))
                play.props("flat round")
                play.props["aria-label"] = f"Play a sample of {host.name}'s voice"
                play.mark(f"voice-sample-{number}")
            self.selects.append(select)
        # the player appears on the first play (an <audio> with an empty src would fetch the page itself)
        self.player = ui.element("div")

    def play(self, voice: str | None) -> None:
        """Play the sample of `voice` (made on the server the first time it is asked for)."""
        if voice:
            self.player.clear()
            with self.player:
                # served by api/voices.py (the UI and the API are siblings, so the path is spelled out here)
                ui.audio(f"/api/voices/{quote(voice, safe=':')}/sample", autoplay=True).classes("h-10 w-64")

    def hosts(self) -> list[dict[str, str]]:
        """The request's `hosts`: each host with the chosen voice."""
        return [{"name": name, "voice": select.value} for name, select in zip(self.names, self.selects, strict=True)]
