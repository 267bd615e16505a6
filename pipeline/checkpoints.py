"""Per-job checkpoints in the job's working directory, so an interrupted job resumes instead of restarting:
the script (never rewritten) and the mastered episode (never re-voiced or re-encoded). Voiced segments are
checkpointed by the segment cache."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline.script import Script, Section, Turn


def _write_json(path: Path, data: Any) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)  # a crash mid-write leaves the old checkpoint or none, never half of one


def save_script(workdir: Path, script: Script, target_words: int) -> None:
    """Keep the script that was written."""
    _write_json(workdir / "script.json", {
        "title": script.title, "target_words": target_words,
        "sections": [{"title": s.title, "turns": [[t.speaker, t.text] for t in s.turns]} for s in script.sections]})


def load_script(workdir: Path) -> tuple[Script, int] | None:
    """The saved script and its target, if any."""
    try:
        data = json.loads((workdir / "script.json").read_text(encoding="utf-8"))
        sections = tuple(Section(s["title"], tuple(Turn(speaker, text) for speaker, text in s["turns"]))
                         for s in data["sections"])
        return Script(title=data["title"], sections=sections), int(data["target_words"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_mix(workdir: Path, transcript: list[dict[str, Any]], seconds: float, loudness: dict[str, float]) -> None:
    """Record that the mastered episode in `workdir` is complete, with its transcript and measured loudness."""
    _write_json(workdir / "mix.json", {"transcript": transcript, "seconds": seconds, "loudness": loudness})


def load_mix(workdir: Path, audio: Path) -> tuple[list[dict[str, Any]], float, dict[str, float]] | None:
    """The mastered episode's transcript, length and loudness, if its audio file is there too."""
    try:
        data = json.loads((workdir / "mix.json").read_text(encoding="utf-8"))
        if not audio.is_file():
            return None
        return list(data["transcript"]), float(data["seconds"]), dict(data["loudness"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
