"""The speaking rate each voice really achieves, learned from finished episodes."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import pace_table

# Each new episode counts fully and older ones fade, so a changed voice or setting is learned within a few jobs.
_KEEP = 0.7


def words_per_second(db: Database, voice: str) -> float | None:
    """Words per second of finished audio for `voice`, or None before its first episode."""
    with db.read() as conn:
        row = conn.execute(select(pace_table.c.words, pace_table.c.seconds).where(pace_table.c.voice == voice)).first()
    return row.words / row.seconds if row and row.seconds > 0 else None


def work_per_audio_second(db: Database, voice: str) -> float | None:
    """Seconds this server takes to make one second of audio with `voice`, or None before it has voiced one."""
    with db.read() as conn:
        row = conn.execute(select(pace_table.c.work_seconds, pace_table.c.work_audio_seconds)
                           .where(pace_table.c.voice == voice)).first()
    return row.work_seconds / row.work_audio_seconds if row and row.work_audio_seconds else None


def record(db: Database, voice: str, words: int, seconds: float, work_seconds: float | None = None) -> None:
    """Fold one finished episode into `voice`'s rate, and into its speed when it was voiced afresh in
    `work_seconds`."""
    if words <= 0 or seconds <= 0:
        return
    values = {"words": pace_table.c.words * _KEEP + words, "seconds": pace_table.c.seconds * _KEEP + seconds}
    if work_seconds is not None and work_seconds > 0:
        values |= {"work_seconds": func.coalesce(pace_table.c.work_seconds, 0.0) * _KEEP + work_seconds,
                   "work_audio_seconds": func.coalesce(pace_table.c.work_audio_seconds, 0.0) * _KEEP + seconds}
    fold = update(pace_table).where(pace_table.c.voice == voice).values(values)
    first = {"voice": voice, "words": float(words), "seconds": float(seconds)}
    if work_seconds is not None and work_seconds > 0:
        first |= {"work_seconds": float(work_seconds), "work_audio_seconds": float(seconds)}
    try:
        with db.write() as conn:
            if not conn.execute(fold).rowcount:
                conn.execute(insert(pace_table).values(first))
    except IntegrityError:  # another replica inserted the first row a moment ago
        with db.write() as conn:
            conn.execute(fold)
