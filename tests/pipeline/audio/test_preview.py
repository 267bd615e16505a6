"""The live preview is encoded only for a listener: until one asks, the mix waits in a spool; a listener who
asks late still hears the episode from the top."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.audio.preview import PREVIEW_AUDIO, PREVIEW_DONE, PREVIEW_WANTED, PreviewStream, preview_lines
from tests.audio_metrics import decode

RATE = 24_000


def _tone(seconds: float) -> bytes:
    times = np.arange(int(RATE * seconds)) / RATE
    return (0.3 * np.sin(2 * np.pi * 220 * times)).astype(np.float32).tobytes()


def test_nobody_asks_so_nothing_is_encoded(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path, RATE)
    for number in range(3):
        stream.write(_tone(1.0))
        stream.add_line({"speaker": "Alex", "text": f"Line {number}", "section": "S", "start": number,
                         "end": number + 1})
    assert not stream.encoding
    stream.finish()
    assert not (tmp_path / PREVIEW_AUDIO).exists()
    assert (tmp_path / PREVIEW_DONE).is_file() and len(preview_lines(tmp_path)) == 3, "the lines are still shown"
    assert sorted(path.name for path in tmp_path.iterdir()) == [PREVIEW_DONE, "preview.json"], "no spool is left"


def test_a_listener_who_asks_late_hears_it_from_the_top(tmp_path: Path) -> None:
    stream = PreviewStream(tmp_path, RATE)
    stream.write(_tone(2.0))
    stream.write(_tone(2.0))
    assert not stream.encoding
    (tmp_path / PREVIEW_WANTED).touch()
    stream.write(_tone(2.0))
    assert stream.encoding
    stream.write(_tone(2.0))
    stream.finish()
    heard = len(decode(tmp_path / PREVIEW_AUDIO, 16_000)) / 16_000
    assert abs(heard - 8.0) < 0.2, heard
    assert (tmp_path / PREVIEW_DONE).is_file() and not list(tmp_path.glob("*.spool"))


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
    assert (tmp_path / PREVIEW_DONE).is_file() and not list(tmp_path.glob("*.spool"))
