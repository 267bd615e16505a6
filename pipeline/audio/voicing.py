"""Voicing every turn (through the segment cache) and laying the turns into the mix, in order, as they arrive."""

from __future__ import annotations

import struct
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from errors import ScriptError
from pipeline.audio.dynamics import MATCHING_IDENTITY
from pipeline.audio.mix import MixedEpisode, MixSettings
from pipeline.audio.mixer import TURN_LOUDNESS_LUFS, EpisodeMixer
from pipeline.audio.music import intro_bed
from pipeline.audio.premaster import Onward, Premaster
from pipeline.audio.preview import PreviewStream
from pipeline.cache import SegmentCache
from pipeline.progress import Interrupted, Milestone, ProgressSink, voicing_percent
from pipeline.speech.normalize import NORMALISER_VERSION, spoken_text, too_long_to_say
from pipeline.voices.base import Cast, Voice
from pipeline.writers.base import Script, Turn
from store.records import Transcript

_TAIL_MS = 400


class Voicer:
    """Voices one turn through the cache, at the mix rate, counting hits for this job. The voice reads the
    turn's spoken text (numbers and symbols as words); the transcript keeps what the script says."""

    def __init__(self, cast: Cast, cache: SegmentCache | None) -> None:
        self.cast, self.cache, self.rate = cast, cache, cast.sample_rate
        self.cached = 0

    def lookup(self, turn: Turn, spoken: str) -> tuple[str | None, bytes | None, float | None]:
        """The segment's cache key, and its audio at the mix rate and level-matching gain when cached."""
        if self.cache is None:
            return None, None, None
        voice = self.cast.voice_for(turn.speaker)
        key = self.key(turn, spoken)
        found = self.cache.get(key)
        if found is None:
            return key, None, None
        self.cached += 1
        gain = self.cache.get(self._level_key(key))
        return key, self._at_mix_rate(found, voice), struct.unpack("<d", gain)[0] if gain and len(gain) == 8 else None

    def key(self, turn: Turn, spoken: str) -> str:
        """The turn's segment key (with a cache)."""
        assert self.cache is not None
        return self.cache.key(segment_identity(self.cast.voice_for(turn.speaker)), spoken)

    def remember_gain(self, key: str | None, gain: float) -> None:
        """Keep a turn's level-matching gain beside its audio: an edited episode re-mixes its unchanged turns
        without measuring them again."""
        if self.cache is not None and key is not None:
            self.cache.put(self._level_key(key), struct.pack("<d", gain))

    def _level_key(self, key: str) -> str:
        assert self.cache is not None
        return self.cache.key(f"level|{self.rate}|{MATCHING_IDENTITY}|{TURN_LOUDNESS_LUFS}", key)

    def synthesize(self, turn: Turn, spoken: str, key: str | None) -> bytes:
        voice = self.cast.voice_for(turn.speaker)
        pcm = voice.synthesize(spoken)
        if self.cache is not None and key is not None:
            self.cache.put(key, pcm)  # at the voice's own rate: the key names the voice, not the mix
        return self._at_mix_rate(pcm, voice)

    def _at_mix_rate(self, pcm: bytes, voice: Voice) -> bytes:
        return resample(pcm, voice.sample_rate, self.rate)


def segment_identity(voice: Voice) -> str:
    """What a voiced segment's audio depends on besides its spoken text."""
    return f"{voice.name}|{voice.cache_identity()}|speech={NORMALISER_VERSION}"


def resample(pcm: bytes, source_rate: int, target_rate: int) -> bytes:
    """16-bit mono PCM at another rate (soxr's high-quality resampler, in-process: a subprocess per turn would
    cost more than the resampling)."""
    if source_rate == target_rate:
        return pcm
    import numpy as np
    import soxr

    samples = np.frombuffer(pcm, dtype="<i2")
    converted: bytes = soxr.resample(samples, source_rate, target_rate, quality="HQ").astype("<i2").tobytes()
    return converted


def spoken_for(turn: Turn, index: int) -> str:
    """What the voice says for the turn at `index` (numbers and symbols as words, the user's pronunciations)."""
    spoken = spoken_text(turn.text, dict(turn.say))
    if turn.say and too_long_to_say(turn.text, spoken):
        raise ScriptError(f"Line {index + 1}: its pronunciations make it too long to voice")
    return spoken


class _Both:
    """The mix goes to mastering and, when there is one, to the live preview."""

    def __init__(self, premaster: Premaster, preview: PreviewStream | None) -> None:
        self.premaster, self.preview = premaster, preview

    def write(self, data: bytes) -> None:
        self.premaster.write(data)
        if self.preview is not None:
            self.preview.write(data)


def voice_and_mix(script: Script, cast: Cast, cache: SegmentCache | None, mix: MixSettings, premaster_path: Path,
                  sink: ProgressSink, preview: bool = False, onward: Onward | None = None) -> MixedEpisode:
    """Voice turns a few at a time (the voices' concurrency, plus one so mixing overlaps voicing) and mix them in
    order as they arrive; progress advances per finished segment, in order. With `preview`, the mix also grows a
    listenable preview beside `premaster_path` (see pipeline.audio.preview); with `onward`, pass 2 follows pass 1
    as it goes (see pipeline.audio.early). Returns the premastered mix, with the loudness measured on it."""
    planned = [(section, index, turn) for section in script.sections for index, turn in enumerate(section.turns)]
    total, voicer = len(planned), Voicer(cast, cache)
    window = max(1, cast.concurrency) + 1
    transcript: Transcript = []
    rate = cast.sample_rate
    bed, lead_ms = None, mix.lead_ms
    if mix.intro_music is not None:
        lead_ms = mix.intro_lead_ms
        bed = intro_bed(mix.intro_music, rate, lead_ms, mix.intro_music_seconds, TURN_LOUDNESS_LUFS)
    premaster = Premaster(premaster_path, rate, mix.format.sample_rate, onward)
    listening = PreviewStream(premaster_path.parent, rate) if preview else None
    mixer = EpisodeMixer(_Both(premaster, listening), rate, ramp_ms=mix.ramp_ms, bed=bed, lead_ms=lead_ms)
    pending: deque[tuple[str | None, float | None, Future[bytes]]] = deque()
    with ThreadPoolExecutor(max_workers=window - 1, thread_name_prefix="voice") as pool:
        try:
            sink.report(Milestone.VOICING, f"Voicing {total} lines...")
            for done in range(total):
                while len(pending) < window and done + len(pending) < total:
                    turn = planned[done + len(pending)][2]
                    # once per turn: the cache key and the voice both use it
                    spoken = spoken_for(turn, done + len(pending))
                    key, found, gain = voicer.lookup(turn, spoken)
                    if found is not None:
                        ready: Future[bytes] = Future()
                        ready.set_result(found)
                        pending.append((key, gain, ready))
                    else:
                        pending.append((key, None, pool.submit(voicer.synthesize, turn, spoken, key)))
                if sink.should_stop():
                    raise Interrupted
                key, gain, voiced = pending.popleft()
                pcm = voiced.result()
                section, index, turn = planned[done]
                if done:
                    mixer.add_pause(mix.pause_before(index))
                start, end = mixer.add_speech(pcm, gain)
                if gain is None:
                    voicer.remember_gain(key, mixer.last_gain)
                transcript.append({"speaker": turn.speaker, "text": turn.text, "section": section.title,
                                   "start": round(start, 3), "end": round(end, 3)})
                if listening is not None:
                    listening.add_line(transcript[-1])
                sink.report(voicing_percent(done + 1, total), f"Voicing line {done + 1} of {total}")
            mixer.add_pause(max(mix.pause_ms, _TAIL_MS))  # players must not clip the last word, nor the fade
            seconds = mixer.finish()
            if listening is not None:
                listening.finish()
            sink.report(Milestone.VOICED, "Measuring loudness...")
            measured = premaster.finish()
        except BaseException:
            for _, _, future in pending:
                future.cancel()
            premaster.abandon()
            if listening is not None:
                listening.abandon()
            raise
    sink.segments_voiced(total, voicer.cached)
    return MixedEpisode(transcript, seconds, measured)
