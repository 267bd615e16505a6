"""Private feed tokens: one random secret per user, rotatable; the feed URL is only as secret as this."""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import feed_tokens_table
from store.records import utcnow


def feed_url(public_base_url: str, user_id: str, token: str) -> str:
    """The absolute URL of a user's feed."""
    return f"{public_base_url}/feeds/{user_id}/{token}.xml"


def _new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits; URL-safe so it can sit in a path


def token_for(db: Database, user_id: str) -> str:
    """The user's feed token, created on first use."""
    query = select(feed_tokens_table.c.token).where(feed_tokens_table.c.user_id == user_id)
    with db.read() as conn:
        existing = conn.execute(query).scalar()
    if existing:
        return str(existing)
    try:
        with db.write() as conn:
            token = _new_token()
            conn.execute(insert(feed_tokens_table).values(user_id=user_id, token=token, created_at=utcnow()))
            return token
    except IntegrityError:  # created concurrently by another request: that one wins
        with db.read() as conn:
            return str(conn.execute(query).scalar_one())


def rotate(db: Database, user_id: str) -> str:
    """Replace the user's token; every URL with the old one stops working at once."""
    token = _new_token()
    with db.write() as conn:
        name = conn.execute(select(feed_tokens_table.c.name).where(feed_tokens_table.c.user_id == user_id)).scalar()
        conn.execute(delete(feed_tokens_table).where(feed_tokens_table.c.user_id == user_id))
        conn.execute(insert(feed_tokens_table).values(user_id=user_id, token=token, name=name, created_at=utcnow()))
    return token


def is_valid(db: Database, user_id: str, token: str) -> bool:
    """True when `token` is the user's current feed token (compared in constant time)."""
    with db.read() as conn:
        current = conn.execute(select(feed_tokens_table.c.token)
                               .where(feed_tokens_table.c.user_id == user_id)).scalar()
    return bool(current) and hmac.compare_digest(str(current).encode(), token.encode())


def name_of(db: Database, user_id: str) -> str | None:
    """The name the user gave their feed, if any."""
    with db.read() as conn:
        name = conn.execute(select(feed_tokens_table.c.name).where(feed_tokens_table.c.user_id == user_id)).scalar()
    return str(name) if name else None


def set_name(db: Database, user_id: str, name: str | None) -> None:
    """Name the user's feed ("" or None: the default title); creates the feed if it does not exist yet."""
    token_for(db, user_id)
    with db.write() as conn:
        conn.execute(update(feed_tokens_table).where(feed_tokens_table.c.user_id == user_id)
                     .values(name=name or None))
