"""The `Voice` seam: text in, mono 16-bit PCM out, one distinct voice per host."""

from __future__ import annotations

from typing import Protocol


class Voice(Protocol):
    """Turns text into mono 16-bit PCM, one distinct voice per host."""

    name: str
    sample_rate: int
    concurrency: int  # how many turns may be voiced at once

    def synthesize(self, text: str, host_index: int) -> bytes:
        """PCM for `text` spoken by host 0 or host 1."""
        ...

    def cache_identity(self, host_index: int) -> str:
        """Everything besides the text that shapes this host's audio (the segment cache's key includes it)."""
        ...

    def warm_up(self) -> None:
        """Load whatever the first turn would otherwise wait for (a model); nothing for a remote voice."""
        ...
