"""Loudness of short PCM clips (ITU-R BS.1770 K-weighted, gated), for level-matching the hosts turn by turn.

The episode as a whole is measured and normalised by ffmpeg (see pipeline.audio.mastering); this runs in-process on
each voiced turn because starting ffmpeg for every turn would cost more than voicing some of them.
"""

from __future__ import annotations

import functools
import math

import numpy as np

_BLOCK_SECONDS, _BLOCK_HOP = 0.4, 0.1  # 400 ms gating blocks with 75 % overlap
_SHORTEST_SECONDS = 0.05
_ABSOLUTE_GATE_LUFS, _RELATIVE_GATE_LU = -70.0, -10.0
SILENT = -math.inf


def _biquad_response(b: tuple[float, ...], a: tuple[float, ...], omega: np.ndarray) -> np.ndarray:
    z = np.exp(-1j * omega)
    return (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)


@functools.lru_cache(maxsize=16)  # a few FFT sizes per sample rate cover every turn
def _k_weighting(rate: int, bins: int) -> np.ndarray:
    """|H| of BS.1770's pre-filter (high shelf +4 dB) and RLB high-pass, designed for `rate` (RBJ formulas)."""
    omega = np.linspace(0, math.pi, bins)
    gain, w0 = 10 ** (4.0 / 40), 2 * math.pi * 1500 / rate
    alpha, cos_w0 = math.sin(w0) / (2 / math.sqrt(2)), math.cos(w0)
    root = 2 * math.sqrt(gain) * alpha
    shelf = _biquad_response(
        (gain * ((gain + 1) + (gain - 1) * cos_w0 + root), -2 * gain * ((gain - 1) + (gain + 1) * cos_w0),
         gain * ((gain + 1) + (gain - 1) * cos_w0 - root)),
        ((gain + 1) - (gain - 1) * cos_w0 + root, 2 * ((gain - 1) - (gain + 1) * cos_w0),
         (gain + 1) - (gain - 1) * cos_w0 - root), omega)
    w0 = 2 * math.pi * 38 / rate
    alpha, cos_w0 = math.sin(w0) / (2 * 0.5), math.cos(w0)
    high_pass = _biquad_response(((1 + cos_w0) / 2, -(1 + cos_w0), (1 + cos_w0) / 2),
                                 (1 + alpha, -2 * cos_w0, 1 - alpha), omega)
    response: np.ndarray = np.abs(shelf * high_pass).astype(np.float32)
    return response


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated loudness in LUFS of mono float samples in [-1, 1]; -inf for silence. A clip shorter than one
    400 ms gating block (a host's "Right.") is measured as a single block, so short turns are matched too."""
    return gated_loudness(k_weighted(samples, rate), rate)


def k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """`samples` through BS.1770's K-weighting filter (the part of a loudness measurement worth computing once
    when the same clip is measured at several gains)."""
    if len(samples) == 0:
        return samples.astype(np.float32)
    size = 1 << int(len(samples) + rate // 10).bit_length()  # padded so the filter's tail does not wrap around
    spectrum = np.fft.rfft(samples.astype(np.float32), size)
    weighted: np.ndarray = np.fft.irfft(spectrum * _k_weighting(rate, len(spectrum)), size)[: len(samples)]
    return weighted


def gated_loudness(weighted: np.ndarray, rate: int) -> float:
    """Gated loudness in LUFS of K-weighted samples (see `k_weighted`)."""
    block = min(int(rate * _BLOCK_SECONDS), len(weighted))
    if block < rate * _SHORTEST_SECONDS:
        return SILENT
    energy = np.concatenate(([0.0], np.cumsum(weighted.astype(np.float64) ** 2)))
    hop = int(rate * _BLOCK_HOP)
    starts = np.arange(0, len(weighted) - block + 1, hop)
    powers = (energy[starts + block] - energy[starts]) / block
    loud = powers[-0.691 + 10 * np.log10(np.maximum(powers, 1e-20)) > _ABSOLUTE_GATE_LUFS]
    if not len(loud):
        return SILENT
    relative_gate = -0.691 + 10 * math.log10(float(np.mean(loud))) + _RELATIVE_GATE_LU
    gated = loud[-0.691 + 10 * np.log10(loud) > relative_gate]
    return -0.691 + 10 * math.log10(float(np.mean(gated)))


def match_level(samples: np.ndarray, rate: int, target_lufs: float) -> np.ndarray:
    """Float samples scaled so their loudness is `target_lufs`. Peaks may pass 1.0: the mix stays in float and
    the mastering chain's limiter deals with them, so nothing clips here."""
    loudness = integrated_loudness(samples, rate)
    if loudness == SILENT:
        return samples
    return samples * 10 ** ((target_lufs - loudness) / 20)
