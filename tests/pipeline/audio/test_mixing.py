"""Mixing and mastering pieces: loudness metering, level matching, click-free ramps, intro music, the
alternative delivery formats and their tags."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus

from pipeline.audio.loudness import integrated_loudness
from pipeline.audio.mastering import audio_format, read_back
from pipeline.audio.mix import MixedEpisode
from pipeline.audio.mixer import TURN_LOUDNESS_LUFS, EpisodeMixer
from pipeline.audio.music import intro_bed
from pipeline.audio.premaster import Premaster
from pipeline.episode.finishing import Labels, finish_audio
from tests.audio_metrics import decode_float, ebur128, file_ebur128

RATE = 22_050


def babble(seconds: float, level: float, seed: int) -> np.ndarray:
    """Speech-like test signal: noise shaped by a syllable-rate envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    return (rng.standard_normal(len(t)) * envelope * level).clip(-1, 1)


def pcm16(samples: np.ndarray) -> bytes:
    return (samples * 32767).astype("<i2").tobytes()


def read_mix(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4")


def test_loudness_meter_agrees_with_ffmpeg() -> None:
    for level, seed in ((0.05, 1), (0.3, 2)):
        signal = babble(5, level, seed)
        assert integrated_loudness(signal, RATE) == pytest.approx(ebur128(signal, RATE)["integrated"], abs=0.3)


def test_turns_are_level_matched_and_ramped(tmp_path: Path) -> None:
    with (tmp_path / "mix.f32").open("wb") as sink:
        mixer = EpisodeMixer(sink, RATE, ramp_ms=10)
        quiet, loud = babble(3, 0.03, 3), babble(3, 0.5, 4)
        spans = [mixer.add_speech(pcm16(quiet)), mixer.add_speech(pcm16(loud))]
        mixer.add_pause(200)
        mixer.finish()
    mix = read_mix(tmp_path / "mix.f32")
    levels = [integrated_loudness(mix[int(a * RATE): int(b * RATE)].astype(np.float64), RATE) for a, b in spans]
    assert abs(levels[0] - levels[1]) <= 0.5, levels  # the same kind of sound, 24 dB apart, made equal
    # near the level the chain is tuned for, less what the dynamics will add back to noise this dense
    assert all(TURN_LOUDNESS_LUFS - 6 <= level <= TURN_LOUDNESS_LUFS + 3 for level in levels), levels
    # a full-scale square wave must still start and end at silence: no click at the join
    square = np.where(np.arange(RATE) % 100 < 50, 0.9, -0.9)
    with (tmp_path / "square.f32").open("wb") as sink:
        EpisodeMixer(sink, RATE, ramp_ms=10).add_speech(pcm16(square))
    mix = read_mix(tmp_path / "square.f32")
    assert abs(mix[0]) < 0.01 and abs(mix[-1]) < 0.01
    ramp = int(0.010 * RATE)
    assert np.all(np.abs(mix[:ramp]) <= np.abs(mix[ramp: 2 * ramp]).max())


def _tone_wav(path: Path, seconds: float) -> Path:
    t = np.arange(int(seconds * 44_100)) / 44_100
    chord = 0.3 * (np.sin(2 * np.pi * 220 * t) + np.sin(2 * np.pi * 277 * t))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44_100)
        out.writeframes((chord * 32767).astype("<i2").tobytes())
    return path


def test_intro_music_leads_then_ducks_under_speech(tmp_path: Path) -> None:
    bed = intro_bed(_tone_wav(tmp_path / "music.wav", 20), RATE, lead_ms=2000, seconds=8,
                    speech_lufs=TURN_LOUDNESS_LUFS)
    assert len(bed) == 8 * RATE
    with (tmp_path / "mix.f32").open("wb") as sink:
        mixer = EpisodeMixer(sink, RATE, bed=bed, lead_ms=2000)
        start, _ = mixer.add_speech(pcm16(babble(3, 0.2, 5)))
        assert start == pytest.approx(2.0)
        assert mixer.finish() == pytest.approx(8.0, abs=0.01), "the bed plays out after the speech"
    mix = read_mix(tmp_path / "mix.f32").astype(np.float64)
    alone = integrated_loudness(mix[: int(1.3 * RATE)], RATE)
    under = integrated_loudness(bed[int(5.2 * RATE): int(5.8 * RATE)].astype(np.float64), RATE)
    assert alone > -40, "the music plays alone before the first turn"
    assert alone - under >= 10, "and is ducked under speech"
    assert np.abs(mix[-int(0.01 * RATE):]).max() < 0.01, "and fades out"


@pytest.mark.parametrize("name", ["m4a", "opus"])
def test_other_formats_are_normalised_and_tagged(tmp_path: Path, name: str) -> None:
    fmt = audio_format(name, 96)
    premaster = Premaster(tmp_path / "premaster.pcm", RATE, fmt.sample_rate)
    mixer = EpisodeMixer(premaster, RATE)
    transcript = []
    for index, section in enumerate(("Intro", "Body", "Outro")):
        start, end = mixer.add_speech(pcm16(babble(4, 0.2, index)))
        transcript.append({"speaker": "Alex", "text": "words", "section": section, "start": start, "end": end})
        mixer.add_pause(300)
    seconds = mixer.finish()
    out = tmp_path / f"episode.{fmt.extension}"
    finish_audio(tmp_path / "premaster.pcm", MixedEpisode(transcript, seconds, premaster.finish()), fmt,
                 Labels(title="T", show="Show", note_title="Note"), out)
    measured = file_ebur128(out)
    assert abs(measured["integrated"] + 16) <= 1 and measured["true_peak"] <= -1.5, measured
    loudness, duration = read_back(out)
    assert loudness.within_targets() and loudness.integrated == pytest.approx(measured["integrated"], abs=0.1)
    assert abs(duration - seconds) < 0.1
    assert abs(len(decode_float(out, 8000)) / 8000 - seconds) < 0.1
    if name == "m4a":
        tags = MP4(out)
        assert tags["\xa9nam"] == ["T"] and tags["\xa9ART"] == ["Show"] and tags["covr"]
        assert [chapter.title for chapter in tags.chapters] == ["Intro", "Body", "Outro"]
        assert [round(chapter.start, 2) for chapter in tags.chapters] == [0.0, *(round(t["start"], 2)
                                                                               for t in transcript[1:])]
    else:
        tags = OggOpus(out)
        assert tags["TITLE"] == ["T"] and tags["ARTIST"] == ["Show"] and tags["METADATA_BLOCK_PICTURE"]
        assert [tags[f"CHAPTER00{n}NAME"][0] for n in (1, 2, 3)] == ["Intro", "Body", "Outro"]


def test_short_turns_are_level_matched_too(tmp_path: Path) -> None:
    with (tmp_path / "mix.f32").open("wb") as sink:
        mixer = EpisodeMixer(sink, RATE)
        spans = [mixer.add_speech(pcm16(babble(0.3, level, seed))) for level, seed in ((0.02, 7), (0.6, 8))]
    mix = read_mix(tmp_path / "mix.f32").astype(np.float64)
    levels = [integrated_loudness(mix[int(a * RATE): int(b * RATE)], RATE) for a, b in spans]
    assert abs(levels[0] - levels[1]) < 1.0, levels
    assert integrated_loudness(np.zeros(100), RATE) == float("-inf")


@pytest.mark.parametrize("name", ["mp3", "m4a", "opus"])
def test_a_mix_with_sharp_peaks_still_reaches_the_targets(tmp_path: Path, name: str) -> None:
    # quiet speech with a click every second: after pass 1 its peaks stand about 20 dB over its loudness, more
    # than one gain can lift to -16 LUFS under the true-peak ceiling
    speech = babble(12, 0.02, 9)
    speech[::RATE] = 0.9
    fmt = audio_format(name, 96)
    premaster = Premaster(tmp_path / "premaster.pcm", RATE, fmt.sample_rate)
    premaster.write(speech.astype("<f4").tobytes())
    measured = premaster.finish()
    assert measured.true_peak - measured.integrated > 17.5, measured
    transcript = [{"speaker": "Alex", "text": "words", "section": "Intro", "start": 0.0, "end": 12.0}]
    out = tmp_path / f"episode.{fmt.extension}"
    loudness, _ = finish_audio(tmp_path / "premaster.pcm", MixedEpisode(transcript, 12.0, measured), fmt,
                               Labels(title="T", show="Show", note_title="Note"), out)
    assert loudness.within_targets(), loudness
    measured_back = file_ebur128(out)
    assert abs(measured_back["integrated"] + 16) <= 1 and measured_back["true_peak"] <= -1.5, measured_back
