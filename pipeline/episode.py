"""The generation steps for one job: script → voice each turn → combine → store → verify.

Knows nothing of HTTP or NiceGUI: progress goes out through a `ProgressSink`.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from errors import AudioError, ScriptError
from pipeline.audio import EpisodeMixer, decoded_duration, encode_mp3
from pipeline.script import WORDS_PER_MINUTE, Script, ScriptWriter
from pipeline.voices import Voice
from store.jobs import ClaimedJob, FinishedEpisode
from store.media import MediaStore

log = logging.getLogger(__name__)

DURATION_MINUTES = {"short": 5, "medium": 10, "long": 20}
# The stored file may differ from the mixed length by encoder padding only.
_DURATION_TOLERANCE_SECONDS = 0.5


class Interrupted(Exception):
    """The service is shutting down; the job was left unfinished on purpose."""


class ProgressSink(Protocol):
    """Where a running job reports to."""

    def report(self, percent: int, step: str) -> None:
        """Progress 0-100 and the current step, for people watching."""
        ...

    def script_written(self, target_words: int, script_words: int) -> None:
        """The script's target and actual length."""
        ...

    def should_stop(self) -> bool:
        """True when the job must stop at the next segment boundary."""
        ...


@dataclass(frozen=True)
class Providers:
    """The implementations chosen by settings."""

    writer: ScriptWriter
    voice: Voice
    media: MediaStore


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
    """Run every step for `job`; returns the verified, stored episode."""
    workdir.mkdir(parents=True, exist_ok=True)
    sink.report(5, "Podcast record created")
    sink.report(10, "Generating podcast script...")
    target = target_words(job.duration)
    script = providers.writer.write(job.note_content, job.title, target)
    if not script.turns:
        raise ScriptError("The note has nothing that can be spoken")
    sink.script_written(target, script.words)
    sink.report(25, f"Script ready: {len(script.turns)} turns, {script.words} words (target {target})")

    wav_path, mp3_path = workdir / "episode.wav", workdir / "episode.mp3"
    transcript, mixed_seconds = _voice_and_mix(script, providers.voice, mix, wav_path, sink)

    sink.report(65, "Combining audio segments...")
    encode_mp3(wav_path, mp3_path)
    wav_path.unlink(missing_ok=True)
    sink.report(75, "Audio combined")

    sink.report(80, "Storing audio...")
    key = media_key(job.podcast_id)
    size = providers.media.put(mp3_path, key, "audio/mpeg")
    sink.report(90, "Audio stored")

    sink.report(95, "Verifying stored audio...")
    try:
        duration = decoded_duration(providers.media.materialize(key, workdir))
        if abs(duration - mixed_seconds) > _DURATION_TOLERANCE_SECONDS:
            raise AudioError(f"The stored audio lasts {duration:.2f} s but {mixed_seconds:.2f} s were mixed")
    except Exception:
        providers.media.delete(key)
        raise
    mp3_path.unlink(missing_ok=True)
    return FinishedEpisode(
        title=job.title or script.title, audio_key=key, audio_bytes=size,
        audio_duration=round(duration, 3), transcript=transcript,
    )


def _voice_and_mix(
    script: Script, voice: Voice, mix: MixSettings, wav_path: Path, sink: ProgressSink
) -> tuple[list[dict[str, Any]], float]:
    """Voice turns a few at a time (the voice's concurrency, plus one so mixing overlaps voicing) and mix them in
    order as they arrive; progress advances per finished segment, in order."""
    first_speaker = script.turns[0].speaker
    planned = [(section, turn_index, turn) for section in script.sections
               for turn_index, turn in enumerate(section.turns)]
    total = len(planned)
    window = max(1, getattr(voice, "concurrency", 1)) + 1
    transcript: list[dict[str, Any]] = []
    mixer = EpisodeMixer(wav_path, voice.sample_rate)
    pending: deque[Future[bytes]] = deque()
    with ThreadPoolExecutor(max_workers=window - 1 or 1, thread_name_prefix="voice") as pool:
        try:
            sink.report(30, f"Generating audio for each segment... (0/{total})")
            for done in range(total):
                while len(pending) < window and done + len(pending) < total:
                    _, _, turn = planned[done + len(pending)]
                    host = 0 if turn.speaker == first_speaker else 1
                    pending.append(pool.submit(voice.synthesize, turn.text, host))
                if sink.should_stop():
                    raise Interrupted
                pcm = pending.popleft().result()
                section, turn_index, turn = planned[done]
                if done:
                    mixer.add_pause(mix.section_pause_ms if turn_index == 0 else mix.pause_ms)
                start, end = mixer.add_speech(pcm)
                transcript.append({"speaker": turn.speaker, "text": turn.text, "section": section.title,
                                   "start": round(start, 3), "end": round(end, 3)})
                sink.report(30 + 30 * (done + 1) // total,
                            f"Generating audio for each segment... ({done + 1}/{total})")
            mixer.add_pause(mix.pause_ms)  # a short tail so players do not clip the last word
        finally:
            for future in pending:
                future.cancel()
            mixer.close()
    return transcript, mixer.seconds
