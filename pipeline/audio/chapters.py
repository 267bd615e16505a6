"""Chapters as the containers store them: each from its start to the next one's (the last to the end)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def chapter_spans(chapters: Sequence[dict[str, Any]], seconds: float) -> list[tuple[dict[str, Any], int, int]]:
    """Each chapter (`startTime` in seconds, `title`) with its start and end in milliseconds."""
    starts = [round(float(chapter["startTime"]) * 1000) for chapter in chapters]
    ends = [*starts[1:], round(seconds * 1000)]
    return list(zip(chapters, starts, ends, strict=True))
