"""Who is using this browser, and the optional password gate."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nicegui import app

_SIGNED_IN = "signed_in"


def current_user_id() -> str:
    """A stable id for this browser, kept in `app.storage.user`; the API accepts the same id as `userId`."""
    user_id = app.storage.user.get("user_id")
    if not user_id:
        user_id = f"web-{secrets.token_hex(8)}"
        app.storage.user["user_id"] = user_id
    return str(user_id)


@dataclass(frozen=True)
class PasswordGate:
    """UI_PASSWORD: what a browser must enter, and how long its sign-in lasts.

    A signed-in browser keeps a keyed hash of the password it entered, not a flag: when the password changes,
    every stored sign-in stops matching, so every browser is signed out. The key (the storage secret) keeps the
    stored hash from being guessed against offline.
    """

    password: str
    secret: str
    lifetime_seconds: float

    @property
    def enabled(self) -> bool:
        """False when no password is configured (every page is open)."""
        return bool(self.password)

    def _proof(self) -> str:
        return hmac.new(self.secret.encode(), b"ui-password\0" + self.password.encode(), hashlib.sha256).hexdigest()

    def is_signed_in(self, storage: MutableMapping[str, Any], now: float | None = None) -> bool:
        """True when no password is set, or this browser entered the current one within the session lifetime."""
        if not self.enabled:
            return True
        record = storage.get(_SIGNED_IN)
        if not isinstance(record, dict) or not isinstance(record.get("proof"), str):
            return False
        at = record.get("at")
        if not isinstance(at, int | float) or (now or time.time()) - at > self.lifetime_seconds:
            return False
        return hmac.compare_digest(record["proof"], self._proof())

    def sign_in(self, storage: MutableMapping[str, Any], attempt: str, now: float | None = None) -> bool:
        """Check the password in constant time and remember success for this browser."""
        ok = self.enabled and hmac.compare_digest(attempt.encode(), self.password.encode())
        if ok:
            storage[_SIGNED_IN] = {"proof": self._proof(), "at": now or time.time()}
        return ok

    @staticmethod
    def sign_out(storage: MutableMapping[str, Any]) -> None:
        """Forget the sign-in (the user id and its history stay)."""
        storage.pop(_SIGNED_IN, None)
        storage.pop("authenticated", None)  # the flag older versions kept


def safe_target(target: str) -> str:
    """Where to go after signing in: a path on this site, or `/`. Browsers read `/\\host`, `/%09/host` (a tab,
    once the query is decoded) and the like as another site, so anything odd is refused, not repaired."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return target
