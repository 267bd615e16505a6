"""What an owner does to a finished episode: rename it, share it by a secret link, delete it."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import delete, select, update

from errors import NotFound
from store import versions
from store.db import Database
from store.jobs import forget_jobs_of
from store.media import MediaStore
from store.models import podcasts_table
from store.records import as_utc

log = logging.getLogger(__name__)


def rename(db: Database, podcast_id: str, title: str) -> None:
    """Give an episode a new title (its feed item and download names follow)."""
    with db.write() as conn:
        changed = conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id)
                               .values(title=title)).rowcount
    if not changed:
        raise NotFound("Podcast not found")


def share(db: Database, podcast_id: str) -> str:
    """The episode's share token, made on first share (sharing twice gives the same link)."""
    token = secrets.token_urlsafe(24)  # 192 bits: the link is the only key to the page
    with db.write() as conn:
        current = conn.execute(select(podcasts_table.c.share_token)
                               .where(podcasts_table.c.podcast_id == podcast_id)).first()
        if current is None:
            raise NotFound("Podcast not found")
        if current[0]:
            return str(current[0])
        conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id).values(share_token=token))
    return token


def stop_sharing(db: Database, podcast_id: str) -> None:
    """Revoke the share link: its page answers 404 from now on, and sharing again makes a new one."""
    with db.write() as conn:
        changed = conn.execute(update(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id)
                               .values(share_token=None)).rowcount
    if not changed:
        raise NotFound("Podcast not found")


def shared(db: Database, token: str) -> dict[str, Any] | None:
    """The episode a share token opens, or None (never shared, revoked or deleted)."""
    if not token or len(token) > 64:
        return None
    with db.read() as conn:
        row = conn.execute(select(podcasts_table).where(podcasts_table.c.share_token == token)).mappings().first()
    return dict(row) | {"created_at": as_utc(row["created_at"])} if row else None


def delete_episode(db: Database, media: MediaStore, podcast_id: str) -> None:
    """Delete an episode: its row, its earlier versions and the jobs that made them first (so nothing links to
    it any more), then every version's audio, transcripts and chapters. A file that cannot be deleted is
    logged, not fatal: the episode is gone."""
    with db.write() as conn:
        row = conn.execute(select(podcasts_table.c.audio_key, podcasts_table.c.files)
                           .where(podcasts_table.c.podcast_id == podcast_id)).first()
        if row is None:
            raise NotFound("Podcast not found")
        conn.execute(delete(podcasts_table).where(podcasts_table.c.podcast_id == podcast_id))
        forget_jobs_of(conn, podcast_id)
        earlier = versions.forget(conn, podcast_id)
    audio_key, files = row
    for key in [audio_key, *(files or {}).values(), *earlier]:
        try:
            media.delete(key)
        except Exception as exc:  # the store may be briefly unreachable; the row is already gone
            log.warning("deleted episode %s, but not its file %s (%s)", podcast_id, key, type(exc).__name__)
