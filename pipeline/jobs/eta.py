"""How long until a job is done, from this server's measured speed: seconds of work per second of audio for the
job's voices (learned from finished episodes, see store.pace) times the audio still to make, for the job and
every job ahead of it. None until the server has made an episode with those voices."""

from __future__ import annotations

from errors import NotecastError
from pipeline.audio.mix import MixSettings
from pipeline.durations import expected_seconds, target_seconds
from pipeline.episode.length import pace_key
from pipeline.providers import Providers
from store import pace, queries
from store.db import Database
from store.models import JobStatus
from store.records import JobRecord


def eta_seconds(db: Database, providers: Providers, mix: MixSettings, job: JobRecord) -> int | None:
    """Seconds until `job` completes (None when finished or not yet measurable)."""
    if job.status not in (JobStatus.QUEUED, JobStatus.PROCESSING):
        return None
    rates: dict[str, float | None] = {}
    jobs = [*queries.ahead_of(db, job), job] if job.status == JobStatus.QUEUED else [job]
    total = 0.0
    for each in jobs:
        remaining = _remaining(db, providers, mix, each, rates)
        if remaining is None:
            return None
        total += remaining
    return max(1, round(total))


def _remaining(db: Database, providers: Providers, mix: MixSettings, job: JobRecord,
               rates: dict[str, float | None]) -> float | None:
    try:
        voices = pace_key(providers.cast_for(job.hosts), mix)
    except NotecastError:  # a voice gone since the job was queued: it will fail, not take time
        return 0.0
    if voices not in rates:
        rates[voices] = pace.work_per_audio_second(db, voices)
    rate = rates[voices]
    if rate is None:
        return None
    target = target_seconds(job.duration, job.format)
    audio = expected_seconds(target, job.target_words, job.script_words) or target
    # the bar is paced by expected time (pipeline.progress), so its share left is the share of the work left
    return audio * rate * (100 - job.progress) / 100
