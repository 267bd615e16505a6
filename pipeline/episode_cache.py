"""Whole mastered episodes in the segment cache: the same script, voice and settings always master to the same
audio, so regenerating a note reuses it (retagged for the new job) instead of mixing and encoding again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.mastering import Loudness

if TYPE_CHECKING:
    from pipeline.episode import MixSettings, Providers
    from pipeline.script import Script

_HEADER_BYTES = 4


def episode_key(providers: Providers, mix: MixSettings, script: Script) -> str | None:
    """The cache key of the mastered episode for `script`; None when there is no cache."""
    if providers.cache is None:
        return None
    sound = {name: value for name, value in asdict(mix).items() if name not in ("show_name", "cover")}
    if mix.intro_music is not None:  # the music's content, not its name, shapes the audio
        sound["intro_music"] = hashlib.sha256(mix.intro_music.read_bytes()).hexdigest()
    voice = providers.voice
    identity = (f"episode-2|{voice.name}|{voice.cache_identity(0)}|{voice.cache_identity(1)}|"
                f"{json.dumps(sound, sort_keys=True, default=str)}")
    spoken = [[section.title, [[turn.speaker, turn.text] for turn in section.turns]] for section in script.sections]
    return providers.cache.key(identity, json.dumps(spoken, ensure_ascii=False))  # the title is only a tag


def load(providers: Providers, key: str | None, out: Path) -> tuple[list[dict[str, Any]], float, Loudness] | None:
    """Write the cached episode's audio to `out`; its transcript, length and loudness. None on a miss."""
    blob = providers.cache.get(key) if providers.cache is not None and key is not None else None
    if blob is None or len(blob) < _HEADER_BYTES:
        return None
    size = int.from_bytes(blob[:_HEADER_BYTES], "big")
    try:
        meta = json.loads(blob[_HEADER_BYTES:_HEADER_BYTES + size])
        found = list(meta["transcript"]), float(meta["seconds"]), Loudness(**meta["loudness"])
    except (ValueError, KeyError, TypeError):
        return None
    out.write_bytes(blob[_HEADER_BYTES + size:])
    return found


def store(providers: Providers, key: str | None, audio: Path, transcript: list[dict[str, Any]], seconds: float,
          loudness: Loudness) -> None:
    """Keep a verified episode for the next time the same script is voiced with the same settings."""
    if providers.cache is None or key is None:
        return
    meta = json.dumps({"transcript": transcript, "seconds": seconds, "loudness": asdict(loudness)}).encode()
    providers.cache.put(key, len(meta).to_bytes(_HEADER_BYTES, "big") + meta + audio.read_bytes())
