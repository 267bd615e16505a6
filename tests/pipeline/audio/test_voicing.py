"""Voicing turns: each host in their own voice, at one mix rate, reading the spoken form of the text while the
transcript keeps the script's words; the cache is keyed on the voice and the spoken text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio.voicing import resample, voice_and_mix
from pipeline.cache import SegmentCache
from pipeline.providers import Providers, mix_settings
from pipeline.services import Services
from pipeline.voices.base import Cast
from pipeline.writers.base import Script, Section, Turn, WritingRequest
from settings import Settings
from store import records
from tests.audio_metrics import median_pitch
from tests.conftest import wait_for_job
from tests.fakes import TONE_HOSTS, RecordingSink, ToneVoice, ToneVoices

NUMBERS_NOTE = ("Latency fell from 420 ms to 95 ms (p99) on v2.1, a 77% drop. The rack holds 8–10 servers at 22 °C "
                "and costs $1,250 per month, e.g. less than the old one.")


class NumbersWriter:
    """Speaks the note as the first host's only line, so what reaches the voice can be compared with the note."""

    name = identity = "numbers"
    languages = None
    can_expand = True

    def write(self, request: WritingRequest) -> Script:
        first, second = request.hosts
        return Script(title="Numbers", sections=(Section("Body", (Turn(first, request.note), Turn(second, "Wow."))),))


def test_the_voice_reads_words_while_the_transcript_keeps_the_note(
    make_services: Callable[..., Services], fake_providers: Providers
) -> None:
    voices = ToneVoices()
    services = make_services(replace(fake_providers, voices=voices, writer=NumbersWriter()))
    job = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=NUMBERS_NOTE,
                                                  duration="short")).record
    done = wait_for_job(services, job.job_id)
    assert done.status == "completed", done.error
    assert done.transcript is not None and done.transcript[0]["text"] == NUMBERS_NOTE
    spoken, voice = voices.calls[0]
    assert voice == "tone:low" and voices.calls[1][1] == "tone:high"
    assert not any(character.isdigit() for character in spoken), spoken
    for words in ("four hundred and twenty milliseconds", "ninety-five milliseconds", "version two point one",
                  "seventy-seven percent", "eight to ten", "twenty-two degrees Celsius", "dollars", "for example"):
        assert words in spoken, (words, spoken)


def test_turns_at_other_rates_are_resampled_to_the_mix_rate() -> None:
    rate = 22_050
    tone = ToneVoice(frequency=200.0, seconds_per_word=0.5)
    pcm = tone.synthesize("one two three four")
    converted = resample(pcm, rate, 24_000)
    assert abs(len(converted) / 2 / 24_000 - len(pcm) / 2 / rate) < 0.01
    assert abs(median_pitch(converted, 24_000) - 200.0) < 5
    assert resample(pcm, rate, rate) is pcm


def test_the_segment_cache_is_keyed_on_the_voice(
    make_services: Callable[..., Services], fake_providers: Providers, settings: Settings, tmp_path: Path
) -> None:
    voices = ToneVoices()
    cache = SegmentCache(tmp_path / "cache", 10**9, per_user=False)
    services = make_services(replace(fake_providers, voices=voices, cache=cache))
    note = "A note voiced twice. Once by each pair of voices."
    swapped = [{"name": "Alex", "voice": "tone:high"}, {"name": "Sam", "voice": "tone:low"}]
    first = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=note,
                                                    duration="short")).record
    assert wait_for_job(services, first.job_id).status == "completed"
    before = len(voices.calls)
    again = services.executor.submit(records.NewJob(user_id="u", note_id="n", note_content=note, duration="short",
                                                    hosts=swapped)).record
    finished = wait_for_job(services, again.job_id)
    assert finished.status == "completed" and finished.segments_cached == 0, "other voices never reuse audio"
    assert len(voices.calls) - before == finished.segments_total


class _StopAfter:
    """A progress sink that asks the voicing to stop after `lines` lines (as a shutdown or a crash would)."""

    def __init__(self, lines: int | None) -> None:
        self.lines, self.seen = lines, 0

    def report(self, percent: int, step: str) -> None:
        self.seen += step.startswith("Voicing line ")

    def should_stop(self) -> bool:
        return self.lines is not None and self.seen >= self.lines

    def segments_voiced(self, total: int, cached: int) -> None: ...


def test_an_interrupted_preview_starts_again_when_the_job_resumes(tmp_path: Path, settings: Settings) -> None:
    from pipeline.audio.preview import PREVIEW_AUDIO, PREVIEW_DONE, PREVIEW_WANTED, preview_lines
    from pipeline.audio.voicing import voice_and_mix
    from pipeline.progress import Interrupted
    from pipeline.providers import mix_settings
    from pipeline.voices.base import Cast
    from tests.audio_metrics import decode
    from tests.fakes import TONE_HOSTS

    voices = ToneVoices()
    cast, cache = Cast.of(TONE_HOSTS, voices), SegmentCache(tmp_path / "cache", 10**8)
    script = Script("T", (Section("S", tuple(Turn(("Alex", "Sam")[n % 2], f"Line number {n} of the show.")
                                            for n in range(8))),))
    mix = mix_settings(settings)
    (tmp_path / PREVIEW_WANTED).touch()  # someone listens from the start
    try:
        voice_and_mix(script, cast, cache, mix, tmp_path / "premaster.pcm", _StopAfter(3), preview=True)
    except Interrupted:
        pass
    else:
        raise AssertionError("the voicing did not stop")
    assert (tmp_path / PREVIEW_DONE).is_file() and len(preview_lines(tmp_path)) == 3, "what was voiced stays playable"
    voiced_before = len(voices.calls)
    (tmp_path / PREVIEW_WANTED).touch()  # the listener asks again for the resumed job's preview
    mixed = voice_and_mix(script, cast, cache, mix, tmp_path / "premaster.pcm", _StopAfter(None), preview=True)
    assert len(voices.calls) - voiced_before == 8 - voiced_before, "the turns voiced before came from the cache"
    assert preview_lines(tmp_path) == mixed.transcript and len(mixed.transcript) == 8
    heard = len(decode(tmp_path / PREVIEW_AUDIO, 16_000)) / 16_000
    assert abs(heard - mixed.seconds) < 0.3, f"the preview did not start again from the top: {heard} s"


def test_cached_turns_keep_their_level_so_a_remix_measures_none(tmp_path: Path, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.audio import mixer
    from pipeline.audio.voicing import voice_and_mix
    from pipeline.providers import mix_settings
    from pipeline.voices.base import Cast
    from tests.fakes import TONE_HOSTS

    cast, cache = Cast.of(TONE_HOSTS, ToneVoices()), SegmentCache(tmp_path / "cache", 10**8)
    script = Script("T", (Section("S", tuple(Turn(("Alex", "Sam")[n % 2], f"Line number {n}, said plainly.")
                                            for n in range(6))),))
    first = voice_and_mix(script, cast, cache, mix_settings(settings), tmp_path / "one.pcm", _StopAfter(None))
    measured: list[int] = []
    real = mixer.matching_gain
    monkeypatch.setattr(mixer, "matching_gain", lambda *args: measured.append(1) or real(*args))
    again = voice_and_mix(script, cast, cache, mix_settings(settings), tmp_path / "two.pcm", _StopAfter(None))
    assert measured == [], "every turn's gain came from the cache"
    assert again.transcript == first.transcript
    assert (tmp_path / "one.pcm").read_bytes() == (tmp_path / "two.pcm").read_bytes(), "the same mix, sample for sample"


def test_the_first_word_comes_after_a_moment_of_silence(tmp_path: Path, settings: Settings) -> None:
    mix = mix_settings(settings)
    script = Script("T", (Section("One", (Turn("Alex", "Hello there."), Turn("Sam", "Hi."))),))
    mixed = voice_and_mix(script, Cast.of(TONE_HOSTS, ToneVoices()), None, mix, tmp_path / "premaster.pcm",
                          RecordingSink())
    assert mix.lead_ms == 200 and mixed.transcript[0]["start"] == 0.2
    samples = np.frombuffer((tmp_path / "premaster.pcm").read_bytes(), dtype="<i2")
    lead = mix.format.sample_rate * mix.lead_ms // 1000
    assert not samples[:lead].any(), "silence until the first word"
    assert np.abs(samples[lead:lead + mix.format.sample_rate // 10]).max() > 1000, "then the first word"
