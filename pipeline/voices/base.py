"""The `Voice` seam (text in, one speaker's mono 16-bit PCM out), the catalogue of voices a server offers, and
the cast of one episode: two hosts, each with a name and a voice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from errors import VoiceError


class Voice(Protocol):
    """One speaker: turns text into mono 16-bit PCM at `sample_rate`."""

    name: str  # `engine:voice`, e.g. `piper:joe`
    sample_rate: int
    concurrency: int  # how many turns may be voiced at once

    def synthesize(self, text: str) -> bytes:
        """PCM for `text` (already normalised for speech)."""
        ...

    def cache_identity(self) -> str:
        """Everything besides the text that shapes this voice's audio (the segment cache's key includes it)."""
        ...

    def warm_up(self) -> None:
        """Load whatever the first turn would otherwise wait for (a model); nothing for a remote voice."""
        ...


@dataclass(frozen=True)
class VoiceInfo:
    """What a listener needs to pick a voice."""

    name: str
    label: str
    language: str = "en"  # ISO 639-1; "multi" for voices that speak the note's language whatever it is


class VoiceCatalog(Protocol):
    """The voices this server can speak with; a voice is built once and shared by every job."""

    def available(self) -> list[VoiceInfo]:
        """Every voice a request may name, in the order to offer them."""
        ...

    def voice(self, name: str) -> Voice:
        """The named voice; VoiceError when this server has no such voice."""
        ...


@dataclass(frozen=True)
class Host:
    """A host of an episode: the name the script uses, and the voice that speaks it."""

    name: str
    voice: str

    def as_json(self) -> dict[str, str]:
        """`{name, voice}`, as stored on jobs and podcasts and shown by the API."""
        return {"name": self.name, "voice": self.voice}


def hosts_from_json(stored: object, default: tuple[Host, Host]) -> tuple[Host, Host]:
    """The hosts stored on a job; `default` for jobs queued before hosts were stored."""
    if not isinstance(stored, list) or len(stored) != 2:
        return default
    try:
        first, second = (Host(str(entry["name"]), str(entry["voice"])) for entry in stored)
    except (KeyError, TypeError):
        return default
    return first, second


@dataclass(frozen=True)
class Cast:
    """The two voiced hosts of one episode, first the one who opens it."""

    hosts: tuple[Host, Host]
    voices: tuple[Voice, Voice]

    @classmethod
    def of(cls, hosts: tuple[Host, Host], catalog: VoiceCatalog) -> Cast:
        """Each host with their voice from `catalog`."""
        return cls(hosts, (catalog.voice(hosts[0].voice), catalog.voice(hosts[1].voice)))

    @property
    def names(self) -> tuple[str, str]:
        """The hosts' names, as the script writer needs them."""
        return self.hosts[0].name, self.hosts[1].name

    @property
    def sample_rate(self) -> int:
        """The mix rate: the highest of the voices' rates, so no voice loses detail."""
        return max(voice.sample_rate for voice in self.voices)

    @property
    def concurrency(self) -> int:
        """Turns in flight at once."""
        return max(voice.concurrency for voice in self.voices)

    def voice_for(self, speaker: str) -> Voice:
        """The voice of the host named `speaker` (a script only names its two hosts)."""
        return self.voices[1] if speaker == self.hosts[1].name else self.voices[0]

    def identity(self) -> str:
        """Both hosts and their voices' identities: what a script's and an episode's sound depends on."""
        return "|".join(f"{host.name}={voice.name}:{voice.cache_identity()}"
                        for host, voice in zip(self.hosts, self.voices, strict=True))

    def warm_up(self) -> None:
        """Load both voices' models."""
        for voice in self.voices:
            voice.warm_up()


def check_hosts(hosts: Sequence[Host], catalog: VoiceCatalog) -> None:
    """VoiceError naming the first voice this server does not have, or two hosts with one name."""
    offered = {info.name for info in catalog.available()}
    for host in hosts:
        if host.voice not in offered:
            raise VoiceError(f"There is no voice {host.voice!r} on this server; available: "
                             f"{', '.join(sorted(offered))}")
    if len({host.name.casefold() for host in hosts}) != len(hosts):
        raise VoiceError("The two hosts need different names")
