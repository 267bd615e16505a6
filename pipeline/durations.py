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


def target_seconds(name: str) -> int:
    """How long an episode of length `name` should last (0 for a name no longer offered)."""
    found = DURATIONS.get(name)
    return found.seconds if found else 0
