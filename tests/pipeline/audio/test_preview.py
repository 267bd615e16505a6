"""The live preview is encoded only for a listener: until one asks, the mix waits in a spool; a listener who
asks late still hears the episode from the top, in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.audio.preview import PREVIEW_AUDIO, PREVIEW_DONE, PREVIEW_WANTED, PreviewStream, preview_lines
from tests.audio_metrics import decode, file_ebur128
from tests.waiting import wait_until

RATE = 24_000


def _tone(seconds: float, level: float = 0.3) -> bytes:
    times = np.arange(int(RATE * seconds)) / RATE
    return (level * np.sin(2 * np.pi * 220 * times)).astype(np.float32).tobytes()


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_nobody_asks_so_nothing_is_encoded(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path, RATE)
    for number in range(3):
        stream.write(_tone(1.0))
        stream.add_line({"speaker": "Alex", "text": f"Line {number}", "section": "S", "start": number,
                         "end": number + 1})
    assert not stream.encoding
    stream.finish()
    assert not (tmp_path / PREVIEW_AUDIO).exists()
    assert len(preview_lines(tmp_path)) == 3, "the lines voiced so far are still shown"
    assert _leftovers(tmp_path) == [PREVIEW_DONE, "preview.json"], "no spool is left"


def test_a_listener_who_asks_late_hears_it_from_the_top_in_order(tmp_path: Path) -> None:
    levels = (0.02, 0.05, 0.12, 0.3)
    stream = PreviewStream(tmp_path, RATE)
    stream.write(_tone(2.0, levels[0]))
    stream.write(_tone(2.0, levels[1]))
    assert not stream.encoding
    (tmp_path / PREVIEW_WANTED).touch()
    wait_until(lambda: stream.encoding, bool, timeout=10)  # without waiting for the next piece of mix
    stream.write(_tone(2.0, levels[2]))
    stream.write(_tone(2.0, levels[3]))
    stream.finish()
    heard = decode(tmp_path / PREVIEW_AUDIO, 16_000).astype(np.float64)
    assert abs(len(heard) / 16_000 - 8.0) < 0.2
    loudness = [float(np.sqrt(np.mean(heard[16_000 * (2 * n) + 4_000:16_000 * (2 * n + 2) - 4_000] ** 2)))
                for n in range(4)]
    assert loudness == sorted(loudness) and loudness[0] < loudness[-1] / 2, loudness
    assert _leftovers(tmp_path) == [PREVIEW_DONE, PREVIEW_AUDIO], "no spool and no request are left"


def test_a_listener_who_asks_as_the_voicing_ends_still_gets_it_whole(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path, RATE)
    stream.write(_tone(3.0))
    (tmp_path / PREVIEW_WANTED).touch()
    stream.finish()
    heard = len(decode(tmp_path / PREVIEW_AUDIO, 16_000)) / 16_000
    assert abs(heard - 3.0) < 0.2, heard


def test_an_abandoned_preview_leaves_no_spool(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path, RATE)
    stream.write(_tone(1.0))
    stream.abandon()
    assert _leftovers(tmp_path) == [PREVIEW_DONE]


def test_a_preview_that_cannot_spool_does_not_stop_the_job(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path / "gone", RATE)  # its folder is missing: nothing can be written there
    stream.write(_tone(1.0))
    stream.finish()
    assert not stream.encoding and not (tmp_path / "gone").exists()


def _true_peak_of_preview(folder: Path, phase: float) -> float:
    """A loud tone at a quarter of the rate with crests at `phase`, as the preview encodes it (dBTP)."""
    times = np.arange(RATE * 3) / RATE
    tone = np.sin(2 * np.pi * (RATE / 4) * times + phase) + 0.5 * np.sin(2 * np.pi * 180 * times)
    folder.mkdir()
    (folder / PREVIEW_WANTED).touch()
    stream = PreviewStream(folder, RATE)
    stream.write((0.9 * tone / np.abs(tone).max()).astype(np.float32).tobytes())
    stream.finish()
    return file_ebur128(folder / PREVIEW_AUDIO)["true_peak"]


def test_peaks_between_samples_are_held_as_low_as_peaks_on_them(tmp_path: Path) -> None:
    # Sampled half-way between its crests, every sample of the tone is 3 dB under the peak a player's converter
    # rebuilds; a limiter that looks only at the samples lets those peaks through.
    on_samples = _true_peak_of_preview(tmp_path / "on", 0.0)
    between_samples = _true_peak_of_preview(tmp_path / "between", np.pi / 4)
    assert between_samples <= on_samples + 0.5, (between_samples, on_samples)
    assert between_samples <= -1
