"""The generation steps for one job: script → voice each turn → mix → master and tag → store → verify.

Each step leaves a checkpoint (see pipeline.checkpoints and the segment cache), so a job interrupted at any
point resumes where it stopped. Knows nothing of HTTP or NiceGUI: progress goes out through a `ProgressSink`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from errors import AudioError, ScriptError
from pipeline import checkpoints
from pipeline.audio import decoded_duration
from pipeline.finishing import EpisodeFile, Labels, audio_key, finish_audio, side_file_keys, side_files
from pipeline.mastering import AudioFormat, audio_format
from pipeline.script import WORDS_PER_MINUTE, Script, ScriptWriter
from pipeline.segment_cache import SegmentCache
from pipeline.submission import DURATION_MINUTES
from pipeline.voices import Voice
from pipeline.voicing import voice_and_mix
from store.media import MediaStore
from store.records import ClaimedJob, FinishedEpisode

log = logging.getLogger(__name__)

# The stored file may differ from the mixed length by encoder padding only.
_DURATION_TOLERANCE_SECONDS = 0.5


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
    """How an episode is put together and delivered (times in milliseconds)."""

    pause_ms: int = 350
    section_pause_ms: int = 700
    ramp_ms: int = 10  # fade at both ends of every turn, so joins never click
    intro_music: Path | None = None
    intro_lead_ms: int = 3000
    intro_music_seconds: float = 12.0
    audio_format: str = "mp3"
    bitrate_kbps: int = 96
    show_name: str = "Notecast"
    cover: Path | None = None

    @property
    def format(self) -> AudioFormat:
        """The delivery format."""
        return audio_format(self.audio_format, self.bitrate_kbps)


def target_seconds(duration: str) -> int:
    """How long an episode of `duration` should last."""
    return DURATION_MINUTES[duration] * 60


def target_words(duration: str, words_per_second: float | None = None) -> int:
    """Words a script for `duration` should have: at the speaking rate measured on earlier episodes when there
    is one (aiming a little short, as the built-in writer must not overshoot), else at a typical 150 wpm."""
    if words_per_second:
        return int(target_seconds(duration) * words_per_second * 0.96)
    return DURATION_MINUTES[duration] * WORDS_PER_MINUTE


def pace_key(voice: Voice, mix: MixSettings) -> str:
    """What the measured speaking rate depends on: the voice and the pauses between turns."""
    return f"{voice.name}|{voice.cache_identity(0)}|pauses={mix.pause_ms}/{mix.section_pause_ms}"[:255]


def media_keys(podcast_id: str, mix: MixSettings) -> list[str]:
    """Every key a podcast's files are stored under."""
    return [audio_key(podcast_id, mix.format), *side_file_keys(podcast_id).values()]


def produce_episode(
    job: ClaimedJob, providers: Providers, mix: MixSettings, workdir: Path, sink: ProgressSink
) -> FinishedEpisode:
    """Run (or resume) every step for `job`; returns the verified, stored episode."""
    workdir.mkdir(parents=True, exist_ok=True)
    sink.report(5, "Podcast record created")
    script, target = _script(job, providers.writer, workdir, sink)
    fmt = mix.format
    audio_path = workdir / f"episode.{fmt.extension}"
    mastered = checkpoints.load_mix(workdir, audio_path)
    if mastered is None:
        mix_path = workdir / "mix.f32"
        transcript, seconds = voice_and_mix(script, providers, mix, mix_path, sink)
        sink.report(65, "Normalising loudness and encoding...")
        cover = mix.cover.read_bytes() if mix.cover else None
        labels = Labels(title=job.title or script.title, show=mix.show_name, note_title=job.title or script.title,
                        cover=cover)
        loudness = finish_audio(mix_path, providers.voice.sample_rate, seconds, transcript, fmt, labels,
                                audio_path).as_json()
        mix_path.unlink(missing_ok=True)
        checkpoints.save_mix(workdir, transcript, seconds, loudness)
    else:
        transcript, seconds, loudness = mastered
        log.info("job %s resumes with its episode already mastered", job.job_id)
    sink.report(75, "Audio mastered; writing transcripts and chapters")
    side = side_files(job.podcast_id, transcript, workdir)
    files = [EpisodeFile(audio_path, audio_key(job.podcast_id, fmt), fmt.content_type), *side.values()]

    sink.report(80, "Storing audio...")
    sizes = {file.key: providers.media.put(file.path, file.key, file.content_type) for file in files}
    sink.report(90, "Audio stored")

    sink.report(95, "Verifying stored audio...")
    key = files[0].key
    try:
        duration = decoded_duration(providers.media.materialize(key, workdir))
        if abs(duration - seconds) > _DURATION_TOLERANCE_SECONDS:
            raise AudioError(f"The stored audio lasts {duration:.2f} s but {seconds:.2f} s were mixed")
    except Exception:
        for file in files:
            providers.media.delete(file.key)
        raise
    return FinishedEpisode(title=job.title or script.title, audio_key=key, audio_bytes=sizes[key],
                           audio_duration=round(duration, 3), transcript=transcript,
                           files={kind: file.key for kind, file in side.items()},
                           loudness=loudness, words=script.words, target_words=target)


def _script(job: ClaimedJob, writer: ScriptWriter, workdir: Path, sink: ProgressSink) -> tuple[Script, int]:
    restored = checkpoints.load_script(workdir)
    if restored is not None:
        script, target = restored
        sink.report(25, f"Script restored: {len(script.turns)} turns, {script.words} words (target {target})")
        return script, target
    sink.report(10, "Generating podcast script...")
    target = target_words(job.duration, job.words_per_second)
    script = writer.write(job.note_content, job.title, target)
    if not script.turns:
        raise ScriptError("The note has nothing that can be spoken")
    checkpoints.save_script(workdir, script, target)
    sink.script_written(target, script.words)
    sink.report(25, f"Script ready: {len(script.turns)} turns, {script.words} words (target {target})")
    return script, target
