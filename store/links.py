"""One-time codes that attach another browser to a user's history (there are no accounts)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from store.db import Database
from store.models import link_codes_table
from store.records import as_utc, utcnow

# No 0/O, 1/I/L: a code is read off one screen and typed into another.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 10  # 31^10 ≈ 2^49 codes; with a short life and throttled attempts, guessing one is hopeless
LIFETIME = timedelta(minutes=10)


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type or copy with it."""
    return "".join(char for char in code.upper() if char.isalnum())


def display(code: str) -> str:
    """`ABCDE-FGHJK`: easier to read aloud and type."""
    return f"{code[:5]}-{code[5:]}"


def create(db: Database, user_id: str) -> str:
    """A new code for `user_id`, valid for LIFETIME and once; the user's earlier unused codes stop working."""
    code = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    with db.write() as conn:
        conn.execute(delete(link_codes_table).where((link_codes_table.c.user_id == user_id)
                                                    | (link_codes_table.c.expires_at < utcnow())))
        conn.execute(insert(link_codes_table).values(code_hash=_hash(code), user_id=user_id,
                                                     expires_at=utcnow() + LIFETIME))
    return code


def redeem(db: Database, code: str) -> str | None:
    """The user id a code attaches to, using the code up; None for a wrong, used or expired code."""
    if not 0 < len(code) <= 40:
        return None
    digest = _hash(code)
    with db.write() as conn:
        row = conn.execute(select(link_codes_table.c.user_id, link_codes_table.c.expires_at)
                           .where(link_codes_table.c.code_hash == digest)).first()
        if row is None:
            return None
        conn.execute(delete(link_codes_table).where(link_codes_table.c.code_hash == digest))
    user_id, expires_at = row
    expiry = as_utc(expires_at)
    return str(user_id) if expiry is not None and expiry > utcnow() else None
