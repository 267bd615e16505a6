"""As a note is typed: how long an episode it makes, and which lengths it cannot fill (marked in the select)."""

from __future__ import annotations

import asyncio

from nicegui import run, ui

from pipeline.durations import DURATIONS
from pipeline.episode.estimate import Estimate, estimate
from pipeline.jobs.submission import MAX_NOTE_CHARS
from pipeline.services import Services
from pipeline.writers.base import FormatName

_SETTLE_SECONDS = 0.6  # estimate once typing pauses, not on every key


class LengthHint:
    """A status line under the form; it also relabels the length select so a too-long choice shows."""

    def __init__(self, services: Services, duration: ui.select) -> None:
        self.services, self.duration = services, duration
        self.label = ui.label("").classes("text-sm text-gray-600").props("role=status").mark("length-hint")
        self.label.set_visibility(False)
        self._typed = 0
        self._busy = False
        self._wanted: tuple[str, str | None, FormatName, str | None, list[dict[str, str]]] = (
            "", None, "conversation", None, [])
        self.latest: Estimate | None = None

    async def update(self, note: str, title: str | None, format_name: FormatName, focus: str | None,
                     hosts: list[dict[str, str]]) -> None:
        """Estimate after typing settles. One estimate runs at a time per page: text typed meanwhile is estimated
        when it finishes, so a fast typist never stacks up work on the server."""
        self._wanted = (note, title, format_name, focus, hosts)
        self._typed += 1
        mine = self._typed
        await asyncio.sleep(_SETTLE_SECONDS)
        if mine != self._typed or self._busy:
            return
        self._busy = True
        try:
            while True:
                seen, (text, title_, format_, focus_, hosts_) = self._typed, self._wanted
                if not text.strip() or len(text) > MAX_NOTE_CHARS:
                    found = None
                else:
                    found = await run.io_bound(estimate, self.services.providers, self.services.executor.mix,
                                               self.services.db, text, title_, format_, focus_, hosts_)
                if seen == self._typed:
                    self._show(found)
                    return
        finally:
            self._busy = False

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
