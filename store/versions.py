"""Versions of an episode: the podcast row holds the latest; an edit moves the one it replaces to
`podcast_versions`, where it stays playable until the episode is deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from errors import ConflictError
from store.db import Database
from store.models import podcasts_table, versions_table
from store.records import ClaimedJob, FinishedEpisode, as_utc, utcnow

_ARCHIVED = ("title", "audio_key", "audio_bytes", "audio_duration", "transcript", "files", "loudness")


def publish(conn: Connection, job: ClaimedJob, episode: FinishedEpisode) -> None:
    """Within the caller's transaction: store a job's episode as its podcast, or as the podcast's new version."""
    media = {"title": episode.title, "audio_key": episode.audio_key, "audio_bytes": episode.audio_bytes,
             "audio_duration": episode.audio_duration, "transcript": episode.transcript, "files": episode.files,
             "loudness": episode.loudness, "script": episode.script}
    if job.edit_version:
        _replace_version(conn, job, media)
        return
    conn.execute(delete(podcasts_table).where(podcasts_table.c.podcast_id == job.podcast_id))
    conn.execute(insert(podcasts_table).values(
        podcast_id=job.podcast_id, job_id=job.job_id, user_id=job.user_id, note_id=job.note_id,
        duration=job.duration, hosts=job.hosts, language=job.language, format=job.format, focus=job.focus,
        note_excerpt=episode.note_excerpt or None, created_at=utcnow(), **media))


def _replace_version(conn: Connection, job: ClaimedJob, media: dict[str, Any]) -> None:
    current = conn.execute(select(podcasts_table).where(podcasts_table.c.podcast_id == job.podcast_id)
                           ).mappings().first()
    if current is None:
        raise ConflictError("The episode was deleted while its edit was being voiced")
    if (current["version"] or 1) + 1 != job.edit_version:
        raise ConflictError("The episode was edited again while this edit was being voiced; edit its script again")
    kept = {name: current[name] for name in _ARCHIVED}
    conn.execute(insert(versions_table).values(podcast_id=job.podcast_id, version=current["version"] or 1,
                                               created_at=current["updated_at"] or current["created_at"], **kept))
    # The id, share link, feed item and publication date stay (a podcast app must not see a new episode);
    # what it sounds like and says moves on.
    conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == job.podcast_id)
                 .values(version=job.edit_version, updated_at=utcnow(), **media))


def earlier(db: Database, podcast_id: str) -> list[dict[str, Any]]:
    """The earlier versions of an episode, newest first."""
    query = (select(versions_table).where(versions_table.c.podcast_id == podcast_id)
             .order_by(versions_table.c.version.desc()))
    with db.read() as conn:
        rows = conn.execute(query).mappings().all()
    return [dict(row) | {"created_at": as_utc(row["created_at"])} for row in rows]


def forget(conn: Connection, podcast_id: str) -> list[str]:
    """Within the caller's transaction: drop an episode's earlier versions; the media keys they held."""
    rows = conn.execute(select(versions_table.c.audio_key, versions_table.c.files)
                        .where(versions_table.c.podcast_id == podcast_id)).all()
    conn.execute(delete(versions_table).where(versions_table.c.podcast_id == podcast_id))
    return [key for audio_key, files in rows for key in [audio_key, *(files or {}).values()]]
