"""Lays voiced turns and pauses end to end as one float PCM stream, level-matching every turn.

The mix streams out as it is made (into mastering's first pass, see pipeline.audio.mastering), so a long episode
never sits in memory whole. Float samples mean level matching can never clip.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from errors import AudioError
from pipeline.audio.dynamics import matching_gain

# Every turn is brought to about this loudness before mixing, corrected for what the mastering dynamics will
# take off it (see pipeline.audio.dynamics), so the hosts sound equally loud; the chain is tuned for this level.
TURN_LOUDNESS_LUFS = -20.0
MIX_FORMAT = "f32le"


class MixSink(Protocol):
    """Where the mix goes: mono little-endian float32 samples."""

    def write(self, data: bytes) -> object:
        """Take the next samples."""
        ...


class EpisodeMixer:
    """Appends speech and silence to `sink`; `bed` (optional intro music, already shaped) plays under the start."""

    def __init__(self, sink: MixSink, sample_rate: int, ramp_ms: int = 10, bed: np.ndarray | None = None,
                 lead_ms: int = 0) -> None:
        self.sink, self.sample_rate = sink, sample_rate
        self._ramp = np.linspace(0.0, 1.0, max(1, sample_rate * ramp_ms // 1000), dtype=np.float32)
        self._bed = bed if bed is not None else np.zeros(0, dtype=np.float32)
        self._frames = 0
        self.last_gain = 1.0
        if lead_ms:
            self.add_pause(lead_ms)

    @property
    def seconds(self) -> float:
        """Length written so far."""
        return self._frames / self.sample_rate

    def add_pause(self, milliseconds: int) -> None:
        """Silence between turns (or under the intro music)."""
        self._write(np.zeros(self.sample_rate * milliseconds // 1000, dtype=np.float32))

    def add_speech(self, pcm: bytes, gain: float | None = None) -> tuple[float, float]:
        """Append one voiced turn (16-bit PCM), level-matched (by `gain` when the caller knows it from an
        earlier mix), ramped in and out so no join clicks. Returns the turn's (start, end) in seconds; the gain
        it was matched with is then `last_gain`."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768
        self.last_gain = matching_gain(samples, self.sample_rate, TURN_LOUDNESS_LUFS) if gain is None else gain
        samples = (samples * self.last_gain).astype(np.float32)
        ramp = self._ramp[: len(samples) // 2]
        if len(ramp):
            samples[: len(ramp)] *= ramp
            samples[len(samples) - len(ramp):] *= ramp[::-1]
        start = self.seconds
        self._write(samples)
        return start, self.seconds

    def _write(self, samples: np.ndarray) -> None:
        start = self._frames
        overlap = self._bed[start: start + len(samples)]
        if len(overlap):
            samples = samples.copy()
            samples[: len(overlap)] += overlap
        try:
            self.sink.write(samples.astype("<f4").tobytes())
        except OSError as exc:
            raise AudioError(f"Could not write the mix: {exc.strerror}") from exc
        self._frames += len(samples)

    def finish(self) -> float:
        """Play out the rest of the music bed, if the speech ended first; returns the length."""
        if self._frames < len(self._bed):
            self.add_pause((len(self._bed) - self._frames) * 1000 // self.sample_rate + 1)
        return self.seconds
