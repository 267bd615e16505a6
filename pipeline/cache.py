"""A content-addressed cache of voiced segments, bounded in size, evicting the least recently used.

The key covers everything that shapes the audio: the text, the host, and the voice's own identity string
(provider, model, voice, every synthesis parameter). By default each user has a scope of their own
(`for_user`): a hit is only ever on one's own earlier work, so neither the counts on a job nor how fast it
finishes tell a user what anybody else has voiced. It doubles as the resume checkpoint: a job restarted after
a crash finds the segments it already voiced here. Scripts are kept here too, under keys of their own (see
pipeline.episode.produce), so regenerating a note gets the same script and with it the same segments.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import shutil
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class SegmentCache:
    """PCM files named by the SHA-256 of their key, under `root`, at most `max_bytes` in total."""

    def __init__(self, root: Path, max_bytes: int, *, per_user: bool = True) -> None:
        self.root, self.max_bytes, self.per_user = root, max_bytes, per_user
        self.root.mkdir(parents=True, exist_ok=True)
        self._shelf = _Shelf(sum(path.stat().st_size for path in self.root.glob("*.pcm")))
        self.scope = ""

    def for_user(self, user_id: str) -> SegmentCache:
        """The cache as one user's jobs see it: their own scope, or the shared one when `per_user` is off."""
        if not self.per_user:
            return self
        view = copy.copy(self)  # the same files, size and lock; only the keys differ
        view.scope = f"user:{user_id}"
        return view

    def key(self, identity: str, text: str) -> str:
        """The content address of a segment in this scope."""
        scoped = f"{len(self.scope)}:{self.scope}{identity}"
        # length-prefixed, so no scope/identity/text split can collide with another
        return hashlib.sha256(f"{len(scoped)}:{scoped}{text}".encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        """Cached PCM, marked as recently used; None on a miss."""
        path = self.root / f"{key}.pcm"
        try:
            data = path.read_bytes()
            os.utime(path)  # LRU order is file mtime
        except OSError:
            return None
        return data

    def file(self, key: str) -> Path | None:
        """Where a cached entry is, marked as recently used, for reading it in pieces; None on a miss. (It may be
        evicted later: open it at once, and an open file stays readable.)"""
        path = self.root / f"{key}.pcm"
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def put(self, key: str, pcm: bytes) -> None:
        """Store atomically, then evict the oldest entries past the size bound. A full disk only skips caching."""
        path = self.root / f"{key}.pcm"
        partial = path.with_suffix(f".{threading.get_ident()}.partial")
        try:
            partial.write_bytes(pcm)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            log.warning("segment cache write skipped: %s", exc.strerror or exc)
            return
        self._grew(len(pcm))

    def put_file(self, key: str, source: Path) -> None:
        """Like `put`, moving the file at `source` in (a rename on the same file system) instead of writing its
        bytes: for large entries. `source` is gone afterwards, cached or not."""
        path = self.root / f"{key}.pcm"
        try:
            size = source.stat().st_size
            try:
                os.replace(source, path)
            except OSError:  # another file system: copy, then replace atomically as `put` does
                partial = path.with_suffix(f".{threading.get_ident()}.partial")
                try:
                    shutil.copyfile(source, partial)
                    os.replace(partial, path)
                finally:
                    partial.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("segment cache write skipped: %s", exc.strerror or exc)
            return
        finally:
            source.unlink(missing_ok=True)
        self._grew(size)

    def remove(self, key: str) -> None:
        """Drop an entry, if it is there."""
        path = self.root / f"{key}.pcm"
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        self._grew(-size)

    def _grew(self, size: int) -> None:
        with self._shelf.lock:
            self._shelf.size += size
            if self._shelf.size > self.max_bytes:
                self._evict()

    def _evict(self) -> None:
        entries = sorted(self.root.glob("*.pcm"), key=lambda p: p.stat().st_mtime)
        self._shelf.size = sum(p.stat().st_size for p in entries)
        for path in entries:
            if self._shelf.size <= self.max_bytes * 0.9:  # leave headroom so every put does not evict again
                break
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            self._shelf.size -= size


class _Shelf:
    """What every scope of one cache shares: the running size of its files and the lock over it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
