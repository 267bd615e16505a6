"""The speaking rate each voice really achieves, learned from finished episodes."""

from __future__ import annotations

from sqlalchemy import insert, select, update
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


def record(db: Database, voice: str, words: int, seconds: float) -> None:
    """Fold one finished episode into `voice`'s rate."""
    if words <= 0 or seconds <= 0:
        return
    fold = update(pace_table).where(pace_table.c.voice == voice).values(
        words=pace_table.c.words * _KEEP + words, seconds=pace_table.c.seconds * _KEEP + seconds)
    try:
        with db.write() as conn:
            if not conn.execute(fold).rowcount:
                conn.execute(insert(pace_table).values(voice=voice, words=float(words), seconds=float(seconds)))
    except IntegrityError:  # another replica inserted the first row a moment ago
        with db.write() as conn:
            conn.execute(fold)
