"""Pass 2 alongside pass 1: whatever goes wrong with it (an encoder that fails, an output that cannot be written,
a job cancelled halfway), pass 1 and the job's thread carry on or stop at once, never wait on it, and the
usual pass 2 makes the episode instead."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest

from errors import AudioError
from pipeline.audio.early import EarlyEncode
from pipeline.audio.mastering import measure_premaster
from pipeline.audio.voicing import voice_and_mix
from pipeline.episode.encoding import encoded
from pipeline.episode.finishing import Labels
from pipeline.progress import Interrupted
from settings import Settings
from tests.fakes import RecordingSink
from tests.pipeline.audio.test_splicing import LINES, _first_version, _script, _setup, _splice

T = TypeVar("T")
LABELS = Labels(title="T", show="Show", note_title="Note")


def _within(seconds: float, call: Callable[[], T]) -> T:
    """`call`'s result; a call still running after `seconds` fails the test (a hang must not stall the suite)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still waiting after {seconds} s"
    if failure:
        raise failure[0]
    return outcome[0]


def test_a_failing_early_encoder_neither_blocks_nor_breaks_pass_one(tmp_path: Path, settings: Settings) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    broken = replace(mix.format, codec=("-c:a", "no_such_codec", "-f", "mp3"))
    out, premaster = tmp_path / "episode.mp3", tmp_path / "premaster.pcm"
    early = EarlyEncode(out, broken, -18.0)
    script = _script(LINES)
    mixed = _within(60, lambda: voice_and_mix(script, cast, cache, mix, premaster, RecordingSink(), onward=early))
    rate = mix.format.sample_rate
    assert abs(premaster.stat().st_size / 2 / rate - mixed.seconds) < 0.1, "pass 1 wrote the whole premaster"
    assert measure_premaster(premaster, rate).integrated == pytest.approx(mixed.loudness.integrated, abs=0.05)
    with pytest.raises(AudioError):
        early.finish()
    loudness, seconds, lufs = encoded("job", mixed.transcript, mixed.seconds, mixed.loudness, early,
                                      premaster, mix.format, LABELS, out)
    assert loudness.within_targets() and abs(seconds - mixed.seconds) < 0.1 and lufs == mixed.loudness.integrated


def test_an_early_output_that_cannot_be_written_does_not_stall_a_splice(tmp_path: Path, settings: Settings) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    previous = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    edited = _script([*LINES[:4], ("Alex", "Changed in the middle."), *LINES[5:]])
    early = EarlyEncode(tmp_path / "no" / "such" / "folder.mp3", mix.format, previous[0].lufs)
    premaster = tmp_path / "spliced.pcm"
    spliced = _within(60, lambda: _splice(edited, cast, cache, mix, previous, premaster,
                                              RecordingSink(), early))
    assert spliced is not None and premaster.stat().st_size > previous[0].audio_bytes // 2
    with pytest.raises(OSError):
        early.finish()


def test_a_splice_cancelled_while_voicing_stops_at_once(tmp_path: Path, settings: Settings) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    previous = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    edited = _script([*LINES[:4], ("Alex", "Changed in the middle."), *LINES[5:]])
    early = EarlyEncode(tmp_path / "episode.mp3", mix.format, previous[0].lufs)

    class Cancelled(RecordingSink):
        def should_stop(self) -> bool:
            return True

    premaster = tmp_path / "spliced.pcm"
    with pytest.raises(Interrupted):
        _within(30, lambda: _splice(edited, cast, cache, mix, previous, premaster, Cancelled(), early))
    assert not premaster.exists() and not (tmp_path / "episode.mp3").exists()
    assert not any(thread.name in ("early-encode", "premaster-feed", "encoder-input") and thread.is_alive()
                   for thread in threading.enumerate())
