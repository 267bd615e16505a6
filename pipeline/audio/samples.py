"""A few seconds of each voice, for people choosing one. Made once per voice (and voice version), then served
from disk: a sample costs one short synthesis however often it is played."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from pipeline.audio.loudness import match_level
from pipeline.audio.voicing import segment_identity
from pipeline.ffmpeg import run
from pipeline.speech.normalize import spoken_text
from pipeline.voices.base import Voice

SAMPLE_TEXT = "Hi! This is how I sound when we talk your notes through. Ready when you are."
_SAMPLE_LOUDNESS_LUFS = -18.0  # about where episodes play, so switching between samples needs no volume change
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def voice_sample(voice: Voice, cache_dir: Path) -> Path:
    """An MP3 of `voice` saying SAMPLE_TEXT, made on first call."""
    digest = hashlib.sha256(f"{segment_identity(voice)}|{SAMPLE_TEXT}".encode()).hexdigest()[:32]
    path = cache_dir / f"{digest}.mp3"
    with _lock_for(digest):
        if not path.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, _encode(voice))
    return path


def _encode(voice: Voice) -> bytes:
    import numpy as np

    pcm = voice.synthesize(spoken_text(SAMPLE_TEXT))
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
    level = match_level(samples, voice.sample_rate, _SAMPLE_LOUDNESS_LUFS)
    data = (np.clip(level, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    encoded, _ = run(["-f", "s16le", "-ar", str(voice.sample_rate), "-ac", "1", "-i", "pipe:0",
                      "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "pipe:1"], stdin=data,
                     failure="Could not encode the voice sample")
    return encoded


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())
