"""Test doubles for the provider seams. They live here, never in the shipped code path."""

from __future__ import annotations

import math
import struct
import threading
import time

from errors import ScriptError, VoiceError
from pipeline.sentences import word_count
from pipeline.voices.base import Host, VoiceInfo
from pipeline.writers.base import Script, ScriptWriter, Section, Turn, WritingRequest


class ToneVoice:
    """A fast stand-in voice: a tone whose length grows with the text. Records what it was asked to say in
    `calls` (shared by the voices of one `ToneVoices`)."""

    sample_rate = 22_050
    concurrency = 1

    def __init__(self, name: str = "tone:low", frequency: float = 180.0, seconds_per_word: float = 0.02,
                 calls: list[tuple[str, str]] | None = None, lock: threading.Lock | None = None) -> None:
        self.name, self.frequency, self.seconds_per_word = name, frequency, seconds_per_word
        self.calls: list[tuple[str, str]] = calls if calls is not None else []
        self.lock = lock or threading.Lock()

    def cache_identity(self) -> str:
        return f"tone|{self.seconds_per_word}|{self.frequency}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def synthesize(self, text: str) -> bytes:
        with self.lock:
            self.calls.append((text, self.name))
        frames = max(1, int(self.sample_rate * self.seconds_per_word * max(1, word_count(text))))
        return b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * self.frequency * i / self.sample_rate)))
            for i in range(frames)
        )


class ToneVoices:
    """A voice catalogue of two tone voices, `tone:low` and `tone:high`; `calls` records every turn voiced, as
    (spoken text, voice name)."""

    def __init__(self, seconds_per_word: float = 0.02, voice_class: type[ToneVoice] = ToneVoice,
                 **options: float) -> None:
        self.calls: list[tuple[str, str]] = []
        lock = threading.Lock()
        self.voices = {name: voice_class(name, frequency, seconds_per_word, self.calls, lock, **options)
                       for name, frequency in (("tone:low", 180.0), ("tone:high", 240.0))}

    def available(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, name.capitalize()) for name in self.voices]

    def voice(self, name: str) -> ToneVoice:
        if name not in self.voices:
            raise VoiceError(f"There is no voice {name!r} on this server")
        return self.voices[name]


TONE_HOSTS = (Host("Alex", "tone:low"), Host("Sam", "tone:high"))


class PacedVoice(ToneVoice):
    """The tone voice, taking a fixed time per turn, as a real voice does (for watching progress)."""

    def __init__(self, *args: object, seconds_per_turn: float = 0.3) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.seconds_per_turn = seconds_per_turn

    def synthesize(self, text: str) -> bytes:
        time.sleep(self.seconds_per_turn)
        return super().synthesize(text)


class RecordingWriter:
    """Writes a tiny fixed-shape script and records which notes it was asked for, in order."""

    name = "recording"
    identity = "recording"
    languages = None
    can_expand = True

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.requests: list[WritingRequest] = []
        self.lock = threading.Lock()

    def write(self, request: WritingRequest) -> Script:
        note = request.note
        with self.lock:
            self.notes.append(note)
            self.requests.append(request)
        first, second = request.hosts
        return Script(title=request.title or "Test", sections=(
            Section("Intro", (Turn(first, "Hello there."), Turn(second, "Hi."))),
            Section("Body", (Turn(first, note[:200]),)),
        ))


class FailOnceWriter:
    """Fails the first script it is asked for with a readable error, then delegates."""

    name = "fail-once"

    def __init__(self, inner: ScriptWriter) -> None:
        self.inner, self.failed = inner, False
        self.identity, self.languages, self.can_expand = inner.identity, inner.languages, inner.can_expand

    def write(self, request: WritingRequest) -> Script:
        if not self.failed:
            self.failed = True
            raise ScriptError("The script writer is unavailable right now")
        return self.inner.write(request)


class QuietSink:
    """A progress sink that hears everything and never asks the job to stop (for running the steps directly)."""

    def report(self, percent: int, step: str) -> None: ...
    def script_written(self, target_words: int, script_words: int, notices: list[str]) -> None: ...
    def segments_voiced(self, total: int, cached: int) -> None: ...
    def should_stop(self) -> bool:
        return False


class RecordingSink:
    """A progress sink that never stops the job and keeps what it was told."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.segments: tuple[int, int] | None = None

    def report(self, percent: int, step: str) -> None:
        self.steps.append(step)

    def should_stop(self) -> bool:
        return False

    def segments_voiced(self, total: int, cached: int) -> None:
        self.segments = (total, cached)
