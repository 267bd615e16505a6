"""The script of a job awaiting review, editable in place: each line's speaker and text, and a button to delete
it. Changed lines are marked; saving sends the whole script with the version it was read at, so an edit made
elsewhere meanwhile is never overwritten unseen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import run, ui

from errors import NotecastError
from pipeline.jobs.review import MAX_TURN_CHARS, checked
from pipeline.services import Services
from store import jobs

_CHANGED = "bg-amber-500/10"


@dataclass
class _Line:
    section: int
    original: tuple[str, str]
    speaker: ui.select
    text: ui.textarea
    row: ui.row
    deleted: bool = False

    @property
    def changed(self) -> bool:
        return self.deleted or (self.speaker.value, (self.text.value or "").strip()) != self.original


class ScriptEditor:
    """Edits one job's script; `save()` stores the edits (True when there was nothing to store or it worked)."""

    def __init__(self, services: Services, job_id: str, script: dict[str, Any], version: int, hosts: list[str]
                 ) -> None:
        self.services, self.job_id, self.script, self.version, self.hosts = services, job_id, script, version, hosts
        self.lines: list[_Line] = []
        with ui.expansion("Script", icon="article", value=True).classes("w-full").props('aria-label="Script"'):
            for index, section in enumerate(script.get("sections", [])):
                ui.label(str(section.get("title", ""))).classes("font-semibold text-sm mt-2")
                for speaker, text in section.get("turns", []):
                    self._line(index, str(speaker), str(text))
            self.summary = ui.label("").classes("text-xs text-gray-500").props("role=status")

    def _line(self, section: int, speaker: str, text: str) -> None:
        with ui.row().classes("w-full no-wrap items-start gap-2 rounded p-1") as row:
            chosen = ui.select(self.hosts, value=speaker if speaker in self.hosts else None).classes("w-28").props(
                'dense outlined aria-label="Speaker"').mark("script-speaker")
            words = ui.textarea(value=text).classes("grow").props(
                'autogrow dense outlined aria-label="Line"').mark("script-line")
            words.props["maxlength"] = MAX_TURN_CHARS
            line = _Line(section, (speaker, text), chosen, words, row)
            ui.button(icon="delete", on_click=lambda: self._delete(line)).props(
                'flat round dense aria-label="Delete this line"').mark("script-delete")
        for control in (chosen, words):
            control.on_value_change(lambda _, line=line: self._mark(line))
        self.lines.append(line)

    def _delete(self, line: _Line) -> None:
        line.deleted = True
        line.row.set_visibility(False)
        self._mark(line)

    def _mark(self, line: _Line) -> None:
        line.row.classes(add=_CHANGED) if line.changed else line.row.classes(remove=_CHANGED)
        count = sum(other.changed for other in self.lines)
        self.summary.set_text(f"{count} line{'s' if count != 1 else ''} changed" if count else "")

    def edited(self) -> dict[str, Any]:
        """The script as it now stands, in the API's shape."""
        sections = [{"title": section.get("title", ""), "turns": []} for section in self.script.get("sections", [])]
        for line in self.lines:
            if not line.deleted:
                sections[line.section]["turns"].append({"speaker": line.speaker.value, "text": line.text.value or ""})
        return {"title": self.script.get("title", ""), "sections": sections}

    async def save(self) -> bool:
        """Store the edits, if any; False (and a message) when they cannot be stored."""
        if not any(line.changed for line in self.lines):
            return True
        try:
            stored = checked(self.edited(), self.hosts, self.script)
            version = await run.io_bound(jobs.replace_script, self.services.db, self.job_id, stored, self.version)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return False
        if version is None:  # the app is shutting down
            return False
        self.version, self.script = int(version), stored
        return True
