"""Measurements on real audio for the tests: decoding with ffmpeg and estimating pitch (YIN)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from pipeline.ffmpeg import ffmpeg_exe


def decode(path: Path, rate: int = 16_000) -> np.ndarray:
    """Decode any audio file to mono float samples at `rate` with the bundled ffmpeg."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate),
                          "pipe:1"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float64)


def median_pitch(pcm: bytes, rate: int, fmin: float = 60, fmax: float = 400) -> float:
    """Median fundamental frequency of voiced frames, by the YIN method (robust to octave errors)."""
    x = np.frombuffer(pcm, dtype=np.int16).astype(np.float64)
    frame, hop = int(rate * 0.04), int(rate * 0.01)
    tau_min, tau_max = int(rate / fmax), int(rate / fmin)
    found = []
    for i in range(0, len(x) - frame - tau_max, hop):
        window = x[i:i + frame + tau_max]
        if np.sqrt(np.mean(window[:frame] ** 2)) < 300:
            continue
        diff = np.array([np.sum((window[:frame] - window[t:t + frame]) ** 2) for t in range(tau_max + 1)])
        normalised = np.ones_like(diff)
        normalised[1:] = diff[1:] * np.arange(1, tau_max + 1) / np.maximum(np.cumsum(diff[1:]), 1e-9)
        below = np.where(normalised[tau_min:] < 0.15)[0]
        if not len(below):
            continue
        tau = tau_min + below[0]
        while tau + 1 <= tau_max and normalised[tau + 1] < normalised[tau]:
            tau += 1
        found.append(rate / tau)
    assert found, "no voiced frames found"
    return float(np.median(found))


def ebur128(samples: np.ndarray, rate: int) -> dict[str, float]:
    """Integrated loudness (LUFS), loudness range (LU) and true peak (dBTP) by ffmpeg's ebur128 filter."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-f", "f32le", "-ar", str(rate), "-ac", "1",
                             "-i", "pipe:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                            input=samples.astype("<f4").tobytes(), capture_output=True, check=True)
    return _summary(result.stderr.decode())


def file_ebur128(path: Path) -> dict[str, float]:
    """`ebur128` of an encoded file, read exactly as a listener's player decodes it."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                             "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], capture_output=True, check=True)
    return _summary(result.stderr.decode())


def _summary(text: str) -> dict[str, float]:
    summary = text[text.rindex("Summary:"):]
    found: dict[str, float] = {}
    for line in summary.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("I:", "LRA:", "Peak:") and parts[0][:-1] not in found:
            found[parts[0][:-1]] = float(parts[1])
    return {"integrated": found["I"], "range": found["LRA"], "true_peak": found["Peak"]}


def decode_float(path: Path, rate: int) -> np.ndarray:
    """Decode to mono float samples in [-1, 1]."""
    return decode(path, rate) / 32768
