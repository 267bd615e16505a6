"""Lays voiced turns and pauses end to end into one float PCM file on disk, level-matching every turn.

The mix goes to disk as it is made, so a long episode never sits in memory whole; mastering (pipeline.mastering)
then measures and encodes that file. Float samples mean level matching can never clip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from errors import AudioError
from pipeline.loudness import match_level

# Every turn is brought to this loudness before mixing so the hosts sound equally loud; the mastering chain
# is tuned for speech at about this level.
TURN_LOUDNESS_LUFS = -20.0
MIX_FORMAT = "f32le"


class EpisodeMixer:
    """Appends speech and silence to `path`; `bed` (optional intro music, already shaped) plays under the start."""

    def __init__(self, path: Path, sample_rate: int, ramp_ms: int = 10, bed: np.ndarray | None = None,
                 lead_ms: int = 0) -> None:
        self.path, self.sample_rate = path, sample_rate
        self._ramp = np.linspace(0.0, 1.0, max(1, sample_rate * ramp_ms // 1000), dtype=np.float32)
        self._bed = bed if bed is not None else np.zeros(0, dtype=np.float32)
        self._frames = 0
        try:
            self._file = path.open("wb")
        except OSError as exc:
            raise AudioError(f"Could not write the mix: {exc.strerror}") from exc
        if lead_ms:
            self.add_pause(lead_ms)

    @property
    def seconds(self) -> float:
        """Length written so far."""
        return self._frames / self.sample_rate

    def add_pause(self, milliseconds: int) -> None:
        """Silence between turns (or under the intro music)."""
        self._write(np.zeros(self.sample_rate * milliseconds // 1000, dtype=np.float32))

    def add_speech(self, pcm: bytes) -> tuple[float, float]:
        """Append one voiced turn (16-bit PCM), level-matched, ramped in and out so no join clicks.
        Returns the turn's (start, end) in seconds."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768
        samples = match_level(samples, self.sample_rate, TURN_LOUDNESS_LUFS).astype(np.float32)
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
            self._file.write(samples.astype("<f4").tobytes())
        except OSError as exc:
            raise AudioError(f"Could not write the mix: {exc.strerror}") from exc
        self._frames += len(samples)

    def finish(self) -> float:
        """Close the file (with the rest of the music bed, if the speech ended first); returns the length."""
        if self._frames < len(self._bed):
            self.add_pause((len(self._bed) - self._frames) * 1000 // self.sample_rate + 1)
        self._file.close()
        return self.seconds

    def abandon(self) -> None:
        """Drop the partial mix."""
        self._file.close()
        self.path.unlink(missing_ok=True)
