"""Who is using this browser, and the optional password gate."""

from __future__ import annotations

import hmac
import secrets

from nicegui import app


def current_user_id() -> str:
    """A stable id for this browser, kept in `app.storage.user`; the API accepts the same id as `userId`."""
    user_id = app.storage.user.get("user_id")
    if not user_id:
        user_id = f"web-{secrets.token_hex(8)}"
        app.storage.user["user_id"] = user_id
    return str(user_id)


def is_signed_in(password: str) -> bool:
    """True when no password is configured, or this browser has entered it."""
    return not password or bool(app.storage.user.get("authenticated"))


def sign_in(password: str, attempt: str) -> bool:
    """Check the password in constant time and remember success for this browser."""
    ok = bool(password) and hmac.compare_digest(attempt.encode(), password.encode())
    if ok:
        app.storage.user["authenticated"] = True
    return ok


def sign_out() -> None:
    """Forget the sign-in (the user id and its history stay)."""
    app.storage.user["authenticated"] = False
