"""Per-job checkpoints in the job's working directory, so an interrupted job resumes instead of restarting:
the script (never rewritten) and the mastered episode (never re-voiced or re-encoded). Voiced segments are
checkpointed by the segment cache."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.audio.mix import MixedEpisode
from pipeline.writers.base import Script, Section, Turn
from store.files import write_durably


def _write_json(path: Path, data: Any) -> None:
    # a crash mid-write leaves the old checkpoint or none, never half of one
    write_durably(path, json.dumps(data, ensure_ascii=False).encode())


def script_json(script: Script, target_words: int) -> dict[str, Any]:
    """A script and its word target as plain JSON: a turn is [speaker, text], plus {written: spoken} when it
    carries pronunciations."""
    return {"title": script.title, "target_words": target_words, "notices": list(script.notices),
            "sections": [{"title": s.title, "turns": [_turn_json(t) for t in s.turns]} for s in script.sections]}


def _turn_json(turn: Turn) -> list[Any]:
    return [turn.speaker, turn.text, dict(turn.say)] if turn.say else [turn.speaker, turn.text]


def _turn(stored: list[Any]) -> Turn:
    speaker, text, *rest = stored
    say = tuple((str(written), str(spoken)) for written, spoken in rest[0].items()) if rest else ()
    return Turn(str(speaker), str(text), say)


def script_from_json(data: Any) -> tuple[Script, int] | None:
    """The script and target from `script_json`'s output; None if it is not one."""
    try:
        sections = tuple(Section(s["title"], tuple(_turn(turn) for turn in s["turns"])) for s in data["sections"])
        notices = tuple(str(notice) for notice in data.get("notices", ()))
        return Script(title=data["title"], sections=sections, notices=notices), int(data["target_words"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def save_script(workdir: Path, script: Script, target_words: int) -> None:
    """Keep the script that was written."""
    _write_json(workdir / "script.json", script_json(script, target_words))


def load_script(workdir: Path) -> tuple[Script, int] | None:
    """The saved script and its target, if any."""
    try:
        return script_from_json(json.loads((workdir / "script.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def save_mix(workdir: Path, episode: MixedEpisode) -> None:
    """Record that the mastered episode in `workdir` is complete, with its transcript and loudness."""
    _write_json(workdir / "mix.json", episode.as_json())


def load_mix(workdir: Path, audio: Path) -> MixedEpisode | None:
    """The mastered episode's transcript, length and loudness, if its audio file is there too."""
    try:
        data = json.loads((workdir / "mix.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return MixedEpisode.from_json(data) if audio.is_file() else None
