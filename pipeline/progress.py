"""How a running job talks to whoever runs it: progress out (`ProgressSink`), a stop request in (`Interrupted`)."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Where a running job reports to."""

    def report(self, percent: int, step: str) -> None:
        """Progress 0-100 and the current step, for people watching."""
        ...

    def script_written(self, target_words: int, script_words: int, notices: list[str]) -> None:
        """The script's target and actual length, and what the listener should be told about it."""
        ...

    def segments_voiced(self, total: int, cached: int) -> None:
        """How many turns there were, and how many came from the cache instead of the voice."""
        ...

    def should_stop(self) -> bool:
        """True when the job must stop at the next segment boundary."""
        ...


class Interrupted(Exception):
    """The job must stop now (shutdown or cancel); its checkpoints stay for a resume."""
