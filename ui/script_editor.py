"""A script, editable in place, for both moments: a job awaiting review, and a finished episode. Each line has its
speaker and text, a button that voices just that line, and buttons to move it, insert a line after it and
delete it. Changed lines are marked and counted; the last edits can be undone before saving. The editor only
edits: its owner saves what `stored()` returns."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui

from errors import InputError, NotecastError
from pipeline.audio.samples import line_preview
from pipeline.jobs.review import MAX_TURN_CHARS, checked
from pipeline.services import Services
from pipeline.voices.base import hosts_from_json
from store import lexicons
from ui.throttle import RateLimit

_CHANGED = "bg-amber-500/10"
_TURN_FIELD = re.compile(r"sections\[(\d+)\]\.turns\[(\d+)\]\.(speaker|text)")
_UNDO_STEPS = 50
_PLAYS = RateLimit(120, 3600)  # lines voiced to listen to, per user: each is real synthesis (paid, with OpenAI)


@dataclass
class _Line:
    section: int
    speaker: str
    text: str
    say: dict[str, str] = field(default_factory=dict)
    original: tuple[str, str, dict[str, str]] | None = None  # None: a line added in this editor

    @property
    def changed(self) -> bool:
        return self.original is None or (self.speaker, self.text.strip(), self.say) != self.original


class ScriptEditor:
    """Edits one script (the stored shape: sections of [speaker, text, {written: spoken}?] turns)."""

    def __init__(self, services: Services, script: dict[str, Any], hosts: list[dict[str, str]] | None, user_id: str,
                 on_change: Callable[[int, int], None] | None = None) -> None:
        """`hosts` are the episode's, as stored ([{name, voice}]; None on jobs from before they were); `on_change`
        hears (lines to voice, edits) after every edit."""
        self.services, self.script, self.user_id, self.on_change = services, script, user_id, on_change
        self.stored_hosts = hosts
        self.hosts = [host.name for host in hosts_from_json(hosts, services.providers.hosts)]
        self.sections = [str(section.get("title", "")) for section in script.get("sections", [])]
        self.lines: list[_Line] = []
        for index, section in enumerate(script.get("sections", [])):
            for speaker, text, *rest in section.get("turns", []):
                say = dict(rest[0]) if rest and rest[0] else {}
                self.lines.append(_Line(index, str(speaker), str(text), say, (str(speaker), str(text), say)))
        self.removed = 0  # lines of the script deleted in this editor
        self.history: list[tuple[list[_Line], int, object]] = []
        with ui.expansion("Script", icon="article", value=True).classes("w-full").props('aria-label="Script"'):
            with ui.row().classes("w-full items-center justify-between"):
                self.summary = ui.label("").classes("text-xs text-gray-500").props("role=status")
                self.undo_button = ui.button("Undo", icon="undo", on_click=self.undo).props(
                    'flat dense aria-label="Undo the last edit"').mark("script-undo")
            self.player_slot = ui.row().classes("w-full")
            self.player: ui.audio | None = None  # made on the first play: an empty src would fetch the page
            self.body = ui.column().classes("w-full gap-1")
        self._draw()

    def _draw(self) -> None:
        self.body.clear()
        with self.body:
            for index, title in enumerate(self.sections):
                ui.label(title).classes("font-semibold text-sm mt-2")
                for line in self.lines:
                    if line.section == index:
                        self._row(line)
        self._count()

    def _row(self, line: _Line) -> None:
        number = self.lines.index(line) + 1
        with ui.row().classes("w-full no-wrap items-start gap-1 rounded p-1") as row:
            if line.changed:
                row.classes(add=_CHANGED)
            chosen = ui.select(self.hosts, value=line.speaker if line.speaker in self.hosts else None).classes(
                "w-28").props("dense outlined").mark("script-speaker")
            chosen.props["aria-label"] = f"Speaker of line {number}"
            words = ui.textarea(value=line.text).classes("grow").props("autogrow dense outlined").mark("script-line")
            words.props["aria-label"] = f"Line {number}"
            words.props["maxlength"] = MAX_TURN_CHARS
            actions = (("play_arrow", f"Play line {number}", lambda: self.play(line), "script-play"),
                       ("arrow_upward", f"Move line {number} up", lambda: self._move(line, -1), "script-up"),
                       ("arrow_downward", f"Move line {number} down", lambda: self._move(line, 1), "script-down"),
                       ("add", f"Insert a line after line {number}", lambda: self._insert_after(line), "script-insert"),
                       ("delete", f"Delete line {number}", lambda: self._delete(line), "script-delete"))
            for icon, label, action, marker in actions:
                button = ui.button(icon=icon, on_click=action).props("flat round dense").mark(marker)
                button.props["aria-label"] = label

        def edited(speaker: Any = None, text: Any = None) -> None:
            self._remember(line)
            if speaker is not None:
                line.speaker = str(speaker)
            if text is not None:
                line.text = str(text)
            row.classes(add=_CHANGED) if line.changed else row.classes(remove=_CHANGED)
            self._count()

        chosen.on_value_change(lambda event: edited(speaker=event.value))
        words.on_value_change(lambda event: edited(text=event.value))

    def _remember(self, typing_in: object = None) -> None:
        """Keep the state before an edit for undo; typing on in the same line is one edit."""
        if typing_in is not None and self.history and self.history[-1][2] is typing_in:
            return
        self.history.append((copy.deepcopy(self.lines), self.removed, typing_in))
        del self.history[:-_UNDO_STEPS]

    def undo(self) -> None:
        """Go back to before the last edit."""
        if not self.history:
            ui.notify("Nothing to undo")
            return
        lines, self.removed, _ = self.history.pop()
        self.lines = lines
        self._draw()

    def _move(self, line: _Line, step: int) -> None:
        at = self.lines.index(line)
        to = at + step
        if not 0 <= to < len(self.lines):
            return
        self._remember()
        neighbour = self.lines[to]
        if neighbour.section != line.section:  # across a chapter heading: the line joins that chapter
            line.section = neighbour.section
        else:
            self.lines[at], self.lines[to] = neighbour, line
        self._draw()

    def _insert_after(self, line: _Line) -> None:
        self._remember()
        other = next((host for host in self.hosts if host != line.speaker), line.speaker)
        self.lines.insert(self.lines.index(line) + 1, _Line(line.section, other, ""))
        self._draw()

    def _delete(self, line: _Line) -> None:
        self._remember()
        self.lines.remove(line)
        self.removed += line.original is not None
        self._draw()

    def _count(self) -> None:
        changed = self.changed_lines
        edits = changed + self.removed
        parts = ([f"{changed} line{'s' * (changed != 1)} to voice"] if changed else []) + (
            [f"{self.removed} deleted"] if self.removed else [])
        self.summary.set_text(" · ".join(parts) if edits else "No changes yet")
        self.undo_button.enabled = bool(self.history)
        if self.on_change is not None:
            self.on_change(changed, edits)

    @property
    def changed_lines(self) -> int:
        """Lines that are new or changed: the ones voicing will have to voice."""
        return sum(line.changed for line in self.lines)

    @property
    def has_edits(self) -> bool:
        """Anything changed, moved or deleted."""
        return self._shape_now() != self._original_shape()

    def edited(self) -> dict[str, Any]:
        """The script as it now stands, in the API's shape."""
        turns: list[list[dict[str, Any]]] = [[] for _ in self.sections]
        for line in self.lines:
            turns[line.section].append({
                "speaker": line.speaker, "text": line.text,
                "say": [{"text": written, "say": spoken} for written, spoken in line.say.items()]})
        sections = [{"title": title, "turns": lines} for title, lines in zip(self.sections, turns, strict=True)]
        return {"title": self.script.get("title", ""), "sections": sections}

    def stored(self) -> dict[str, Any]:
        """The edited script, checked, in the stored shape; InputError naming the first wrong line by its
        number, as the editor shows it."""
        try:
            return checked(self.edited(), self.hosts, self.script)
        except InputError as refused:
            where = next(iter(refused.fields or {}), "")
            found = _TURN_FIELD.match(where)
            if found is None:
                raise
            section, turn, part = int(found[1]), int(found[2]), found[3]
            in_section = [line for line in self.lines if line.section == section]
            number = self.lines.index(in_section[turn]) + 1
            raise InputError(f"Line {number}: its {part} {refused.fields[where]}", fields=refused.fields) from None

    def _shape_now(self) -> list[Any]:
        return [[line.section, line.speaker, " ".join(line.text.split()), line.say] for line in self.lines]

    def _original_shape(self) -> list[Any]:
        return [[index, *turn[:2], turn[2] if len(turn) > 2 else {}]
                for index, section in enumerate(self.script.get("sections", [])) for turn in section.get("turns", [])]

    async def play(self, line: _Line) -> None:
        """Voice just this line, as the episode will say it (the voiced line is cached for the episode)."""
        if not line.text.strip():
            ui.notify("Write the line first", type="warning")
            return
        wait = _PLAYS.take(self.user_id)
        if wait > 0:
            ui.notify(f"You have played {_PLAYS.limit} lines in the last hour. Please try again in "
                      f"{int(wait // 60) + 1} min.", type="warning")
            return
        providers = self.services.providers
        cache = providers.cache.for_user(self.user_id) if providers.cache is not None else None
        try:
            lexicon = await run.io_bound(lexicons.entries_of, self.services.db, self.user_id) or {}
            cast = await run.io_bound(providers.cast_for, self.stored_hosts)
            if cast is None:  # shutting down
                return
            path = await run.io_bound(line_preview, cast, cache, line.speaker, line.text, lexicon | line.say,
                                      self.services.settings.data_dir / "cache" / "previews", self.user_id,
                                      self.services.settings.effective_storage_secret)
        except NotecastError as exc:
            ui.notify(exc.message, type="warning")
            return
        if path is None:
            return
        if self.player is None:
            with self.player_slot:
                self.player = ui.audio(f"/previews/{path.name}", autoplay=True).classes("w-full h-10").props(
                    'aria-label="This line, voiced"')
            return
        self.player.set_source(f"/previews/{path.name}")
        self.player.play()
