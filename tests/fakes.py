"""Test doubles for the provider seams. They live here, never in the shipped code path."""

from __future__ import annotations

import math
import struct
import threading
import time

from errors import ScriptError
from pipeline.sentences import word_count
from pipeline.writers.base import Script, ScriptWriter, Section, Turn


class ToneVoice:
    """A fast stand-in voice: a tone whose length grows with the text, pitch differing per host."""

    name = "tone"
    sample_rate = 22_050
    concurrency = 1

    def __init__(self, seconds_per_word: float = 0.02) -> None:
        self.seconds_per_word = seconds_per_word
        self.calls: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def cache_identity(self, host_index: int) -> str:
        return f"tone|{self.seconds_per_word}|{host_index}"

    def warm_up(self) -> None:
        """Nothing to load."""

    def synthesize(self, text: str, host_index: int) -> bytes:
        with self.lock:
            self.calls.append((text, host_index))
        frames = max(1, int(self.sample_rate * self.seconds_per_word * max(1, word_count(text))))
        frequency = 180.0 if host_index == 0 else 240.0
        return b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / self.sample_rate)))
            for i in range(frames)
        )


class PacedVoice(ToneVoice):
    """The tone voice, taking a fixed time per turn, as a real voice does (for watching progress)."""

    def __init__(self, seconds_per_turn: float) -> None:
        super().__init__()
        self.seconds_per_turn = seconds_per_turn

    def synthesize(self, text: str, host_index: int) -> bytes:
        time.sleep(self.seconds_per_turn)
        return super().synthesize(text, host_index)


class RecordingWriter:
    """Writes a tiny fixed-shape script and records which notes it was asked for, in order."""

    name = "recording"
    identity = "recording"

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.lock = threading.Lock()

    def write(self, note: str, title: str | None, target_words: int) -> Script:
        with self.lock:
            self.notes.append(note)
        return Script(title=title or "Test", sections=(
            Section("Intro", (Turn("Alex", "Hello there."), Turn("Sam", "Hi."))),
            Section("Body", (Turn("Alex", note[:200]),)),
        ))


class FailOnceWriter:
    """Fails the first script it is asked for with a readable error, then delegates."""

    name = "fail-once"

    def __init__(self, inner: ScriptWriter) -> None:
        self.inner, self.failed = inner, False
        self.identity = inner.identity

    def write(self, note: str, title: str | None, target_words: int) -> Script:
        if not self.failed:
            self.failed = True
            raise ScriptError("The script writer is unavailable right now")
        return self.inner.write(note, title, target_words)
