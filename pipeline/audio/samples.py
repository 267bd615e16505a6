"""A few seconds of each voice, for people choosing one. Made once per voice (and voice version), then served
from disk: a sample costs one short synthesis however often it is played."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import threading
import time
import wave
from collections.abc import Mapping
from pathlib import Path

from errors import ScriptError
from pipeline.audio.loudness import match_level
from pipeline.audio.voicing import segment_identity
from pipeline.cache import SegmentCache
from pipeline.ffmpeg import run
from pipeline.speech.normalize import spoken_text, too_long_to_say
from pipeline.voices.base import Cast, Voice

SAMPLE_TEXT = "Hi! This is how I sound when we talk your notes through. Ready when you are."
_SAMPLE_LOUDNESS_LUFS = -18.0  # about where episodes play, so switching between samples needs no volume change
_PREVIEWS_KEPT_SECONDS = 3600
MAX_LINE_CHARS = 2000  # as a script's turn (pipeline.jobs.review)
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


def line_preview(cast: Cast, cache: SegmentCache | None, speaker: str, text: str, say: Mapping[str, str],
                 out_dir: Path, owner: str, secret: str) -> Path:
    """A WAV of one script line as the episode will say it, for an editor's play button. The voiced segment goes
    through the segment cache, so voicing the episode afterwards reuses it. Previews are kept for an hour; a
    preview's name is keyed with `secret`, so nobody can tell from it what someone else has played."""
    if not text.strip() or len(text) > MAX_LINE_CHARS:
        raise ScriptError(f"A line to play must be 1-{MAX_LINE_CHARS} characters")
    voice = cast.voice_for(speaker)
    spoken = spoken_text(text, say)
    if too_long_to_say(text, spoken):
        raise ScriptError("The line's pronunciations make it too long to voice")
    identity = segment_identity(voice)
    key = cache.key(identity, spoken) if cache is not None else None
    pcm = cache.get(key) if cache is not None and key is not None else None
    if pcm is None:
        pcm = voice.synthesize(spoken)
        if cache is not None and key is not None:
            cache.put(key, pcm)
    digest = hmac.new(secret.encode(), f"{owner}|{identity}|{spoken}".encode(), hashlib.sha256).hexdigest()[:40]
    path = out_dir / f"{digest}.wav"
    out_dir.mkdir(parents=True, exist_ok=True)
    _forget_old_previews(out_dir)
    _write_atomically(path, _wav(_levelled(pcm, voice.sample_rate), voice.sample_rate))
    return path


def _forget_old_previews(out_dir: Path) -> None:
    old = time.time() - _PREVIEWS_KEPT_SECONDS
    for preview in out_dir.glob("*.wav"):
        try:
            if preview.stat().st_mtime < old:
                preview.unlink()
        except OSError:  # another request removed it first
            continue


def _wav(pcm: bytes, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def _levelled(pcm: bytes, rate: int) -> bytes:
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
    level = match_level(samples, rate, _SAMPLE_LOUDNESS_LUFS)
    return (np.clip(level, -1.0, 1.0) * 32767).astype("<i2").tobytes()  # type: ignore[no-any-return]


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
