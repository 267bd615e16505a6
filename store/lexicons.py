"""Each user's pronunciations: written forms and how to say them, applied to every episode they voice."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from store.db import Database
from store.models import lexicons_table
from store.records import utcnow


def entries_of(db: Database, user_id: str) -> dict[str, str]:
    """A user's lexicon, {written: spoken} (empty when they have none)."""
    with db.read() as conn:
        found = conn.execute(select(lexicons_table.c.entries).where(lexicons_table.c.user_id == user_id)).scalar()
    return dict(found) if found else {}


def replace(db: Database, user_id: str, entries: dict[str, str]) -> None:
    """Set a user's whole lexicon (an empty one removes it)."""
    with db.write() as conn:
        conn.execute(delete(lexicons_table).where(lexicons_table.c.user_id == user_id))
        if entries:
            conn.execute(insert(lexicons_table).values(user_id=user_id, entries=entries, updated_at=utcnow()))
