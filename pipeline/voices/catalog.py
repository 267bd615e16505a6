"""The voices this server offers, named `engine:voice`: the offline voices inside the installed wheels, and
OpenAI's (or a compatible server's) when a key is configured. Each voice is built once, on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable

from errors import VoiceError
from pipeline.voices.base import Host, Voice, VoiceInfo
from pipeline.voices.hibari import HibariVoice
from pipeline.voices.piper import PiperModel, PiperVoice
from settings import OFFLINE_VOICES, Settings


class SettingsVoiceCatalog:
    """Every voice the settings make available; the Piper model is shared by its two voices."""

    def __init__(self, settings: Settings) -> None:
        self._built: dict[str, Voice] = {}
        self._lock = threading.Lock()
        piper = PiperModel(settings.piper_threads)
        self._makers: dict[str, Callable[[], Voice]] = {
            "piper:joe": lambda: PiperVoice(piper),
            "hibari:heart": lambda: HibariVoice(settings.hibari_threads),
            "piper:joe-pitched": lambda: PiperVoice(piper, "piper:joe-pitched", settings.second_host_pitch),
        }
        self._labels = dict(OFFLINE_VOICES)
        if settings.openai_api_key:
            from pipeline.voices.openai import OPENAI_VOICES

            for voice in dict.fromkeys([*settings.openai_voice_list, *OPENAI_VOICES]):
                self._makers[f"openai:{voice}"] = _openai_maker(settings, voice)
                self._labels[f"openai:{voice}"] = f"{voice.capitalize()} (OpenAI, speaks the note's language)"
        # listed once: every enqueue checks its hosts against them
        self._available = tuple(VoiceInfo(name, self._labels[name], "multi" if name.startswith("openai:") else "en")
                                for name in self._makers)

    def available(self) -> list[VoiceInfo]:
        """Offline voices first, then OpenAI's."""
        return list(self._available)

    def voice(self, name: str) -> Voice:
        """The named voice, built on first use."""
        with self._lock:
            found = self._built.get(name)
            if found is None:
                maker = self._makers.get(name)
                if maker is None:
                    raise VoiceError(f"There is no voice {name!r} on this server")
                found = self._built[name] = maker()
            return found


def _openai_maker(settings: Settings, voice: str) -> Callable[[], Voice]:
    def make() -> Voice:
        from pipeline.voices.openai import OpenAIVoice

        return OpenAIVoice(settings, voice)

    return make


def default_hosts(settings: Settings) -> tuple[Host, Host]:
    """HOST_NAMES with HOST_VOICES."""
    names, voices = settings.hosts, settings.host_voice_list
    return Host(names[0], voices[0]), Host(names[1], voices[1])
