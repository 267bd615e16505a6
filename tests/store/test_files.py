"""Files on disk: private from the moment they exist, and durable before a job is marked completed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.episode import checkpoints
from pipeline.writers.base import Script, Section, Turn
from settings import Settings
from store.db import Database
from store.media import LocalMediaStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_directory_database_and_secret_are_private_from_creation(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "umask", os.umask)
    previous = os.umask(0o022)  # a typical umask, which would leave new files readable by everyone
    try:
        settings.ensure_data_dir()
        database = Database(settings.effective_database_url)
        database.create_all()
        secret = settings.effective_storage_secret
    finally:
        os.umask(previous)
    assert _mode(settings.data_dir) == 0o700
    for name in ("notecast.db", "notecast.db-wal", "notecast.db-shm", "storage_secret"):
        assert _mode(settings.data_dir / name) == 0o600, name
    assert len(secret) >= 32
    database.dispose()


def test_the_database_file_is_created_private_before_sqlite_opens_it(tmp_path: Path) -> None:
    created: list[int] = []
    real_open = os.open

    def watching_open(path: str | os.PathLike[str], flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if str(path).endswith("private.db") and flags & os.O_CREAT:
            created.append(mode)
        return real_open(path, flags, mode)

    os.open = watching_open  # type: ignore[assignment]
    try:
        Database(f"sqlite:///{tmp_path / 'private.db'}").dispose()
    finally:
        os.open = real_open
    assert created == [0o600], "created with its final mode, not chmod-ed afterwards"


def _count_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    return synced


def test_stored_media_is_flushed_file_then_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "episode.mp3"
    source.write_bytes(b"ID3" + b"x" * 1000)
    store = LocalMediaStore(tmp_path / "media", "http://localhost")
    synced = _count_fsyncs(monkeypatch)
    assert store.put(source, "abc/episode.mp3", "audio/mpeg") == 1003
    assert synced == ["file", "dir"]
    assert (tmp_path / "media" / "abc" / "episode.mp3").read_bytes() == source.read_bytes()
    assert not list((tmp_path / "media").rglob("*.partial"))


def test_checkpoints_are_flushed_file_then_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced = _count_fsyncs(monkeypatch)
    script = Script(title="T", sections=(Section("S", (Turn("Alex", "Hi."),)),))
    checkpoints.save_script(tmp_path, script, 100)
    assert synced == ["file", "dir"]
    assert checkpoints.load_script(tmp_path) == (script, 100)


def test_an_existing_data_directory_database_and_short_secret_are_made_private(settings: Settings) -> None:
    settings.data_dir.mkdir(mode=0o755, parents=True)
    settings.data_dir.chmod(0o755)
    database_file = settings.data_dir / "notecast.db"
    database_file.touch(mode=0o644)
    database_file.chmod(0o644)
    (settings.data_dir / "storage_secret").write_text("")  # as a crash mid-write could have left it
    settings.ensure_data_dir()
    Database(settings.effective_database_url).dispose()
    assert _mode(settings.data_dir) == 0o700 and _mode(database_file) == 0o600
    secret = settings.effective_storage_secret
    assert len(secret) >= 32 and _mode(settings.data_dir / "storage_secret") == 0o600
    assert not list(settings.data_dir.glob("*.partial"))
