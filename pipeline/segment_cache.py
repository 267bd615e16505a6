"""A content-addressed cache of voiced segments, bounded in size, evicting the least recently used.

The key covers everything that shapes the audio: the text, the host, and the voice's own identity string
(provider, model, voice, every synthesis parameter). It doubles as the resume checkpoint: a job restarted after
a crash finds the segments it already voiced here. Scripts are kept here too, under keys of their own (see
pipeline.episode), so regenerating a note gets the same script and with it the same segments.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class SegmentCache:
    """PCM files named by the SHA-256 of their key, under `root`, at most `max_bytes` in total."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root, self.max_bytes = root, max_bytes
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._size = sum(path.stat().st_size for path in self.root.glob("*.pcm"))
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(identity: str, text: str) -> str:
        """The content address of a segment."""
        # length-prefixed, so no identity/text split can collide with another
        return hashlib.sha256(f"{len(identity)}:{identity}{text}".encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        """Cached PCM, marked as recently used; None on a miss."""
        path = self.root / f"{key}.pcm"
        try:
            data = path.read_bytes()
            os.utime(path)  # LRU order is file mtime
        except OSError:
            with self._lock:
                self.misses += 1
            return None
        with self._lock:
            self.hits += 1
        return data

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
        with self._lock:
            self._size += len(pcm)
            if self._size > self.max_bytes:
                self._evict()

    def _evict(self) -> None:
        entries = sorted(self.root.glob("*.pcm"), key=lambda p: p.stat().st_mtime)
        self._size = sum(p.stat().st_size for p in entries)
        for path in entries:
            if self._size <= self.max_bytes * 0.9:  # leave headroom so every put does not evict again
                break
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            self._size -= size
