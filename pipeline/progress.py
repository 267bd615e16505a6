"""How a running job talks to whoever runs it: progress out (`ProgressSink`), a stop request in (`Interrupted`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Protocol


class Milestone(IntEnum):
    """Where each step puts the progress bar: spaced by each step's measured share of a job's time, so equal
    distances on the bar are equal waits (voicing the lines is about 85 % of a fresh job). The seed's steps, in
    the seed's order."""

    RECORD_CREATED = 1
    WRITING_SCRIPT = 2
    SCRIPT_READY = 4
    VOICING = 5  # up to VOICED, line by line
    VOICED = 88
    ENCODING = 89
    MASTERED = 95
    STORING = 96
    STORED = 98
    VERIFYING = 99


def voicing_percent(done: int, total: int) -> int:
    """The bar after `done` of `total` lines are voiced."""
    return Milestone.VOICING + (Milestone.VOICED - Milestone.VOICING) * done // max(1, total)


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


class AwaitingReview(Exception):
    """The script is written and the job asked for review: it stops here until the script is approved."""

    def __init__(self, script: dict[str, Any]) -> None:
        super().__init__(script)  # as its only argument, so it survives the trip back from the worker process
        self.script = script
