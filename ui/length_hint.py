"""As a note is typed: how long an episode it makes, and which lengths it cannot fill (marked in the select)."""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import run, ui

from pipeline.durations import DURATIONS
from pipeline.episode.estimate import Estimate, estimate
from pipeline.services import Services
from pipeline.writers.base import FormatName

_SETTLE_SECONDS = 0.6  # estimate once typing pauses, not on every key
_MAX_ESTIMATE_CHARS = 100_000


class LengthHint:
    """A status line under the form; it also relabels the length select so a too-long choice shows."""

    def __init__(self, services: Services, duration: ui.select) -> None:
        self.services, self.duration = services, duration
        self.label = ui.label("").classes("text-sm text-gray-600").props("role=status").mark("length-hint")
        self.label.set_visibility(False)
        self._typed = 0
        self.latest: Estimate | None = None

    async def update(self, note: str, title: str | None, format_name: FormatName, focus: str | None,
                     hosts: list[dict[str, Any]]) -> None:
        """Estimate after typing settles; a newer call supersedes an older one still waiting."""
        self._typed += 1
        mine = self._typed
        await asyncio.sleep(_SETTLE_SECONDS)
        if mine != self._typed:
            return
        if not note.strip() or len(note) > _MAX_ESTIMATE_CHARS:
            self._show(None)
            return
        found = await run.io_bound(estimate, self.services.providers, self.services.executor.mix,
                                   self.services.db, note, title, format_name, focus, hosts)
        if mine == self._typed and found is not None:
            self._show(found)

    def _show(self, found: Estimate | None) -> None:
        self.latest = found
        unfilled = {length.duration for length in found.lengths if not length.fills} if found else set()
        labels = {name: d.label + (" · note too short" if name in unfilled else "")
                  for name, d in DURATIONS.items()}
        self.duration.set_options(labels, value=self.duration.value)
        if found is None:
            self.label.set_visibility(False)
            return
        self.label.set_text(" ".join([found.summary, *found.notices]))
        self.label.set_visibility(True)
