"""Optional intro music: a bed that plays alone for a moment, then ducks under the hosts and fades away."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from errors import AudioError
from pipeline.audio.loudness import integrated_loudness
from pipeline.ffmpeg import AudioSegment, decode_to_pcm

_BED_BELOW_SPEECH_LU = 4.0  # alone, the music sits a little under the voices
_DUCK_DB = -16.0  # under speech it drops out of the way
_DUCK_MS, _FADE_OUT_MS = 600, 2500


def intro_bed(path: Path, sample_rate: int, lead_ms: int, seconds: float, speech_lufs: float) -> np.ndarray:
    """Float samples of the bed: `lead_ms` at full level, ducked from where speech starts, faded out by
    `seconds`. AudioError if the file is missing or not audio."""
    try:
        pcm = decode_to_pcm(path.read_bytes(), sample_rate)
    except (OSError, ValueError) as exc:
        raise AudioError(f"The intro music {path.name} could not be read: {exc}") from exc
    bed = AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)[: round(seconds * 1000)]
    samples = np.array(bed.get_array_of_samples(), dtype=np.float32) / 32768
    loudness = integrated_loudness(samples.astype(np.float64), sample_rate)
    if loudness != float("-inf"):
        samples *= 10 ** ((speech_lufs - _BED_BELOW_SPEECH_LU - loudness) / 20)
    envelope = np.ones(len(samples), dtype=np.float32)
    duck_from = max(0, sample_rate * (lead_ms - _DUCK_MS) // 1000)
    duck_to = min(len(samples), sample_rate * lead_ms // 1000)
    ducked = 10 ** (_DUCK_DB / 20)
    envelope[duck_from:duck_to] = np.linspace(1.0, ducked, duck_to - duck_from)
    envelope[duck_to:] = ducked
    fade = min(len(samples), sample_rate * _FADE_OUT_MS // 1000)
    envelope[len(samples) - fade:] *= np.linspace(1.0, 0.0, fade)
    return samples * envelope
