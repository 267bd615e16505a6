"""The local media store: safe keys, atomic writes, and a briefly full disk waited out."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from errors import NotFound, StorageError
from store import media
from store.media import LocalMediaStore


def test_keys_cannot_escape_the_media_root(tmp_path: Path) -> None:
    store = LocalMediaStore(tmp_path / "media", "http://x")
    for key in ("../notecast.db", "a/../../b.mp3", "/etc/passwd", "x.mp3/..", "", "a b.mp3", "..%2f.mp3"):
        with pytest.raises(NotFound):
            store.path_for(key)
    assert store.path_for("abc123.mp3") == (tmp_path / "media" / "abc123.mp3").resolve()


def test_a_briefly_full_disk_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.mp3"
    source.write_bytes(b"x" * 100)
    failures = iter([OSError(errno.ENOSPC, "No space left on device")] * 2)
    real_copy = shutil.copyfile

    def flaky_copy(src: Path, dst: Path) -> Path:
        for failure in failures:
            raise failure
        return real_copy(src, dst)

    monkeypatch.setattr(media.shutil, "copyfile", flaky_copy)
    monkeypatch.setattr(media, "_DISK_BACKOFF_SECONDS", 0.01)
    store = LocalMediaStore(tmp_path / "media", "http://x")
    assert store.put(source, "ok.mp3", "audio/mpeg") == 100
    assert not list((tmp_path / "media").glob("*.partial"))


def test_a_disk_that_stays_full_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.mp3"
    source.write_bytes(b"x")

    def full(src: Path, dst: Path) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(media.shutil, "copyfile", full)
    monkeypatch.setattr(media, "_DISK_BACKOFF_SECONDS", 0.01)
    with pytest.raises(StorageError, match="No space left on device"):
        LocalMediaStore(tmp_path / "media", "http://x").put(source, "ok.mp3", "audio/mpeg")
