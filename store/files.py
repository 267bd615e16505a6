"""Writing files so that a crash or power cut leaves the old file or the whole new one, never a torn one, and
a job is only marked complete once its files are on disk."""

from __future__ import annotations

import os
from pathlib import Path


def sync_file(path: Path) -> None:
    """Flush `path`'s contents to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_directory(path: Path) -> None:
    """Flush `path`'s entries (a rename into it), so the new name survives a power cut."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_durably(partial: Path, target: Path) -> None:
    """Move the finished `partial` onto `target`: write, fsync, rename, fsync the directory."""
    sync_file(partial)
    os.replace(partial, target)
    sync_directory(target.parent)


def write_durably(target: Path, data: bytes) -> None:
    """Replace `target` with `data`, durably and atomically."""
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    replace_durably(partial, target)


def create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only (0600) if it does not exist: the mode is set when the
    file is made, so there is no moment when others could open it. An existing file is made 0600."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # made by an older version, or by hand: tightened too, when this process owns it
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return
    os.close(descriptor)
