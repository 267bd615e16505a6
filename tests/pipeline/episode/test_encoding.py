"""Pass 2 for a job: an early encode is kept only when it held; otherwise the premaster is encoded as usual."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.audio.early import EarlyEncode
from pipeline.audio.mastering import read_back
from pipeline.audio.mix import MixedEpisode
from pipeline.audio.voicing import voice_and_mix
from pipeline.cache import SegmentCache
from pipeline.episode import encoding
from pipeline.episode.finishing import Labels
from pipeline.providers import mix_settings
from pipeline.voices.base import Cast
from pipeline.writers.base import Script, Section, Turn
from settings import Settings
from tests.fakes import TONE_HOSTS, RecordingSink, ToneVoices

SCRIPT = Script("T", (Section("S", tuple(Turn(("Alex", "Sam")[n % 2], f"Line {n} of a short show, said plainly.")
                                        for n in range(6))),))
LABELS = Labels(title="T", show="Show", note_title="Note")


def _mixed_with(tmp_path: Path, settings: Settings, predicted: float | None
                ) -> tuple[EarlyEncode | None, MixedEpisode, Path, Path]:
    cast, cache = Cast.of(TONE_HOSTS, ToneVoices(seconds_per_word=0.1)), SegmentCache(tmp_path / "cache", 10**8)
    mix = mix_settings(settings)
    out, premaster = tmp_path / "episode.mp3", tmp_path / "premaster.pcm"
    early = EarlyEncode(out, mix.format, predicted) if predicted is not None else None
    mixed = voice_and_mix(SCRIPT, cast, cache, mix, premaster, RecordingSink(), onward=early)
    return early, mixed, premaster, out


def test_an_early_encode_that_held_is_the_episode(tmp_path: Path, settings: Settings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    measured = _mixed_with(tmp_path / "first", settings, None)[1].loudness.integrated
    early, mixed, premaster, out = _mixed_with(tmp_path, settings, measured)
    again = mixed.loudness.integrated
    assert abs(again - measured) < 0.01, "the same mix measures the same"

    def no_second_encode(*args: object, **kwargs: object) -> None:
        raise AssertionError("encoded again")

    monkeypatch.setattr(encoding, "finish_audio", no_second_encode)
    mix = mix_settings(settings)
    loudness, seconds, lufs = encoding.encoded("job", mixed.transcript, mixed.seconds, mixed.loudness, early, premaster,
                                               mix.format, LABELS, out)
    assert loudness.within_targets() and lufs == again
    assert read_back(out) == (loudness, seconds)


def test_an_early_encode_that_missed_is_done_again_from_the_premaster(tmp_path: Path, settings: Settings) -> None:
    early, mixed, premaster, out = _mixed_with(tmp_path, settings, -40.0)
    assert early is not None
    mix, measured = mix_settings(settings), mixed.loudness.integrated
    loudness, seconds, lufs = encoding.encoded("job", mixed.transcript, mixed.seconds, mixed.loudness, early, premaster,
                                               mix.format, LABELS, out)
    assert loudness.within_targets(), loudness
    assert lufs == measured and read_back(out) == (loudness, seconds)
    unmeasured = encoding.encoded("job", mixed.transcript, mixed.seconds, None, None, premaster, mix.format, LABELS,
                                  out)
    assert unmeasured[2] == pytest.approx(measured, abs=0.05), "a premaster nobody measured is measured first"
