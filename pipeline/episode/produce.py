"""The generation steps for one job: script → voice each turn → mix → master and tag → store → verify.

Each step leaves a checkpoint (see pipeline.episode.checkpoints and the segment cache), so a job interrupted at any
point resumes where it stopped. Knows nothing of HTTP or NiceGUI: progress goes out through a `ProgressSink`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from errors import AudioError, ScriptError
from pipeline.audio import splicing
from pipeline.audio.early import EarlyEncode
from pipeline.audio.mastering import read_back
from pipeline.audio.mix import MixedEpisode, MixSettings
from pipeline.audio.splicing import Layout, splice_edit, turn_marks
from pipeline.audio.voicing import Voicer, voice_and_mix
from pipeline.cache import SegmentCache
from pipeline.durations import length_notice
from pipeline.episode import checkpoints, reuse
from pipeline.episode.editing import with_lexicon
from pipeline.episode.encoding import encoded
from pipeline.episode.finishing import (
    EpisodeFile,
    Labels,
    audio_key,
    side_file_keys,
    side_files,
    tag_audio,
)
from pipeline.episode.length import pace_key, target_words
from pipeline.episode.transcripts import chapters_from
from pipeline.progress import AwaitingReview, Milestone, ProgressSink
from pipeline.providers import Providers
from pipeline.voices.base import Cast
from pipeline.writers.base import Script, ScriptWriter, WritingRequest, cleaned, format_name
from pipeline.writers.notes import note_excerpt
from store.media import MediaStore
from store.records import ClaimedJob, FinishedEpisode

log = logging.getLogger(__name__)

# The stored file may differ from the mixed length by encoder padding only.
_DURATION_TOLERANCE_SECONDS = 0.5


@dataclass(frozen=True)
class Mastered:
    """The encoded episode in the job's work dir: its record, the encoded file's length, and whether it came
    whole from the episode cache."""

    episode: MixedEpisode
    duration: float
    from_cache: bool


def media_keys(media_id: str, mix: MixSettings) -> list[str]:
    """Every key a job's files are stored under (see ClaimedJob.media_id)."""
    return [audio_key(media_id, mix.format), *side_file_keys(media_id).values()]


def produce_episode(
    job: ClaimedJob, providers: Providers, mix: MixSettings, workdir: Path, sink: ProgressSink
) -> FinishedEpisode:
    """Run (or resume) every step for `job`; returns the verified, stored episode."""
    workdir.mkdir(parents=True, exist_ok=True)
    cache = providers.cache.for_user(job.user_id) if providers.cache is not None else None
    sink.report(Milestone.RECORD_CREATED, "Podcast record created")
    cast = providers.cast_for(job.hosts)
    written, target = _script(job, providers.writer, cast, cache, mix, workdir, sink)
    if job.review and not job.script:
        raise AwaitingReview(checkpoints.script_json(written, target))
    script = with_lexicon(written, job.lexicon or {})
    audio_path = workdir / f"episode.{mix.format.extension}"
    episode_key = reuse.episode_key(cache, cast, mix, script) if cache is not None else None
    mastered = master_episode(job, script, cast, cache, episode_key, mix, workdir, sink)
    sizes, files = store_and_verify(job, audio_path, providers.media, mix, mastered.episode, workdir, sink)
    loudness = mastered.episode.loudness
    if not loudness.within_targets():
        log.warning("job %s: episode loudness %s misses the targets", job.job_id, loudness.as_json())
    if cache is not None and episode_key is not None and not mastered.from_cache:
        reuse.store(cache, episode_key, audio_path, mastered.episode)
    key = audio_key(job.media_id, mix.format)
    return FinishedEpisode(title=job.title or script.title, audio_key=key, audio_bytes=sizes[key],
                           audio_duration=round(mastered.duration, 3), transcript=mastered.episode.transcript,
                           files=files, loudness=loudness.as_json(), words=script.words, target_words=target,
                           voiced_fresh=not mastered.from_cache, note_excerpt=note_excerpt(job.note_content),
                           script=checkpoints.script_json(written, target))


def master_episode(job: ClaimedJob, script: Script, cast: Cast, cache: SegmentCache | None,
                   episode_key: str | None, mix: MixSettings, workdir: Path, sink: ProgressSink) -> Mastered:
    """The mastered, tagged episode in `workdir`: from this job's checkpoint, from the episode cache, or voiced,
    mixed and encoded afresh (then checkpointed)."""
    fmt = mix.format
    audio_path, premaster_path = workdir / f"episode.{fmt.extension}", workdir / "premaster.pcm"
    labels = Labels(title=job.title or script.title, show=mix.show_name, note_title=job.title or script.title,
                    cover=mix.cover.read_bytes() if mix.cover else None)
    resumed = checkpoints.load_mix(workdir, audio_path)
    if resumed is not None:
        loudness, duration = read_back(audio_path)
        _check_length(duration, resumed.seconds)
        log.info("job %s resumes with its episode already mastered", job.job_id)
        return Mastered(MixedEpisode(resumed.transcript, resumed.seconds, loudness), duration, from_cache=False)
    reused = reuse.load(cache, episode_key, audio_path) if cache is not None and episode_key else None
    if reused is not None:
        tag_audio(audio_path, fmt, labels, chapters_from(reused.transcript), reused.seconds)
        count = len(reused.transcript)
        sink.segments_voiced(count, count)  # every turn's audio came from the cache
        sink.report(Milestone.MASTERED, "Episode reused from the cache")
        return Mastered(reused, reused.seconds, from_cache=True)
    previous = _previous_version(job, cast, cache, mix)
    early = EarlyEncode(audio_path, fmt, previous[0].lufs) if previous is not None and fmt.streamable else None
    voicer = Voicer(cast, cache)
    marks = turn_marks(script, voicer) if cache is not None else []
    spliced = splice_edit(script, marks, voicer, mix, previous, premaster_path, sink, early) if previous else None
    if spliced is not None:
        (transcript, seconds), premaster = spliced, None
    else:
        # an edit voices a line or two and is done in seconds: its preview would only slow it down
        mixed = voice_and_mix(script, cast, cache, mix, premaster_path, sink,
                              preview=mix.live_preview and not job.edit_version, onward=early)
        transcript, seconds, premaster = mixed.transcript, mixed.seconds, mixed.loudness
    sink.report(Milestone.ENCODING, "Normalising loudness and encoding...")
    loudness, duration, lufs = encoded(job.job_id, transcript, seconds, premaster, early, premaster_path, fmt,
                                       labels, audio_path)
    _check_length(duration, seconds)
    if cache is not None:  # for the next edit
        layout = Layout(marks, [(turn["start"], turn["end"]) for turn in transcript], seconds, lufs,
                        fmt.sample_rate)
        splicing.store(cache, reuse.layout_key(cache, cast, mix, job.podcast_id), layout, premaster_path)
    premaster_path.unlink(missing_ok=True)
    mastered = MixedEpisode(transcript, seconds, loudness)
    checkpoints.save_mix(workdir, mastered)
    return Mastered(mastered, duration, from_cache=False)


def _previous_version(job: ClaimedJob, cast: Cast, cache: SegmentCache | None, mix: MixSettings
                      ) -> tuple[Layout, Path] | None:
    """For an edit: the previous version's premaster and layout, when this cast and these settings made it."""
    if not job.edit_version or cache is None:
        return None
    return splicing.recall(cache, reuse.layout_key(cache, cast, mix, job.podcast_id))


def _check_length(encoded: float, mixed: float) -> None:
    if abs(encoded - mixed) > _DURATION_TOLERANCE_SECONDS:
        raise AudioError(f"The encoded audio lasts {encoded:.2f} s but {mixed:.2f} s were mixed")


def store_and_verify(job: ClaimedJob, audio_path: Path, media: MediaStore, mix: MixSettings, episode: MixedEpisode,
                     workdir: Path, sink: ProgressSink) -> tuple[dict[str, int], dict[str, str]]:
    """Store the audio and its side files, then check the stored audio is byte for byte the encoded file.
    Returns the stored sizes by key, and the side files' keys by kind. Nothing stays stored on failure."""
    sink.report(Milestone.MASTERED, "Audio mastered; writing transcripts and chapters")
    side = side_files(job.media_id, episode.transcript, workdir, job.language or "en")
    audio = EpisodeFile(audio_path, audio_key(job.media_id, mix.format), mix.format.content_type)
    sink.report(Milestone.STORING, "Storing audio...")
    try:
        sizes = {file.key: media.put(file.path, file.key, file.content_type) for file in [audio, *side.values()]}
        sink.report(Milestone.STORED, "Audio stored")
        sink.report(Milestone.VERIFYING, "Verifying stored audio...")
        _verify_stored(media, audio, workdir)
    except Exception:
        remove_stored(media, media_keys(job.media_id, mix))
        raise
    return sizes, {kind: file.key for kind, file in side.items()}


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


def _script(job: ClaimedJob, writer: ScriptWriter, cast: Cast, cache: SegmentCache | None, mix: MixSettings,
            workdir: Path, sink: ProgressSink) -> tuple[Script, int]:
    approved = checkpoints.script_from_json(job.script) if job.script else None
    if approved is not None:  # reviewed (and perhaps edited): exactly this script is voiced
        script, target = approved
        checkpoints.save_script(workdir, script, target)
        sink.script_written(target, script.words, list(script.notices))
        how = "edited" if job.edit_version else "approved"
        sink.report(Milestone.SCRIPT_READY, f"Script {how}: {len(script.turns)} turns, {script.words} words")
        return script, target
    restored = checkpoints.load_script(workdir)
    if restored is not None:
        script, target = restored
        sink.report(Milestone.SCRIPT_READY,
                    f"Script restored: {len(script.turns)} turns, {script.words} words (target {target})")
        return script, target
    # The same note, writer, hosts, voices and length get the same script back, so regenerating a note is all
    # cache hits even after the measured speaking rate has moved the word target a little.
    hosts = "/".join(cast.names)
    # JSON, not a joined string: a focus or title holding the separator must not collide with another request
    shape = json.dumps([writer.identity, hosts, pace_key(cast, mix), job.duration, job.format or "conversation",
                        job.focus, job.title])
    cache_key = cache.key(f"script|{shape}", job.note_content) if cache else None
    reused = _cached_script(cache, cache_key)
    if reused is not None:
        script, target = reused
        how = "reused"
    else:
        sink.report(Milestone.WRITING_SCRIPT, "Generating podcast script...")
        target = target_words(job.duration, job.words_per_second)
        request = WritingRequest(job.note_content, job.title, target, cast.names, format_name(job.format), job.focus)
        script = cleaned(writer.write(request))
        target = request.words_wanted
        if not script.turns:
            raise ScriptError("The note has nothing that can be spoken")
        if cache is not None and cache_key is not None:
            cache.put(cache_key, json.dumps(checkpoints.script_json(script, target)).encode())
        how = "ready"
    checkpoints.save_script(workdir, script, target)
    short = length_notice(job.duration, job.format, target, script.words)
    sink.script_written(target, script.words, [*script.notices, *([short] if short else [])])
    sink.report(Milestone.SCRIPT_READY,
                f"Script {how}: {len(script.turns)} turns, {script.words} words (target {target})")
    return script, target


def _cached_script(cache: SegmentCache | None, key: str | None) -> tuple[Script, int] | None:
    found = cache.get(key) if cache is not None and key is not None else None
    if found is None:
        return None
    try:
        return checkpoints.script_from_json(json.loads(found))
    except ValueError:
        return None
