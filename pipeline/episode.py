"""The generation steps for one job: script → voice each turn → mix → master and tag → store → verify.

Each step leaves a checkpoint (see pipeline.checkpoints and the segment cache), so a job interrupted at any
point resumes where it stopped. Knows nothing of HTTP or NiceGUI: progress goes out through a `ProgressSink`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from errors import AudioError, ScriptError
from pipeline import checkpoints, episode_cache
from pipeline.finishing import EpisodeFile, Labels, audio_key, finish_audio, side_file_keys, side_files, tag_audio
from pipeline.mastering import AudioFormat, audio_format, correction, read_back
from pipeline.script import WORDS_PER_MINUTE, Script, ScriptWriter, cleaned
from pipeline.segment_cache import SegmentCache
from pipeline.submission import DURATION_MINUTES
from pipeline.transcripts import chapters_from
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
    if providers.cache is not None:
        providers = replace(providers, cache=providers.cache.for_user(job.user_id))
    sink.report(5, "Podcast record created")
    script, target = _script(job, providers, mix, workdir, sink)
    fmt = mix.format
    audio_path, premaster_path = workdir / f"episode.{fmt.extension}", workdir / "premaster.pcm"
    labels = Labels(title=job.title or script.title, show=mix.show_name, note_title=job.title or script.title,
                    cover=mix.cover.read_bytes() if mix.cover else None)
    mastered = checkpoints.load_mix(workdir, audio_path)
    cache_key = episode_cache.episode_key(providers, mix, script)
    reused = None if mastered is not None else episode_cache.load(providers, cache_key, audio_path)
    if reused is not None:
        transcript, seconds, loudness = reused
        duration = seconds
        tag_audio(audio_path, fmt, labels, chapters_from(transcript), seconds)
        sink.segments_voiced(len(transcript), len(transcript))  # every segment's audio came from the cache
        sink.report(70, "Episode reused from the cache")
    elif mastered is None:
        transcript, seconds, measured = voice_and_mix(script, providers, mix, premaster_path, sink)
        sink.report(70, "Normalising loudness and encoding...")
        loudness, duration = finish_audio(premaster_path, measured, seconds, transcript, fmt, labels, audio_path)
        bias = correction(loudness)
        if bias is not None:
            log.info("job %s: the encoder moved the loudness to %.1f LUFS; encoding once more", job.job_id,
                     loudness.integrated)
            loudness, duration = finish_audio(premaster_path, measured, seconds, transcript, fmt, labels,
                                              audio_path, bias)
        premaster_path.unlink(missing_ok=True)
    else:
        transcript, seconds, _ = mastered
        loudness, duration = read_back(audio_path)
        log.info("job %s resumes with its episode already mastered", job.job_id)
    if abs(duration - seconds) > _DURATION_TOLERANCE_SECONDS:
        raise AudioError(f"The encoded audio lasts {duration:.2f} s but {seconds:.2f} s were mixed")
    if reused is None:
        checkpoints.save_mix(workdir, transcript, seconds, loudness)
    sink.report(75, "Audio mastered; writing transcripts and chapters")
    side = side_files(job.podcast_id, transcript, workdir)
    audio = EpisodeFile(audio_path, audio_key(job.podcast_id, fmt), fmt.content_type)

    sink.report(80, "Storing audio...")
    media = providers.media
    try:
        sizes = {file.key: media.put(file.path, file.key, file.content_type) for file in [audio, *side.values()]}
        sink.report(90, "Audio stored")
        sink.report(95, "Verifying stored audio...")
        _verify_stored(media, audio, workdir)
    except Exception:
        remove_stored(media, media_keys(job.podcast_id, mix))
        raise
    if not loudness.within_targets():
        log.warning("job %s: episode loudness %s misses the targets", job.job_id, loudness.as_json())
    if reused is None:
        episode_cache.store(providers, cache_key, audio_path, transcript, seconds, loudness)
    key = audio.key
    return FinishedEpisode(title=job.title or script.title, audio_key=key, audio_bytes=sizes[key],
                           audio_duration=round(duration, 3), transcript=transcript,
                           files={kind: file.key for kind, file in side.items()},
                           loudness=loudness.as_json(), words=script.words, target_words=target)


def remove_stored(media: MediaStore, keys: list[str]) -> None:
    """Best effort: the error that got us here is the one to report, not a failing clean-up."""
    for key in keys:
        try:
            media.delete(key)
        except Exception as exc:  # any store error: logged, and the original error propagates
            log.warning("could not remove %s after a failed job: %s", key, exc)


def _verify_stored(media: MediaStore, audio: EpisodeFile, workdir: Path) -> None:
    """The stored audio must be exactly the file that was encoded and read back (so it decodes, lasts as long
    as the mix and has the measured loudness)."""
    stored = media.materialize(audio.key, workdir)
    if stored.stat().st_size != audio.path.stat().st_size or _digest(stored) != _digest(audio.path):
        raise AudioError("The stored audio differs from the encoded episode")


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _script(job: ClaimedJob, providers: Providers, mix: MixSettings, workdir: Path, sink: ProgressSink
            ) -> tuple[Script, int]:
    restored = checkpoints.load_script(workdir)
    if restored is not None:
        script, target = restored
        sink.report(25, f"Script restored: {len(script.turns)} turns, {script.words} words (target {target})")
        return script, target
    # The same note, writer, voice and length get the same script back, so regenerating a note is all cache
    # hits even after the measured speaking rate has moved the word target a little.
    cache, writer = providers.cache, providers.writer
    cache_key = cache.key(f"script|{writer.identity}|{pace_key(providers.voice, mix)}|{job.duration}|"
                          f"{job.title or ''}", job.note_content) if cache else None
    reused = _cached_script(cache, cache_key)
    if reused is not None:
        script, target = reused
        how = "reused"
    else:
        sink.report(10, "Generating podcast script...")
        target = target_words(job.duration, job.words_per_second)
        script = cleaned(writer.write(job.note_content, job.title, target))
        if not script.turns:
            raise ScriptError("The note has nothing that can be spoken")
        if cache is not None and cache_key is not None:
            cache.put(cache_key, json.dumps(checkpoints.script_json(script, target)).encode())
        how = "ready"
    checkpoints.save_script(workdir, script, target)
    sink.script_written(target, script.words)
    sink.report(25, f"Script {how}: {len(script.turns)} turns, {script.words} words (target {target})")
    return script, target


def _cached_script(cache: SegmentCache | None, key: str | None) -> tuple[Script, int] | None:
    found = cache.get(key) if cache is not None and key is not None else None
    if found is None:
        return None
    try:
        return checkpoints.script_from_json(json.loads(found))
    except ValueError:
        return None
