"""Splicing an edit into the previous version's premaster: the result must sound, measure and be timed as a
whole new pass 1 over the edited script would, and every edit it cannot splice must say so (None)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio.early import EarlyEncode
from pipeline.audio.mastering import measure_premaster, read_back
from pipeline.audio.mix import MixSettings
from pipeline.audio.splicing import Layout, recall, splice_edit, store, turn_marks
from pipeline.audio.voicing import Voicer, voice_and_mix
from pipeline.cache import SegmentCache
from pipeline.providers import mix_settings
from pipeline.voices.base import Cast
from pipeline.writers.base import Script, Section, Turn
from settings import Settings
from store.records import Transcript
from tests.fakes import TONE_HOSTS, RecordingSink, ToneVoices

LINES = [(("Alex", "Sam")[n % 2], f"Line {n}: " + " ".join(["word"] * (4 + n % 3))) for n in range(10)]
Lines = list[tuple[str, str]]


def _script(lines: Lines, split: int = 5) -> Script:
    turns = [Turn(speaker, text) for speaker, text in lines]
    return Script("T", (Section("One", tuple(turns[:split])), Section("Two", tuple(turns[split:]))))


def _setup(tmp_path: Path, settings: Settings) -> tuple[Cast, SegmentCache, MixSettings, ToneVoices]:
    voices = ToneVoices(seconds_per_word=0.12)
    return (Cast.of(TONE_HOSTS, voices), SegmentCache(tmp_path / "cache", 10**9), mix_settings(settings), voices)


def _first_version(tmp_path: Path, script: Script, cast: Cast, cache: SegmentCache, mix: MixSettings,
                   podcast: str = "podcast") -> tuple[Layout, Path]:
    """A first version, mixed and stored as produce does; its layout and premaster, recalled."""
    path = tmp_path / "v1.pcm"
    mixed = voice_and_mix(script, cast, cache, mix, path, RecordingSink())
    layout = Layout(turn_marks(script, Voicer(cast, cache)), [(t["start"], t["end"]) for t in mixed.transcript],
                    mixed.seconds, mixed.loudness.integrated, mix.format.sample_rate)
    store(cache, podcast, layout, path)
    recalled = recall(cache, podcast)
    assert recalled is not None
    return recalled


def _splice(script: Script, cast: Cast, cache: SegmentCache, mix: MixSettings, previous: tuple[Layout, Path],
            out: Path, sink: RecordingSink, early: EarlyEncode | None) -> tuple[Transcript, float] | None:
    voicer = Voicer(cast, cache)
    return splice_edit(script, turn_marks(script, voicer), voicer, mix, previous, out, sink, early)


def _samples(path: Path) -> np.ndarray:
    return np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float64) / 32768


EDITS = {
    "one line changed": lambda lines: [*lines[:4], ("Alex", "Line four, said at much greater length than before."),
                                       *lines[5:]],
    "a line inserted": lambda lines: [*lines[:6], ("Sam", "A new line in the middle."), *lines[6:]],
    "a line deleted": lambda lines: [*lines[:3], *lines[4:]],
    "two lines apart": lambda lines: [*lines[:2], ("Alex", "Changed early."), *lines[3:7], ("Sam", "Changed late."),
                                      *lines[8:]],
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_spliced_edit_matches_a_whole_new_pass(tmp_path: Path, settings: Settings, edit: str) -> None:
    cast, cache, mix, voices = _setup(tmp_path, settings)
    previous = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    edited = _script(EDITS[edit](LINES), split=5 if edit != "a line deleted" else 4)
    voices.calls.clear()
    sink = RecordingSink()
    spliced = _splice(edited, cast, cache, mix, previous, tmp_path / "spliced.pcm", sink, None)
    assert spliced is not None
    changed = {"one line changed": 1, "a line inserted": 1, "a line deleted": 0, "two lines apart": 2}[edit]
    assert len(voices.calls) == changed, "only the new lines are voiced"
    turns = len(edited.turns)
    assert sink.segments == (turns, turns - changed)
    whole = voice_and_mix(edited, cast, cache, mix, tmp_path / "whole.pcm", RecordingSink())

    transcript, seconds = spliced
    assert [(t["speaker"], t["text"], t["section"]) for t in transcript] == \
        [(t["speaker"], t["text"], t["section"]) for t in whole.transcript]
    for ours, theirs in zip(transcript, whole.transcript, strict=True):
        assert abs(ours["start"] - theirs["start"]) <= 0.003 and abs(ours["end"] - theirs["end"]) <= 0.003
    assert abs(seconds - whole.seconds) <= 0.003

    ours, theirs = _samples(tmp_path / "spliced.pcm"), _samples(tmp_path / "whole.pcm")
    assert abs(len(ours) - len(theirs)) <= mix.format.sample_rate // 1000
    common = min(len(ours), len(theirs))
    residue = np.sqrt(np.mean((ours[:common] - theirs[:common]) ** 2)) / np.sqrt(np.mean(theirs ** 2))
    assert 20 * np.log10(residue + 1e-12) < -40, f"the splice differs by {20 * np.log10(residue):.1f} dB"
    measured = measure_premaster(tmp_path / "spliced.pcm", mix.format.sample_rate)
    assert abs(measured.integrated - whole.loudness.integrated) <= 0.05


def test_edits_that_cannot_be_spliced_say_so(tmp_path: Path, settings: Settings) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    previous = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    out = tmp_path / "out.pcm"

    def spliced(lines: Lines, settings_: MixSettings = mix) -> object:
        return _splice(_script(lines), cast, cache, settings_, previous, out, RecordingSink(), None)

    assert spliced([("Alex", "A new first line."), *LINES[1:]]) is None, "the first turn changed"
    assert spliced([*LINES[:-1], ("Sam", "A new last line.")]) is None, "the last turn changed"
    assert spliced(LINES) is None, "nothing changed"
    changed = [*LINES[:4], ("Alex", "Changed."), *LINES[5:]]
    assert spliced(changed, replace(mix, pause_ms=150)) is None, "pauses too short to cut in"
    assert spliced(changed, replace(mix, intro_music=tmp_path / "music.mp3", intro_music_seconds=60.0)) is None, \
        "the cut would fall under the intro music"
    assert spliced(changed, replace(mix, audio_format="opus")) is None, "another premaster rate"
    assert not out.exists()
    assert spliced(changed) is not None


def test_each_version_keeps_its_own_premaster_and_a_layout_never_outlives_its_audio(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    first, first_audio = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    assert first.audio_bytes == first_audio.stat().st_size and first.lufs < -10
    edited = _script([*LINES[:4], ("Alex", "Changed."), *LINES[5:]])
    made = _splice(edited, cast, cache, mix, (first, first_audio), tmp_path / "v2.pcm", RecordingSink(),
                       None)
    assert made is not None
    transcript, seconds = made
    second = Layout(turn_marks(edited, Voicer(cast, cache)), [(t["start"], t["end"]) for t in transcript], seconds,
                    first.lufs, first.rate)
    store(cache, "podcast", second, tmp_path / "v2.pcm")
    assert not (tmp_path / "v2.pcm").exists(), "moved into the cache, not copied"
    recalled = recall(cache, "podcast")
    assert recalled is not None and recalled[0].turns == second.turns and recalled[0].audio_key != first.audio_key
    assert not first_audio.exists(), "the previous version's premaster went"
    assert recall(cache, "another podcast") is None

    (tmp_path / "v3.pcm").write_bytes(b"\0" * 1000)
    entries = sorted(path.name for path in (tmp_path / "cache").glob("*.pcm"))
    real_put = cache.put
    monkeypatch.setattr(cache, "put", lambda key, data: None)  # the layout cannot be written (a full disk)
    store(cache, "podcast", replace(second, seconds=1.0), tmp_path / "v3.pcm")
    monkeypatch.setattr(cache, "put", real_put)
    assert recall(cache, "podcast") == recalled, "the previous pair stands"
    assert sorted(path.name for path in (tmp_path / "cache").glob("*.pcm")) == entries, "its new audio went too"

    with recalled[1].open("ab") as audio:
        audio.write(b"\0\0")  # the audio no longer matches its layout (it never should): mixed whole
    assert _splice(edited, cast, cache, mix, recalled, tmp_path / "v4.pcm", RecordingSink(), None) is None
    recalled[1].unlink()  # evicted before the edit came: mixed whole as well
    assert _splice(edited, cast, cache, mix, recalled, tmp_path / "v4.pcm", RecordingSink(), None) is None


def test_pass_two_follows_a_splice_and_its_result_is_checked(tmp_path: Path, settings: Settings) -> None:
    cast, cache, mix, _ = _setup(tmp_path, settings)
    layout, audio = _first_version(tmp_path, _script(LINES), cast, cache, mix)
    edited = _script([*LINES[:4], ("Alex", "Changed in the middle."), *LINES[5:]])
    for predicted, holds in ((layout.lufs, True), (layout.lufs + 6, False)):
        out = tmp_path / f"episode-{holds}.mp3"
        early = EarlyEncode(out, mix.format, predicted)
        spliced = _splice(edited, cast, cache, mix, (layout, audio), tmp_path / "p.pcm",
                              RecordingSink(), early)
        assert spliced is not None
        loudness, seconds = early.finish()
        assert abs(seconds - spliced[1]) < 0.1 and (loudness, seconds) == read_back(out)
        assert early.confirmed(None, loudness) is holds, loudness
        if holds:
            assert abs(early.premaster_estimate(loudness) - layout.lufs) < 0.3
