"""Whole mastered episodes in the segment cache: the same script, voice and settings always master to the same
audio, so regenerating a note reuses it (retagged for the new job) instead of mixing and encoding again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from pipeline.audio.dynamics import FFMPEG_DYNAMICS, MATCHING_IDENTITY
from pipeline.audio.mix import MixedEpisode, MixSettings
from pipeline.cache import SegmentCache
from pipeline.speech.normalize import NORMALISER_VERSION
from pipeline.voices.base import Cast
from pipeline.writers.base import Script

_HEADER_BYTES = 4


def _sound(cast: Cast, mix: MixSettings) -> str:
    """Everything besides the script that shapes an episode's audio."""
    sound = {name: value for name, value in asdict(mix).items() if name not in ("show_name", "cover", "live_preview")}
    if mix.intro_music is not None:  # the music's content, not its name, shapes the audio
        sound["intro_music"] = hashlib.sha256(mix.intro_music.read_bytes()).hexdigest()
    return f"{cast.identity()}|speech={NORMALISER_VERSION}|{json.dumps(sound, sort_keys=True, default=str)}"


def episode_key(cache: SegmentCache, cast: Cast, mix: MixSettings, script: Script) -> str:
    """The cache key of the mastered episode for `script`."""
    spoken = [[section.title, [[turn.speaker, turn.text, *([dict(turn.say)] if turn.say else [])]
                               for turn in section.turns]] for section in script.sections]
    # the title is only a tag
    return cache.key(f"episode-3|{_sound(cast, mix)}", json.dumps(spoken, ensure_ascii=False))


def layout_key(cache: SegmentCache, cast: Cast, mix: MixSettings, podcast_id: str) -> str:
    """Where the latest version of a podcast keeps its premaster and layout (see pipeline.audio.splicing)."""
    # the chain that made the premaster and the level matching of its turns: a spliced stretch must match them
    return cache.key(f"premaster-2|{FFMPEG_DYNAMICS}|{MATCHING_IDENTITY}|{_sound(cast, mix)}", podcast_id)


def load(cache: SegmentCache, key: str, out: Path) -> MixedEpisode | None:
    """Write the cached episode's audio to `out` and return its record; None on a miss."""
    blob = cache.get(key)
    if blob is None or len(blob) < _HEADER_BYTES:
        return None
    size = int.from_bytes(blob[:_HEADER_BYTES], "big")
    try:
        found = MixedEpisode.from_json(json.loads(blob[_HEADER_BYTES:_HEADER_BYTES + size]))
    except ValueError:
        return None
    if found is not None:
        out.write_bytes(blob[_HEADER_BYTES + size:])
    return found


def store(cache: SegmentCache, key: str, audio: Path, episode: MixedEpisode) -> None:
    """Keep a verified episode for the next time the same script is voiced with the same settings."""
    meta = json.dumps(episode.as_json()).encode()
    cache.put(key, len(meta).to_bytes(_HEADER_BYTES, "big") + meta + audio.read_bytes())
