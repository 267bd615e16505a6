"""The generation steps for one job: script → voice each turn → combine → store → verify.

Each step leaves a checkpoint (see pipeline.checkpoints and the segment cache), so a job interrupted at any
point resumes where it stopped. Knows nothing of HTTP or NiceGUI: progress goes out through a `ProgressSink`.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from errors import AudioError, ScriptError
from pipeline import checkpoints
from pipeline.audio import EpisodeMixer, decoded_duration
from pipeline.script import WORDS_PER_MINUTE, Script, ScriptWriter, Turn
from pipeline.segment_cache import SegmentCache
from pipeline.voices import Voice
from store.media import MediaStore
from store.records import ClaimedJob, FinishedEpisode

log = logging.getLogger(__name__)

DURATION_MINUTES = {"short": 5, "medium": 10, "long": 20}
# The stored file may differ from the mixed length by encoder padding only.
_DURATION_TOLERANCE_SECONDS = 0.5


class Interrupted(Exception):
    """The job must stop now (shutdown or cancel); its checkpoints stay for a resume."""


class ProgressSink(Protocol):
    """Where a running job reports to."""

    def report(self, percent: int, step: str) -> None:
        """Progress 0-100 and the current step, for people watching."""
        ...

    def script_written(self, target_words: int, script_words: int) -> None:
        """The script's target and actual length."""
        ...

    def segments_voiced(self, total: int, cached: int) -> None:
        """How many segments there were, and how many came from the cache instead of the voice."""
        ...

    def should_stop(self) -> bool:
        """True when the job must stop at the next segment boundary."""
        ...


@dataclass(frozen=True)
class Providers:
    """The implementations chosen by settings, and the segment cache in front of the voice."""

    writer: ScriptWriter
    voice: Voice
    media: MediaStore
    cache: SegmentCache | None = None


@dataclass(frozen=True)
class MixSettings:
    """Pauses between turns and between sections, in milliseconds."""

    pause_ms: int = 350
    section_pause_ms: int = 700


def target_words(duration: str) -> int:
    """Words a script for `duration` should have."""
    return DURATION_MINUTES[duration] * WORDS_PER_MINUTE


def media_key(podcast_id: str) -> str:
    """Where a podcast's audio is stored."""
    return f"{podcast_id}.mp3"


def produce_episode(
    job: ClaimedJob, providers: Providers, mix: MixSettings, workdir: Path, sink: ProgressSink
) -> FinishedEpisode:
    """Run (or resume) every step for `job`; returns the verified, stored episode."""
    workdir.mkdir(parents=True, exist_ok=True)
    sink.report(5, "Podcast record created")
    script, _ = _script(job, providers.writer, workdir, sink)
    mp3_path = workdir / "episode.mp3"
    mixed = checkpoints.load_mix(workdir)
    if mixed is None:
        transcript, seconds = _voice_and_mix(script, providers, mix, mp3_path, sink)
        checkpoints.save_mix(workdir, transcript, seconds)
    else:
        transcript, seconds = mixed
        log.info("job %s resumes with its episode already mixed", job.job_id)
    sink.report(75, "Audio combined")

    sink.report(80, "Storing audio...")
    key = media_key(job.podcast_id)
    size = providers.media.put(mp3_path, key, "audio/mpeg")
    sink.report(90, "Audio stored")

    sink.report(95, "Verifying stored audio...")
    try:
        duration = decoded_duration(providers.media.materialize(key, workdir))
        if abs(duration - seconds) > _DURATION_TOLERANCE_SECONDS:
            raise AudioError(f"The stored audio lasts {duration:.2f} s but {seconds:.2f} s were mixed")
    except Exception:
        providers.media.delete(key)
        raise
    return FinishedEpisode(title=job.title or script.title, audio_key=key, audio_bytes=size,
                           audio_duration=round(duration, 3), transcript=transcript)


def _script(job: ClaimedJob, writer: ScriptWriter, workdir: Path, sink: ProgressSink) -> tuple[Script, int]:
    restored = checkpoints.load_script(workdir)
    if restored is not None:
        script, target = restored
        sink.report(25, f"Script restored: {len(script.turns)} turns, {script.words} words (target {target})")
        return script, target
    sink.report(10, "Generating podcast script...")
    target = target_words(job.duration)
    script = writer.write(job.note_content, job.title, target)
    if not script.turns:
        raise ScriptError("The note has nothing that can be spoken")
    checkpoints.save_script(workdir, script, target)
    sink.script_written(target, script.words)
    sink.report(25, f"Script ready: {len(script.turns)} turns, {script.words} words (target {target})")
    return script, target


class _Voicer:
    """Voices one turn through the cache, counting hits for this job."""

    def __init__(self, providers: Providers, first_speaker: str) -> None:
        self.voice, self.cache, self.first_speaker = providers.voice, providers.cache, first_speaker
        self.cached = 0

    def lookup(self, turn: Turn) -> tuple[str | None, bytes | None]:
        host = self.host(turn)
        if self.cache is None:
            return None, None
        key = self.cache.key(self.voice.cache_identity(host), turn.text)
        found = self.cache.get(key)
        if found is not None:
            self.cached += 1
        return key, found

    def host(self, turn: Turn) -> int:
        return 0 if turn.speaker == self.first_speaker else 1

    def synthesize(self, turn: Turn, key: str | None) -> bytes:
        pcm = self.voice.synthesize(turn.text, self.host(turn))
        if self.cache is not None and key is not None:
            self.cache.put(key, pcm)
        return pcm


def _voice_and_mix(
    script: Script, providers: Providers, mix: MixSettings, mp3_path: Path, sink: ProgressSink
) -> tuple[list[dict[str, Any]], float]:
    """Voice turns a few at a time (the voice's concurrency, plus one so mixing overlaps voicing) and mix them in
    order as they arrive; progress advances per finished segment, in order."""
    planned = [(section, index, turn) for section in script.sections for index, turn in enumerate(section.turns)]
    total, voicer = len(planned), _Voicer(providers, script.turns[0].speaker)
    window = max(1, providers.voice.concurrency) + 1
    transcript: list[dict[str, Any]] = []
    mixer = EpisodeMixer(mp3_path, providers.voice.sample_rate)
    pending: deque[Future[bytes]] = deque()
    with ThreadPoolExecutor(max_workers=window - 1, thread_name_prefix="voice") as pool:
        try:
            sink.report(30, f"Generating audio for each segment... (0/{total})")
            for done in range(total):
                while len(pending) < window and done + len(pending) < total:
                    turn = planned[done + len(pending)][2]
                    key, found = voicer.lookup(turn)
                    if found is not None:
                        ready: Future[bytes] = Future()
                        ready.set_result(found)
                        pending.append(ready)
                    else:
                        pending.append(pool.submit(voicer.synthesize, turn, key))
                if sink.should_stop():
                    raise Interrupted
                pcm = pending.popleft().result()
                section, index, turn = planned[done]
                if done:
                    mixer.add_pause(mix.section_pause_ms if index == 0 else mix.pause_ms)
                start, end = mixer.add_speech(pcm)
                transcript.append({"speaker": turn.speaker, "text": turn.text, "section": section.title,
                                   "start": round(start, 3), "end": round(end, 3)})
                sink.report(30 + 30 * (done + 1) // total,
                            f"Generating audio for each segment... ({done + 1}/{total})")
            mixer.add_pause(mix.pause_ms)  # a short tail so players do not clip the last word
        except BaseException:
            for future in pending:
                future.cancel()
            mixer.abandon()
            raise
    sink.report(65, "Combining audio segments...")
    mixer.finish()
    sink.segments_voiced(total, voicer.cached)
    return transcript, mixer.seconds
