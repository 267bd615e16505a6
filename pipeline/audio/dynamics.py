"""The mastering chain's dynamics (a compressor, then a limiter), as ffmpeg runs them on the whole mix, and a
fast in-process estimate of what they will do to one turn.

Two voices at the same loudness can have different peaks: Piper's Joe peaks about 3 dB higher than hibari's
Heart at equal loudness, so the compressor and limiter take more off Joe, and he ends up quieter in the master.
Matching each turn's level *after* the estimated dynamics keeps the hosts within a fraction of a LU.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pipeline.audio.loudness import SILENT, gated_loudness, k_weighted

COMPRESSOR_THRESHOLD = 0.125  # -18 dBFS
COMPRESSOR_RATIO = 2.5
COMPRESSOR_MAKEUP = 2.0
COMPRESSOR_RELEASE_MS = 150
LIMITER_CEILING = 0.5  # -6 dBFS
LIMITER_RELEASE_MS = 60
# Tuned on speech mixed at about -20 LUFS: brings the peak-to-loudness ratio near 14.5 dB, so pass 2's one gain
# to -16 LUFS leaves almost every peak under the ceiling and its limiter has little to do.
FFMPEG_DYNAMICS = (f"acompressor=threshold={COMPRESSOR_THRESHOLD}:ratio={COMPRESSOR_RATIO}:attack=2:"
                   f"release={COMPRESSOR_RELEASE_MS}:knee=4:makeup={COMPRESSOR_MAKEUP},"
                   f"alimiter=limit={LIMITER_CEILING}:attack=4:release={LIMITER_RELEASE_MS}:level=false")
# A turn's loudness after the estimated dynamics, chosen so a typical turn gets the gain it had when turns were
# matched at -20 LUFS before the dynamics (the chain's overall behaviour, and the mastered level, stay as tuned).
_AFTER_DYNAMICS_OFFSET_DB = 3.5
_ROUNDS = 3


def _held(frames: np.ndarray, width: int, pick: str) -> np.ndarray:
    """Each frame's maximum (or minimum) over the `width` frames up to it: an envelope that rises at once and
    falls after the release time, vectorised."""
    if width <= 1 or len(frames) == 0:
        return frames
    padded = np.concatenate([np.full(width - 1, frames[0]), frames])
    windows = sliding_window_view(padded, width)
    held: np.ndarray = windows.max(axis=1) if pick == "max" else windows.min(axis=1)
    return held


def _per_sample(gains: np.ndarray, frame: int, length: int) -> np.ndarray:
    stretched = np.repeat(gains, frame)
    return np.concatenate([stretched, np.full(length - len(stretched), gains[-1] if len(gains) else 1.0)])


def dynamics_gain(samples: np.ndarray, rate: int) -> np.ndarray:
    """The gain, sample by sample, that the compressor (RMS over 10 ms, held for its release) and the limiter
    (peaks over 1 ms, held for its release) would apply to `samples`: close enough to compare turns, not a
    replacement for ffmpeg."""
    frame = max(1, rate // 100)
    count = len(samples) // frame
    if count == 0:
        return np.full(len(samples), COMPRESSOR_MAKEUP)
    rms = np.sqrt(np.mean(samples[: count * frame].reshape(count, frame) ** 2, axis=1) + 1e-12)
    level = 20 * np.log10(_held(rms, COMPRESSOR_RELEASE_MS // 10, "max"))
    over = level - 20 * math.log10(COMPRESSOR_THRESHOLD)
    reduction = np.where(over > 0, over * (1 - 1 / COMPRESSOR_RATIO), 0.0)
    compressor = _per_sample(10 ** (-reduction / 20) * COMPRESSOR_MAKEUP, frame, len(samples))
    tick = max(1, rate // 1000)
    ticks = len(samples) // tick
    if ticks == 0:
        return compressor
    peaks = np.abs((samples * compressor)[: ticks * tick]).reshape(ticks, tick).max(axis=1)
    wanted = np.minimum(1.0, LIMITER_CEILING / np.maximum(peaks, 1e-9))
    limiter = _per_sample(_held(wanted, LIMITER_RELEASE_MS, "min"), tick, len(samples))
    gain: np.ndarray = compressor * limiter
    return gain


def estimated_dynamics(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` as the mastering dynamics would about leave them."""
    shaped: np.ndarray = samples * dynamics_gain(samples, rate)
    return shaped


# What a turn's matching gain depends on besides its audio: cached gains are keyed on it (see voicing).
MATCHING_IDENTITY = f"match-1|{_AFTER_DYNAMICS_OFFSET_DB}|{_ROUNDS}|{FFMPEG_DYNAMICS}"


def match_after_dynamics(samples: np.ndarray, rate: int, target_lufs: float) -> np.ndarray:
    """`samples` scaled by `matching_gain`."""
    matched: np.ndarray = samples * matching_gain(samples, rate, target_lufs)
    return matched


def matching_gain(samples: np.ndarray, rate: int, target_lufs: float) -> float:
    """The gain that makes a turn, after the mastering dynamics, as loud as every other: first matched to
    `target_lufs`, then corrected by what the estimated dynamics would take off this turn. The dynamics' gain
    changes slowly next to the K-weighting filter's response, so the filter runs once and each round only
    re-weighs its output (about a quarter of the cost of measuring afresh)."""
    weighted = k_weighted(samples, rate)
    loudness = gated_loudness(weighted, rate)
    if loudness == SILENT:
        return 1.0
    gain = 10 ** ((target_lufs - loudness) / 20)
    goal = target_lufs + 20 * math.log10(COMPRESSOR_MAKEUP) - _AFTER_DYNAMICS_OFFSET_DB
    for _ in range(_ROUNDS):  # the dynamics are not linear in the gain; a few rounds settle it
        after = gated_loudness(weighted * gain * dynamics_gain(samples * gain, rate), rate)
        if after == SILENT:
            break
        gain *= 10 ** ((goal - after) / 20)
    return float(gain)
