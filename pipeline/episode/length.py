"""How long a script should be: the requested length at the speaking rate measured for this voice."""

from __future__ import annotations

import hashlib

from pipeline.audio.mix import MixSettings
from pipeline.durations import DURATIONS
from pipeline.voices.base import Cast


def target_words(duration: str, words_per_second: float | None = None) -> int:
    """Words a script for `duration` should have: at the speaking rate measured on earlier episodes when there
    is one (aiming a little short, as the built-in writer must not overshoot), else at a typical 150 wpm."""
    length = DURATIONS[duration]
    if words_per_second:
        return int(length.seconds * words_per_second * 0.96)
    return length.words


def engines_of(cast: Cast) -> str:
    """The engines that voice a cast, e.g. "hibari+piper" (a metrics label: few values, unlike voice names)."""
    return "+".join(sorted({voice.name.split(":", 1)[0] for voice in cast.voices}))


def pace_key(cast: Cast, mix: MixSettings) -> str:
    """What the measured speaking rate depends on: the two voices (names and full identities, hashed to fit the
    column) and the pauses between turns."""
    voices = "+".join(voice.name for voice in cast.voices)
    identity = hashlib.sha256("|".join(voice.cache_identity() for voice in cast.voices).encode()).hexdigest()[:16]
    return f"{voices}|{identity}|pauses={mix.pause_ms}/{mix.section_pause_ms}"[:255]
