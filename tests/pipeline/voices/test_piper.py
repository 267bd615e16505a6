"""The embedded Piper voice: loads from the installed package; its pitched-up variant sounds like someone else."""

from __future__ import annotations

import numpy as np
import pytest

from errors import VoiceError
from pipeline.voices.piper import (
    CONTEXT_FRAMES,
    FRAMES_PER_SLICE,
    PiperModel,
    PiperVoice,
    decode_in_slices,
    split_phonemes,
)
from settings import Settings
from tests.audio_metrics import median_pitch

TEXT = ("Caching stores the result of expensive work so it can be reused later. "
        "It is one of the most effective ways to cut the latency of a web application.")


@pytest.fixture(scope="module")
def model() -> PiperModel:
    return PiperModel(threads=2)


@pytest.fixture(scope="module")
def voice(model: PiperModel) -> PiperVoice:
    return PiperVoice(model)


@pytest.fixture(scope="module")
def pitched(model: PiperModel) -> PiperVoice:
    return PiperVoice(model, "piper:joe-pitched", Settings(_env_file=None).second_host_pitch)  # type: ignore


def test_piper_speaks_real_audio(voice: PiperVoice) -> None:
    pcm = voice.synthesize(TEXT)
    seconds = len(pcm) / 2 / voice.sample_rate
    assert 5 < seconds < 15
    assert max(abs(int.from_bytes(pcm[i:i + 2], "little", signed=True)) for i in range(0, len(pcm), 200)) > 1000


def test_the_pitched_voice_differs_in_pitch_but_not_tempo(voice: PiperVoice, pitched: PiperVoice) -> None:
    # Piper's output varies a little from run to run, so each voice speaks the text twice
    first = voice.synthesize(TEXT) + voice.synthesize(TEXT)
    second = pitched.synthesize(TEXT) + pitched.synthesize(TEXT)
    assert voice.cache_identity() != pitched.cache_identity()
    pitch_a, pitch_b = median_pitch(first, voice.sample_rate), median_pitch(second, voice.sample_rate)
    assert abs(pitch_b - pitch_a) / pitch_a >= 0.10, (pitch_a, pitch_b)
    assert abs(len(second) - len(first)) / len(first) <= 0.05


def test_long_sentences_are_voiced_in_bounded_passes_at_clause_or_word_boundaries() -> None:
    words = "ab cd, ef gh; ij kl mn op".replace(" ", " _ ").split()
    phonemes = [char for word in words for char in (word if word != "_" else " ")]
    pieces = split_phonemes(phonemes, 10)
    assert [p for piece in pieces for p in piece if p != " "] == [p for p in phonemes if p != " "]
    assert all(0 < len(piece) <= 10 for piece in pieces)
    assert pieces[0][-1] == ","  # the first cut falls after the clause mark, not mid-word
    assert all(piece[0] != " " for piece in pieces)
    assert split_phonemes(list("short."), 10) == [list("short.")]


def test_a_very_long_sentence_sounds_as_long_as_its_halves(voice: PiperVoice) -> None:
    # Passes and slices keep onnxruntime's buffers small; the sentence must still come out whole.
    half = "the meadow plot held many kinds of flowers after the early rain and the late rain"
    whole = voice.synthesize(f"{half}, and {half}.")
    part = voice.synthesize(f"{half}.")
    assert 1.7 < len(whole) / len(part) < 2.3


def _moving_sum(frames: np.ndarray, radius: int, hop: int) -> np.ndarray:
    """A stand-in decoder: each frame's `hop` samples depend on the frames `radius` either side of it."""
    summed = np.convolve(frames.reshape(-1), np.ones(2 * radius + 1), mode="same")
    return np.repeat(summed, hop)


def test_slices_with_enough_context_decode_what_one_run_decodes() -> None:
    frames = np.random.default_rng(7).standard_normal((1, 1, 457))
    whole = _moving_sum(frames, radius=3, hop=4)
    sliced = decode_in_slices(lambda part: _moving_sum(part, 3, 4), frames, size=50, context=3)
    np.testing.assert_allclose(sliced, whole)
    too_little = decode_in_slices(lambda part: _moving_sum(part, 3, 4), frames, size=50, context=1)
    assert too_little.shape == whole.shape and not np.allclose(too_little, whole)


def test_a_decoder_that_makes_part_of_a_frame_is_an_error() -> None:
    with pytest.raises(VoiceError, match="whole number of frames"):
        decode_in_slices(lambda part: np.zeros(part.shape[-1] * 4 + 1), np.zeros((1, 1, 30)), size=10, context=2)


def test_pipers_decoder_in_slices_makes_the_samples_of_one_run(model: PiperModel) -> None:
    halves = model.loaded()
    config = halves.voice.config
    ids = halves.voice.phonemes_to_ids(halves.voice.phonemize(TEXT)[0])
    frames = halves.voice.session.run(None, {
        "input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([config.noise_scale, config.length_scale, config.noise_w_scale], dtype=np.float32)})[0]
    assert frames.shape[-1] > 2 * FRAMES_PER_SLICE  # several slices
    whole = halves.decoder.run(None, {halves.boundary: frames})[0].reshape(-1)
    sliced = decode_in_slices(lambda part: halves.decoder.run(None, {halves.boundary: part})[0], frames,
                              FRAMES_PER_SLICE, CONTEXT_FRAMES)
    np.testing.assert_allclose(sliced, whole, atol=1e-4)
