"""The embedded Piper voice: loads from the installed package, and the two hosts sound like two people."""

from __future__ import annotations

import pytest

from pipeline.voices import PiperVoice
from settings import Settings
from tests.audio_metrics import median_pitch

TEXT = ("Caching stores the result of expensive work so it can be reused later. "
        "It is one of the most effective ways to cut the latency of a web application.")


@pytest.fixture(scope="module")
def voice() -> PiperVoice:
    return PiperVoice(threads=2, second_host_pitch=Settings(_env_file=None).second_host_pitch)  # type: ignore


def test_piper_speaks_real_audio(voice: PiperVoice) -> None:
    pcm = voice.synthesize(TEXT, 0)
    seconds = len(pcm) / 2 / voice.sample_rate
    assert 5 < seconds < 15
    assert max(abs(int.from_bytes(pcm[i:i + 2], "little", signed=True)) for i in range(0, len(pcm), 200)) > 1000


def test_second_host_differs_in_pitch_but_not_tempo(voice: PiperVoice) -> None:
    # Piper's output varies a little from run to run, so each host speaks the text twice
    first = voice.synthesize(TEXT, 0) + voice.synthesize(TEXT, 0)
    second = voice.synthesize(TEXT, 1) + voice.synthesize(TEXT, 1)
    pitch_a, pitch_b = median_pitch(first, voice.sample_rate), median_pitch(second, voice.sample_rate)
    assert abs(pitch_b - pitch_a) / pitch_a >= 0.10, (pitch_a, pitch_b)
    assert abs(len(second) - len(first)) / len(first) <= 0.05
