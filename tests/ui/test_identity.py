"""The password gate and the sign-in redirect, as pure functions over a browser's stored data."""

from __future__ import annotations

from typing import Any

import pytest

from ui.identity import PasswordGate, safe_target

# Known ways to turn "a path on this site" into another site, once a browser reads them.
OPEN_REDIRECT_BYPASSES = [
    "//evil.example/", "/\\evil.example/", "/\\/evil.example/", "\\\\evil.example", "/\t/evil.example/",
    "/\n/evil.example/", "/\r//evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\x85/evil.example",
    "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "evil.example", "", " /x",
    "/%5Cevil.example/".replace("%5C", "\\"), "///evil.example",
]


@pytest.mark.parametrize("target", OPEN_REDIRECT_BYPASSES)
def test_sign_in_never_sends_the_browser_to_another_site(target: str) -> None:
    assert safe_target(target) == "/"


@pytest.mark.parametrize("target", ["/", "/episodes", "/episodes/abc123", "/episodes?x=1#top", "/%09/x"])
def test_sign_in_returns_to_paths_on_this_site(target: str) -> None:
    assert safe_target(target) == target


def gate(password: str = "open sesame", lifetime: float = 3600) -> PasswordGate:
    return PasswordGate(password, "storage secret", lifetime)


def test_a_sign_in_lasts_for_the_session_lifetime_only() -> None:
    storage: dict[str, Any] = {}
    assert not gate().is_signed_in(storage)
    assert not gate().sign_in(storage, "wrong", now=1000) and not gate().is_signed_in(storage, now=1000)
    assert gate().sign_in(storage, "open sesame", now=1000)
    assert gate().is_signed_in(storage, now=1000 + 3599)
    assert not gate().is_signed_in(storage, now=1000 + 3601), "expired"


def test_changing_the_password_signs_every_browser_out() -> None:
    storage: dict[str, Any] = {}
    assert gate("old password").sign_in(storage, "old password")
    assert gate("old password").is_signed_in(storage)
    assert not gate("new password").is_signed_in(storage)
    assert "old password" not in repr(storage), "the password itself is never stored"


def test_the_flag_older_versions_stored_no_longer_signs_in() -> None:
    assert not gate().is_signed_in({"authenticated": True})


def test_sign_out_forgets_the_sign_in_but_not_the_user() -> None:
    storage: dict[str, Any] = {"user_id": "web-1"}
    gate().sign_in(storage, "open sesame")
    PasswordGate.sign_out(storage)
    assert not gate().is_signed_in(storage) and storage == {"user_id": "web-1"}


def test_without_a_password_everyone_is_in_and_no_attempt_signs_in() -> None:
    storage: dict[str, Any] = {}
    assert gate("").is_signed_in(storage)
    assert not gate("").sign_in(storage, "")
