"""The episode lengths a request can ask for: one table for validation, scripts, the API and the UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WORDS_PER_MINUTE = 150  # a typical speaking rate, until one has been measured for the voice

DurationName = Literal["short", "medium", "long"]


@dataclass(frozen=True)
class Duration:
    """One episode length."""

    name: DurationName
    minutes: int
    label: str

    @property
    def seconds(self) -> int:
        """The target length in seconds."""
        return self.minutes * 60

    @property
    def words(self) -> int:
        """The script's length at a typical speaking rate."""
        return self.minutes * WORDS_PER_MINUTE


DURATIONS: dict[str, Duration] = {d.name: d for d in (
    Duration("short", 5, "Short · about 5 min"),
    Duration("medium", 10, "Medium · about 10 min"),
    Duration("long", 20, "Long · about 20 min"),
)}


BRIEF_SECONDS = 90  # a brief is a minute or two whatever length was asked for


def target_seconds(name: str, format_name: str | None = None) -> int:
    """How long an episode of length `name` should last (0 for a name no longer offered)."""
    found = DURATIONS.get(name)
    if format_name == "brief":
        return min(BRIEF_SECONDS, found.seconds) if found else BRIEF_SECONDS
    return found.seconds if found else 0


def expected_seconds(target: int, target_words: int | None, script_words: int | None) -> int | None:
    """How long the written script will last, from how it compares with its word target (None before the script
    is written)."""
    if not target_words or script_words is None:
        return None
    return round(target * min(script_words / target_words, 1.5))


def spoken_length(seconds: float) -> str:
    """"about 3-4 minutes", "about a minute", "under a minute"."""
    minutes = seconds / 60
    if minutes < 0.75:
        return "under a minute"
    if minutes < 1.5:
        return "about a minute"
    low = int(minutes)
    return f"about {low} minutes" if minutes - low < 0.25 else f"about {low}-{low + 1} minutes"


def length_notice(duration: str, format_name: str | None, target_words: int, script_words: int) -> str | None:
    """A plain sentence when the note cannot fill the length asked for (None when it can)."""
    if not target_words or script_words >= 0.85 * target_words:
        return None
    target = target_seconds(duration, format_name)
    filled = expected_seconds(target, target_words, script_words) or 0
    return (f"This note fills {spoken_length(filled)}, less than the {spoken_length(target).removeprefix('about ')} "
            "asked for; a longer note makes a longer episode.")
